// atomic_file (core/common/atomic_file.h): writes land whole or not at all, and what an
// interrupted write left behind (PATH.tmp after a kill -9) is removed at the next start.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/common/atomic_file.h"

namespace fs = std::filesystem;

namespace {

fs::path freshDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("scorescope_atomic_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void touch(const fs::path& p, const std::string& text = "partial") {
  std::ofstream(p, std::ios::binary) << text;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST(AtomicFile, WritesWholeAndLeavesNoTemporary) {
  const auto d = freshDir("write");
  const std::string out = (d / "a.json").string();
  touch(ss::atomicTempPath(out));  // a kill -9 mid-write left this
  ASSERT_TRUE(ss::writeFileAtomic(out, std::string("{}\n")).ok());
  EXPECT_EQ(slurp(out), "{}\n");
  EXPECT_FALSE(fs::exists(ss::atomicTempPath(out)));
}

TEST(AtomicFile, StaleTemporariesOfATargetAreRemovedOthersKept) {
  const auto d = freshDir("stale");
  const std::string out = (d / "model.pt").string();
  touch(out, "old");
  touch(ss::atomicTempPath(out));
  touch(d / "other.pt.tmp");  // another target's: not ours to remove
  EXPECT_EQ(ss::removeStaleTemporaries(out), 1);
  EXPECT_FALSE(fs::exists(ss::atomicTempPath(out)));
  EXPECT_EQ(slurp(out), "old");  // the previous file stays intact
  EXPECT_TRUE(fs::exists(d / "other.pt.tmp"));
  EXPECT_EQ(ss::removeStaleTemporaries(out), 0);

  // A PNG sequence's folder: its frames' temporaries go, the user's other files stay.
  const auto seq = d / "frames";
  fs::create_directories(seq);
  touch(seq / "frame_0003.png.tmp");
  touch(seq / "frame_0002.png", "done");
  touch(seq / "notes.tmp");
  EXPECT_EQ(ss::removeStaleTemporaries(seq.string() + "/"), 1);
  EXPECT_FALSE(fs::exists(seq / "frame_0003.png.tmp"));
  EXPECT_TRUE(fs::exists(seq / "frame_0002.png"));
  EXPECT_TRUE(fs::exists(seq / "notes.tmp"));
  EXPECT_EQ(ss::removeStaleTemporaries(""), 0);
}
