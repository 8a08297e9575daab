// The canvas options' names (ui/session/canvas_options.h) as scene files and the command line
// spell them: each prints and parses back, and an unknown one is an error listing the names.
#include <gtest/gtest.h>

#include <string>

#include "ui/session/canvas_options.h"

namespace {

using namespace ss::ui;

TEST(CanvasNames, ColourModesRoundTripWithAutoAsNoMode) {
  for (std::optional<ColourMode> m :
       {std::optional<ColourMode>{}, std::optional<ColourMode>{ColourMode::Class},
        std::optional<ColourMode>{ColourMode::Attribute},
        std::optional<ColourMode>{ColourMode::Speed}}) {
    auto back = parseColourName(colourName(m));
    ASSERT_TRUE(back.ok()) << colourName(m);
    EXPECT_EQ(back.value(), m) << colourName(m);
  }
  EXPECT_STREQ(colourName(std::nullopt), "auto");
  auto bad = parseColourName("rainbow");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "unknown colour 'rainbow' (expected auto, class, attribute, speed)");
}

TEST(CanvasNames, FieldLengthsAndDensitySourcesRoundTrip) {
  for (auto l : {FieldLength::Scaled, FieldLength::Normalized, FieldLength::True})
    EXPECT_EQ(parseFieldLength(toString(l)).value(), l) << toString(l);
  for (auto s : {DensitySource::Exact, DensitySource::Model})
    EXPECT_EQ(parseDensitySource(toString(s)).value(), s) << toString(s);
  EXPECT_STREQ(toString(FieldLength::Normalized), "normalized");
  EXPECT_STREQ(toString(DensitySource::Model), "model");
  EXPECT_EQ(parseFieldLength("long").error().message,
            "unknown arrow length 'long' (expected scaled, normalized, true)");
  EXPECT_EQ(parseDensitySource("Model").error().message,
            "unknown density source 'Model' (expected exact, model)");
}

}  // namespace
