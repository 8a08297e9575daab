// MaskEditor (ui/views/mask_editor.h): the mask painter's operations, pixel-exact. No display.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "ui/views/mask_editor.h"

namespace {

using ss::ui::MaskEditor;
using P = MaskEditor::Point;

TEST(MaskEditor, StartsKnownAndClearMakesAllUnknown) {
  MaskEditor m(28, 20);
  EXPECT_EQ(m.width(), 28);
  EXPECT_EQ(m.height(), 20);
  EXPECT_EQ(m.count(1), 28 * 20);
  m.clear();
  EXPECT_EQ(m.count(0), 28 * 20);
}

TEST(MaskEditor, RectangleCoversExactlyThePixelCentresInside) {
  MaskEditor m(32, 32);
  m.rectangle({2, 3}, {12, 8}, 0);  // centres 2.5…11.5 × 3.5…7.5: 10 × 5
  EXPECT_EQ(m.count(0), 50);
  EXPECT_EQ(m.at(2, 3), 0);
  EXPECT_EQ(m.at(11, 7), 0);
  EXPECT_EQ(m.at(12, 7), 1);
  EXPECT_EQ(m.at(11, 8), 1);
  EXPECT_EQ(m.at(1, 3), 1);
  // Corners in any order give the same box; a box past the border is clipped.
  MaskEditor n(32, 32);
  n.rectangle({12, 8}, {2, 3}, 0);
  EXPECT_EQ(n.pixels(), m.pixels());
  n.rectangle({-5, -5}, {3, 40}, 0);
  EXPECT_EQ(n.count(0), 50 + 3 * 32 - 5);  // columns 0–2 all rows, the box's column 2 counted once
}

TEST(MaskEditor, BrushDiscAndStroke) {
  MaskEditor m(41, 41);
  m.brush({20.5f, 20.5f}, {20.5f, 20.5f}, 0.4f, 0);  // one pixel
  EXPECT_EQ(m.count(0), 1);
  EXPECT_EQ(m.at(20, 20), 0);
  m.reset(41, 41);
  m.brush({20.5f, 20.5f}, {20.5f, 20.5f}, 1.0f, 0);  // the centre and its 4 neighbours
  EXPECT_EQ(m.count(0), 5);
  m.reset(41, 41);
  const float r = 8;
  m.brush({20.5f, 20.5f}, {20.5f, 20.5f}, r, 0);
  EXPECT_NEAR(static_cast<double>(m.count(0)), std::numbers::pi * r * r,
              0.06 * std::numbers::pi * r * r);
  // A horizontal stroke of radius 1 along a row of centres: 3 rows from x = 5.5 to 15.5
  // plus the two end caps' tips.
  m.reset(41, 41);
  m.brush({5.5f, 10.5f}, {15.5f, 10.5f}, 1.0f, 0);
  EXPECT_EQ(m.count(0), 11 * 3 + 2);
  // The eraser is the same brush with value 1.
  m.brush({5.5f, 10.5f}, {15.5f, 10.5f}, 1.0f, 1);
  EXPECT_EQ(m.count(0), 0);
}

TEST(MaskEditor, LassoTriangleAreaAndConvexPolygonExact) {
  MaskEditor m(64, 64);
  // A right triangle with legs 40: area 800.
  m.lasso({P{10, 10}, P{50, 10}, P{10, 50}}, 0);
  EXPECT_NEAR(static_cast<double>(m.count(0)), 800.0, 800.0 * 0.05);
  EXPECT_EQ(m.at(12, 12), 0);
  EXPECT_EQ(m.at(45, 45), 1);
  // An axis-aligned square lasso equals the rectangle tool.
  MaskEditor a(64, 64), b(64, 64);
  a.lasso({P{4, 4}, P{20, 4}, P{20, 12}, P{4, 12}}, 0);
  b.rectangle({4, 4}, {20, 12}, 0);
  // The rectangle's box is closed, the lasso half-open: away from edges through centres they agree.
  EXPECT_EQ(a.pixels(), b.pixels());
  EXPECT_EQ(a.count(0), 16 * 8);
  // Fewer than 3 points do nothing.
  MaskEditor c(8, 8);
  c.lasso({P{1, 1}, P{6, 6}}, 0);
  EXPECT_EQ(c.count(0), 0);
}

TEST(MaskEditor, InvertTwiceIsIdentityAndPresetsMatchMakeMask) {
  MaskEditor m(28, 28);
  m.fillPreset(ss::sample::MaskPreset::Random50, 7);
  const auto before = m.pixels();
  const auto ref = ss::sample::makeMask(ss::sample::MaskPreset::Random50, 28, 28, 7);
  for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(before[i], ref[i] > 0.5f ? 1 : 0) << i;
  m.invert();
  EXPECT_EQ(m.count(1),
            static_cast<int64_t>(before.size()) - std::count(before.begin(), before.end(), 1));
  m.invert();
  EXPECT_EQ(m.pixels(), before);
  m.fillPreset(ss::sample::MaskPreset::LeftHalf);
  EXPECT_EQ(m.count(1), 14 * 28);
  EXPECT_EQ(m.at(13, 5), 1);
  EXPECT_EQ(m.at(14, 5), 0);
  m.fillPreset(ss::sample::MaskPreset::EveryOtherRow);
  EXPECT_EQ(m.at(3, 0), 1);
  EXPECT_EQ(m.at(3, 1), 0);
  m.fillPreset(ss::sample::MaskPreset::CentreBox);
  EXPECT_EQ(m.count(0), 14 * 14);
}

TEST(MaskEditor, UndoRestoresEachCheckpointedAction) {
  MaskEditor m(16, 16);
  const uint64_t r0 = m.revision();
  EXPECT_FALSE(m.canUndo());
  EXPECT_FALSE(m.undo());
  m.checkpoint();
  m.rectangle({0, 0}, {4, 4}, 0);
  EXPECT_GT(m.revision(), r0);
  m.checkpoint();
  m.brush({10, 10}, {14, 10}, 1.5f, 0);  // one stroke, many segments: one action
  m.brush({14, 10}, {14, 14}, 1.5f, 0);
  const auto afterStroke = m.pixels();
  m.checkpoint();
  m.invert();
  ASSERT_TRUE(m.undo());
  EXPECT_EQ(m.pixels(), afterStroke);
  ASSERT_TRUE(m.undo());
  EXPECT_EQ(m.count(0), 16);
  ASSERT_TRUE(m.undo());
  EXPECT_EQ(m.count(0), 0);
  EXPECT_FALSE(m.canUndo());
  // The history is bounded.
  for (int i = 0; i < 100; ++i) {
    m.checkpoint();
    m.invert();
  }
  int undos = 0;
  while (m.undo()) ++undos;
  EXPECT_EQ(undos, static_cast<int>(MaskEditor::kUndoDepth));
  // assign checks the size.
  EXPECT_FALSE(m.assign(std::vector<uint8_t>(5, 1)));
  EXPECT_TRUE(m.assign(std::vector<uint8_t>(256, 7)));
  EXPECT_EQ(m.count(1), 256);
}

}  // namespace
