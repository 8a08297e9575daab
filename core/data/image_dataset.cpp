// The image datasets: IDX (Fashion-MNIST), folders of images, and the name dispatch
// (Twemoji: twemoji_dataset.cpp). Every failure is an Error that starts with the file or folder and
// names the problem; undecodable images in a folder are skipped and counted instead.
#include "core/data/image_dataset.h"

#include "core/data/image_dataset_detail.h"

#include <pwd.h>
#include <unistd.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace ss::data {

namespace detail {

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
constexpr int kMaxSize = 16384;
// A dataset larger than this in memory is refused with a hint to pass a size or a limit.
constexpr int64_t kMaxBytes = int64_t{4} << 30;
constexpr size_t kMaxErrors = 5;

Error fail(const std::string& where, const std::string& what) { return Error{where + ": " + what}; }

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Status validate(const ImageLoadOptions& opt) {
  if (opt.size < 0 || opt.size > kMaxSize)
    return Error{"size " + std::to_string(opt.size) + " is outside 0.." + std::to_string(kMaxSize)};
  if (opt.channels != 0 && opt.channels != 1 && opt.channels != 3)
    return Error{"channels must be 0 (native), 1 or 3, got " + std::to_string(opt.channels)};
  if (opt.limit < 0) return Error{"limit must not be negative"};
  return Ok{};
}

// Reports opt.progress about every 1% and watches opt.cancel.
class Progress {
 public:
  Progress(const ImageLoadOptions& opt, int64_t total)
      : m_opt(opt),
        m_total(std::max<int64_t>(total, 1)),
        m_stride(std::max<int64_t>(m_total / 100, 1)) {}
  // false once cancelled.
  bool at(int64_t done) {
    if (m_opt.cancel && m_opt.cancel->load(std::memory_order_relaxed)) return false;
    if (m_opt.progress && done >= m_next) {
      m_opt.progress(std::min(1.0, double(done) / double(m_total)));
      m_next = done + m_stride;
    }
    return true;
  }
  void finish() {
    if (m_opt.progress) m_opt.progress(1.0);
  }

 private:
  const ImageLoadOptions& m_opt;
  int64_t m_total, m_stride, m_next = 0;
};

std::string bytesText(int64_t bytes) {
  std::ostringstream s;
  s.precision(3);
  s << double(bytes) / double(int64_t{1} << 30) << " GiB";
  return s.str();
}

// ---- IDX --------------------------------------------------------------------------------

// gzopen/gzread read gzip and plain files alike.
class GzFile {
 public:
  explicit GzFile(const std::string& path) : m_f(gzopen(path.c_str(), "rb")) {
    if (m_f) gzbuffer(m_f, 1 << 18);
  }
  ~GzFile() {
    if (m_f) gzclose(m_f);
  }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;
  explicit operator bool() const { return m_f != nullptr; }

  // Reads up to n bytes: the count read (short at the end of the file), or -1 on an error.
  int64_t read(void* dst, int64_t n) {
    auto* p = static_cast<unsigned char*>(dst);
    int64_t done = 0;
    while (done < n) {
      const auto chunk = static_cast<unsigned>(std::min<int64_t>(n - done, 1 << 24));
      const int r = gzread(m_f, p + done, chunk);
      if (r < 0) return -1;
      if (r == 0) break;
      done += r;
    }
    return done;
  }
  std::string error() const {
    int code = 0;
    const char* m = gzerror(m_f, &code);
    return m && *m ? m : "read error";
  }

 private:
  gzFile m_f;
};

uint32_t bigEndian(const unsigned char* b) {
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | uint32_t{b[3]};
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Opens an IDX file of uint8 data with `ndims` dimensions (1 = labels, 3 = images) and reads
// its header into dims. Empty on success, else the problem.
std::string openIdx(const std::string& path, int ndims, GzFile& f, std::vector<int64_t>& dims) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return "no such file";
  if (fs::is_directory(path, ec)) return "is a directory, not a file";
  if (!f) return "cannot open for reading";
  const uint32_t magic = 0x00000800u | uint32_t(ndims);
  const char* kind = ndims == 3 ? "image" : "label";
  unsigned char b[16];
  const int64_t need = 4 + 4 * int64_t{ndims};
  const int64_t got = f.read(b, need);
  if (got < 0) return "cannot read: " + f.error();
  if (got < 4) return "truncated: " + std::to_string(got) + " bytes, too short for an IDX header";
  if (const uint32_t m = bigEndian(b); m != magic) {
    std::string what = std::string("not an IDX ") + kind + " file (magic " + hex(m) +
                       ", expected " + hex(magic) + ")";
    if (m == (0x00000800u | uint32_t(4 - ndims)))  // 0x801 <-> 0x803
      what += ndims == 3 ? ": this is a label file" : ": this is an image file";
    return what;
  }
  if (got < need) return "truncated: the IDX header ends after " + std::to_string(got) + " bytes";
  dims.clear();
  for (int i = 0; i < ndims; ++i) dims.push_back(bigEndian(b + 4 + 4 * i));
  return {};
}

// Reads `bytes` bytes into dst in chunks of under 1%, reporting progress from `base` on;
// empty or the problem.
std::string readBody(GzFile& f, uint8_t* dst, int64_t bytes, Progress& progress, int64_t base,
                     bool& cancelled) {
  const int64_t chunk = std::clamp<int64_t>(bytes / 128, 1 << 16, 1 << 20);
  for (int64_t done = 0; done < bytes;) {
    if (!progress.at(base + done)) {
      cancelled = true;
      return "cancelled";
    }
    const int64_t want = std::min(chunk, bytes - done);
    const int64_t got = f.read(dst + done, want);
    if (got < 0) return "cannot read: " + f.error();
    done += got;
    if (got < want)
      return "truncated: expected " + std::to_string(bytes) +
             " bytes of data after the header, the file ends after " + std::to_string(done);
  }
  return {};
}

// uint8 [n, 1, h, w] → the options' float [n, C, size, size].
torch::Tensor finishImages(const torch::Tensor& bytes, const ImageLoadOptions& opt) {
  auto x = bytes.to(torch::kFloat32).div_(255.f);
  if (opt.size > 0) x = resizeArea(x, opt.size, opt.size);
  if (opt.channels == 3) x = convertChannels(x, 3);
  return x.contiguous();
}

// ---- folders ----------------------------------------------------------------------------

bool hidden(const fs::path& p) { return p.filename().string().starts_with('.'); }

bool isImageFile(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tga";
}

// The entries of dir (not hidden), sorted; folders or image files.
std::vector<fs::path> listDir(const fs::path& dir, bool folders) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (hidden(p)) continue;
    std::error_code e2;
    if (folders ? it->is_directory(e2) : (!it->is_directory(e2) && isImageFile(p)))
      out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void recordSkip(ImageDataset& ds, const std::string& message) {
  ++ds.skipped;
  if (ds.errors.size() < kMaxErrors) ds.errors.push_back(message);
}

// Decodes items in order until opt.limit images loaded; fills ds.images/labels/skipped.
// The first decoded image fixes the channels (unless opt.channels) and size (unless opt.size).
Expected<bool> decodeItems(const std::string& where, const std::vector<Item>& items,
                           const ImageLoadOptions& opt, bool labelled, ImageDataset& ds) {
  const auto total = static_cast<int64_t>(items.size());
  const int64_t want = opt.limit > 0 ? std::min(opt.limit, total) : total;
  Progress progress(opt, want);
  torch::Tensor out;
  std::vector<int64_t> labels;
  int64_t n = 0, c = opt.channels, h = 0, w = 0;
  for (int64_t i = 0; i < total && n < want; ++i) {
    if (!progress.at(n)) return Error{"cancelled"};
    auto r = readImage(items[i].path, opt.size, static_cast<int>(c), opt.background);
    if (!r) {
      recordSkip(ds, r.error().message);
      continue;
    }
    auto img = std::move(r.value());
    if (!out.defined()) {
      c = img.size(0), h = img.size(1), w = img.size(2);
      if (const int64_t bytes = want * c * h * w * 4; bytes > kMaxBytes)
        return fail(where, std::to_string(want) + " images of " + std::to_string(c) + "×" +
                               std::to_string(h) + "×" + std::to_string(w) + " need " +
                               bytesText(bytes) + ": pass a smaller size or a limit");
      out = torch::empty({want, c, h, w}, torch::kFloat32);
    } else if (img.size(1) != h || img.size(2) != w) {
      img = resizeArea(img, h, w);
    }
    out[n].copy_(img);
    labels.push_back(items[i].label);
    ++n;
  }
  if (n == 0) {
    std::string what = "none of the " + std::to_string(total) + " image files could be decoded";
    if (!ds.errors.empty()) what += " (first: " + ds.errors.front() + ")";
    return fail(where, what);
  }
  progress.finish();
  ds.images = n < want ? out.narrow(0, 0, n).clone() : out;
  if (labelled) ds.labels = torch::tensor(labels, torch::kInt64);
  return true;
}

std::string homeDir() {
  if (auto h = env("HOME"); !h.empty()) return h;
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return ".";
}

}  // namespace detail

using namespace detail;

std::string ImageDataset::summary() const {
  std::ostringstream s;
  s << name << ": " << size() << " images";
  if (images.defined() && images.dim() == 4)
    s << ", " << images.size(1) << "×" << images.size(2) << "×" << images.size(3);
  if (labels.defined())
    s << ", " << classNames.size() << " classes";
  else
    s << ", unlabelled";
  if (skipped > 0) {
    s << ", skipped " << skipped;
    if (!errors.empty()) s << " (first: " << errors.front() << ")";
  }
  return s.str();
}

Expected<ImageDataset> loadIdx(const std::string& imagesPath, const std::string& labelsPath,
                               const ImageLoadOptions& opt, std::vector<std::string> classNames) {
  if (auto e = validate(opt); !e) return fail(imagesPath, e.error().message);
  return guarded(imagesPath, [&]() -> Expected<ImageDataset> {
    GzFile fi(imagesPath);
    std::vector<int64_t> dims;
    if (auto e = openIdx(imagesPath, 3, fi, dims); !e.empty()) return fail(imagesPath, e);
    const int64_t count = dims[0], rows = dims[1], cols = dims[2];
    if (count == 0) return fail(imagesPath, "no images: the header says 0");
    if (rows < 1 || cols < 1 || rows > kMaxSize || cols > kMaxSize)
      return fail(imagesPath,
                  "implausible image size " + std::to_string(rows) + "×" + std::to_string(cols));
    const int64_t n = opt.limit > 0 ? std::min(opt.limit, count) : count;
    const int64_t c = opt.channels == 3 ? 3 : 1;
    const int64_t side2 = opt.size > 0 ? int64_t{opt.size} * opt.size : rows * cols;
    if (const int64_t bytes = n * std::max(c * side2 * 4, rows * cols); bytes > kMaxBytes)
      return fail(imagesPath, std::to_string(n) + " images of " + std::to_string(c) + "×" +
                                  std::to_string(rows) + "×" + std::to_string(cols) + " need " +
                                  bytesText(bytes) + ": pass a smaller size or a limit");

    ImageDataset ds;
    ds.name = fs::path(imagesPath).filename().string();
    std::vector<int64_t> ldims;
    GzFile fl(labelsPath);  // not opened when empty
    if (!labelsPath.empty()) {
      if (auto e = openIdx(labelsPath, 1, fl, ldims); !e.empty()) return fail(labelsPath, e);
      if (ldims[0] != count)
        return fail(labelsPath, "count mismatch: " + std::to_string(ldims[0]) + " labels for the " +
                                    std::to_string(count) + " images of " + imagesPath);
    }

    Progress progress(opt, n * rows * cols + (labelsPath.empty() ? 0 : n));
    auto bytes = torch::empty({n, 1, rows, cols}, torch::kUInt8);
    bool cancelled = false;
    if (auto e = readBody(fi, bytes.data_ptr<uint8_t>(), bytes.numel(), progress, 0, cancelled);
        !e.empty())
      return cancelled ? Error{e} : fail(imagesPath, e);
    if (!labelsPath.empty()) {
      auto lb = torch::empty({n}, torch::kUInt8);
      if (auto e = readBody(fl, lb.data_ptr<uint8_t>(), n, progress, bytes.numel(), cancelled);
          !e.empty())
        return cancelled ? Error{e} : fail(labelsPath, e);
      const int64_t top = n > 0 ? lb.max().item<int64_t>() : -1;
      if (!classNames.empty() && top >= static_cast<int64_t>(classNames.size()))
        return fail(labelsPath, "label " + std::to_string(top) + " is out of range for " +
                                    std::to_string(classNames.size()) + " classes");
      for (auto k = static_cast<int64_t>(classNames.size()); k <= top; ++k)
        classNames.push_back(std::to_string(k));
      ds.labels = lb.to(torch::kInt64);
      ds.classNames = std::move(classNames);
    }
    ds.images = finishImages(bytes, opt);
    progress.finish();
    return ds;
  });
}

const std::vector<std::string>& fashionMnistClasses() {
  static const std::vector<std::string> k{"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                          "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                          "Bag",         "Ankle boot"};
  return k;
}

Expected<ImageDataset> loadFashionMnist(bool train, const ImageLoadOptions& opt,
                                        const std::string& dir) {
  std::string d = dir.empty() ? env("SCORESCOPE_FASHION_MNIST") : dir;
  if (d.empty()) d = kFashionMnistDir;
  const std::string hint =
      "install the Debian package dataset-fashion-mnist (scripts/deps does) or set "
      "SCORESCOPE_FASHION_MNIST";
  std::error_code ec;
  if (!fs::is_directory(d, ec)) return fail(d, "Fashion-MNIST not found: " + hint);
  const std::string prefix = train ? "train" : "t10k";
  // The Debian package ships the .gz files; unpacked copies work too.
  auto find = [&](const std::string& stem) {
    for (const char* ext : {".gz", ""})
      if (fs::exists(fs::path(d) / (stem + ext), ec)) return (fs::path(d) / (stem + ext)).string();
    return std::string();
  };
  const std::string images = find(prefix + "-images-idx3-ubyte");
  const std::string labels = find(prefix + "-labels-idx1-ubyte");
  if (images.empty() || labels.empty())
    return fail(d, "no " + prefix + "-images-idx3-ubyte.gz / " + prefix +
                       "-labels-idx1-ubyte.gz here: " + hint);
  auto r = loadIdx(images, labels, opt, fashionMnistClasses());
  if (r) r.value().name = std::string("fashion-mnist (") + (train ? "train" : "test") + ")";
  return r;
}

Expected<ImageDataset> loadImageFolder(const std::string& dir, const ImageLoadOptions& opt) {
  if (auto e = validate(opt); !e) return fail(dir, e.error().message);
  std::error_code ec;
  if (!fs::exists(dir, ec)) return fail(dir, "no such folder");
  if (!fs::is_directory(dir, ec)) return fail(dir, "not a folder");
  return guarded(dir, [&]() -> Expected<ImageDataset> {
    ImageDataset ds;
    ds.name = "folder " + dir;
    std::vector<Item> items;
    for (const auto& sub : listDir(dir, true)) {
      const auto files = listDir(sub, false);
      if (files.empty()) continue;
      const auto label = static_cast<int64_t>(ds.classNames.size());
      ds.classNames.push_back(sub.filename().string());
      for (const auto& f : files) items.push_back({f.string(), label});
    }
    const bool labelled = !items.empty();
    if (!labelled)
      for (const auto& f : listDir(dir, false)) items.push_back({f.string(), -1});
    if (items.empty())
      return fail(dir,
                  "no images (.png, .jpg, .jpeg, .bmp, .tga) in this folder or its sub-folders");
    if (auto r = decodeItems(dir, items, opt, labelled, ds); !r) return r.error();
    return ds;
  });
}

bool isImageDatasetSpec(const std::string& spec) {
  if (spec == "fashion-mnist" || spec.starts_with("fashion-mnist:") || spec == "twemoji" ||
      spec.starts_with("folder:"))
    return true;
  std::error_code ec;
  return !spec.empty() && fs::is_directory(spec, ec);
}

Expected<ImageDataset> loadImageDataset(const std::string& spec, const ImageLoadOptions& opt) {
  if (spec == "fashion-mnist" || spec == "fashion-mnist:train") return loadFashionMnist(true, opt);
  if (spec == "fashion-mnist:test") return loadFashionMnist(false, opt);
  if (spec.starts_with("fashion-mnist:"))
    return Error{"'" + spec +
                 "': unknown split, expected fashion-mnist:train or fashion-mnist:test"};
  if (spec == "twemoji") return loadTwemoji(opt);
  if (spec.starts_with("folder:")) return loadImageFolder(spec.substr(7), opt);
  std::error_code ec;
  if (!spec.empty() && fs::is_directory(spec, ec)) return loadImageFolder(spec, opt);
  return Error{
      "'" + spec +
      "' is not an image dataset: expected fashion-mnist[:train|:test], twemoji, folder:PATH "
      "or a folder of images"};
}

}  // namespace ss::data
