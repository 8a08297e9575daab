// Typed JSON keys (core/common/json_read.h) over a struct's list of keys
// (core/common/field_list.h): a round trip, defaults kept for missing keys, errors naming the key.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/field_list.h"
#include "core/common/json_read.h"

namespace {

using ss::jsonread::Json;

struct Knobs {
  int count = 3;
  double scale = 0.5;
  bool on = true;
  uint64_t seed = 7;
  std::vector<int> sizes = {1, 2};
};

constexpr auto kKnobFields = [](auto& c, auto&& f) {
  ss::eachField(f, "count", c.count, "scale", c.scale, "on", c.on, "seed", c.seed, "sizes",
                c.sizes);
};

Knobs changed() {
  Knobs k;
  k.count = -4;
  k.scale = 2.25;
  k.on = false;
  k.seed = 1ull << 40;
  k.sizes = {8, 16, 32};
  return k;
}

TEST(JsonRead, FieldsRoundTrip) {
  const Knobs k = changed();
  const Json j = ss::jsonread::writeFields(k, kKnobFields);
  EXPECT_EQ(j.size(), 5u);
  EXPECT_EQ(j["seed"].get<uint64_t>(), 1ull << 40);
  Knobs back;
  ASSERT_TRUE(ss::jsonread::readFields(j, "", back, kKnobFields).ok());
  EXPECT_EQ(back.count, -4);
  EXPECT_EQ(back.scale, 2.25);
  EXPECT_FALSE(back.on);
  EXPECT_EQ(back.seed, 1ull << 40);
  EXPECT_EQ(back.sizes, (std::vector<int>{8, 16, 32}));
}

TEST(JsonRead, MissingKeysKeepTheirValues) {
  Knobs k;
  ASSERT_TRUE(
      ss::jsonread::readFields(Json::parse(R"({"scale": 4, "extra": 1})"), "", k, kKnobFields)
          .ok());
  EXPECT_EQ(k.scale, 4.0);
  EXPECT_EQ(k.count, 3);
  EXPECT_EQ(k.sizes, (std::vector<int>{1, 2}));
}

TEST(JsonRead, ErrorsNameTheKeyAndLeaveTheField) {
  auto err = [](const char* text) {
    Knobs k;
    auto s = ss::jsonread::readFields(Json::parse(text), "knobs.", k, kKnobFields);
    if (!s.ok()) EXPECT_EQ(k.count, 3) << text;  // an error changes nothing
    return s.ok() ? std::string("(accepted)") : s.error().message;
  };
  EXPECT_EQ(err(R"({"count": 1.5})"), "knobs.count must be an integer, got 1.5");
  EXPECT_EQ(err(R"({"count": 1e12})"), "knobs.count = 1000000000000.0 is out of range");
  EXPECT_EQ(err(R"({"scale": "big"})"), "knobs.scale must be a number, got \"big\"");
  EXPECT_EQ(err(R"({"on": 1})"), "knobs.on must be true or false, got 1");
  EXPECT_EQ(err(R"({"seed": -1})"), "knobs.seed must be a non-negative integer, got -1");
  EXPECT_EQ(err(R"({"sizes": [1, "x"]})"), "knobs.sizes[1] must be an integer, got \"x\"");
  EXPECT_EQ(err(R"({"sizes": 2})"), "knobs.sizes must be an array of integers, got 2");
  EXPECT_EQ(err(R"({"count": 128.0})"), "(accepted)");
}

}  // namespace
