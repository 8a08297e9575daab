// Streamline tracing (core/scene/streamlines.h) on analytic fields, and the probability-flow
// drift v = f − ½g²s (MATH.md §2) it traces in the explorer.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>

#include "core/scene/streamlines.h"

namespace {

using ss::scene::GridField;
using ss::scene::Streamline;

// A field sampled at the cell centres of an n×n grid over [-3, 3]².
std::vector<float> sampled(int n, const std::function<std::array<float, 2>(float, float)>& f) {
  std::vector<float> v(static_cast<size_t>(n) * n * 2);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const auto s = f(-3.0f + (i + 0.5f) * 6.0f / n, -3.0f + (j + 0.5f) * 6.0f / n);
      v[(static_cast<size_t>(j) * n + i) * 2] = s[0];
      v[(static_cast<size_t>(j) * n + i) * 2 + 1] = s[1];
    }
  return v;
}

GridField grid(int n, const std::vector<float>& v) { return {{-3, -3, 3, 3}, n, n, v.data()}; }

TEST(Streamlines, BilinearIsExactForALinearField) {
  const auto v = sampled(16, [](float x, float y) { return std::array<float, 2>{-y, 2 * x + 1}; });
  const auto f = grid(16, v);
  const auto s = f.at(0.37f, -1.21f);
  EXPECT_NEAR(s[0], 1.21f, 1e-5f);
  EXPECT_NEAR(s[1], 1.74f, 1e-5f);
  EXPECT_EQ(f.at(3.5f, 0.0f)[0], 0.0f) << "outside the bounds";
}

TEST(Streamlines, RotationGivesClosedCirclesOfConstantRadius) {
  const auto v = sampled(32, [](float x, float y) { return std::array<float, 2>{-y, x}; });
  ss::scene::StreamlineOptions o;
  o.separation = 0.3f;
  const auto lines = ss::scene::traceStreamlines(grid(32, v), o);
  int closed = 0;
  std::vector<float> radii;
  for (const auto& l : lines) {
    ASSERT_GE(l.size(), 2u);
    if (!l.closed) continue;
    ++closed;
    float lo = 1e9f, hi = 0;
    for (size_t i = 0; i < l.size(); ++i) {
      const float r = std::hypot(l.xy[2 * i], l.xy[2 * i + 1]);
      lo = std::min(lo, r);
      hi = std::max(hi, r);
    }
    EXPECT_LT(hi - lo, 0.02f * hi + 0.01f) << "a circle of radius " << hi;
    EXPECT_LT(hi, 3.0f) << "closed lines fit in the box";
    radii.push_back(0.5f * (lo + hi));
    // Counter-clockwise, as the field: the cross product of consecutive points is positive.
    const float cross = l.xy[0] * l.xy[3] - l.xy[1] * l.xy[2];
    EXPECT_GT(cross, 0.0f);
  }
  EXPECT_GE(closed, 5) << "circles of radius 0.3 … 3 at spacing 0.3";
  std::sort(radii.begin(), radii.end());
  for (size_t i = 1; i < radii.size(); ++i)
    EXPECT_GT(radii[i] - radii[i - 1], 0.5f * o.stopFraction * o.separation)
        << "circles do not overlap";
}

TEST(Streamlines, VpProbabilityFlowOfOneGaussianIsRadialAndEndsAtTheMean) {
  // Data N(0, 0.3² I) under VP: p_t = N(0, v I), v = a²·0.09 + σ², exact score −x/v.
  ss::sde::SdeConfig sde;
  const double t = 0.3;
  const auto m = ss::sde::marginal(sde, t);
  const float var = static_cast<float>(m.a * m.a * 0.09 + m.sigma * m.sigma);
  const int n = 48;
  const auto score = sampled(n, [&](float x, float y) {
    return std::array<float, 2>{-x / var, -y / var};
  });
  const auto field = grid(n, score);
  const auto drift = ss::scene::probabilityFlowDrift(sde, t, field);
  // f − ½g²s = −½β x + ½β x / v at a cell centre.
  const double beta = ss::sde::betaAt(sde, t);
  const size_t k = static_cast<size_t>(30) * n + 40;
  const float cx = -3.0f + 40.5f * 6.0f / n, cy = -3.0f + 30.5f * 6.0f / n;
  EXPECT_NEAR(drift[2 * k], 0.5 * beta * cx * (1 / var - 1), 1e-4);
  EXPECT_NEAR(drift[2 * k + 1], 0.5 * beta * cy * (1 / var - 1), 1e-4);

  const auto reverse = ss::scene::probabilityFlowDrift(sde, t, field, -1.0f);
  ss::scene::StreamlineOptions o;
  o.separation = 0.4f;
  const auto t0 = std::chrono::steady_clock::now();
  const auto lines = ss::scene::traceStreamlines({field.bounds, n, n, reverse.data()}, o);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("traced %zu lines in %.2f ms\n", lines.size(), ms);
  ASSERT_GE(lines.size(), 6u);
  int reachMean = 0;
  for (const auto& l : lines) {
    EXPECT_FALSE(l.closed);
    // Every point lies on the ray through the line's first point (radial lines).
    const float ux = l.xy[0], uy = l.xy[1], ur = std::hypot(ux, uy);
    for (size_t i = 1; i < l.size(); ++i) {
      const float x = l.xy[2 * i], y = l.xy[2 * i + 1];
      EXPECT_LT(std::fabs(ux * y - uy * x) / ur, 0.03f)
          << "off the radius at (" << x << ", " << y << ")";
    }
    // Ordered along −v: inwards, each point nearer the mean than the first.
    const size_t last = l.size() - 1;
    EXPECT_LT(std::hypot(l.xy[2 * last], l.xy[2 * last + 1]), ur);
    if (std::hypot(l.xy[2 * last], l.xy[2 * last + 1]) < o.separation) ++reachMean;
  }
  EXPECT_GE(reachMean, 1) << "the reverse flow converges on the mean";
}

TEST(Streamlines, StopsAtStagnationAndRejectsBadInput) {
  const auto zero = sampled(8, [](float, float) { return std::array<float, 2>{0, 0}; });
  EXPECT_TRUE(ss::scene::traceStreamlines(grid(8, zero)).empty()) << "no flow, no lines";
  const auto v = sampled(8, [](float, float) { return std::array<float, 2>{1, 0}; });
  ss::scene::StreamlineOptions o;
  o.separation = 0;
  EXPECT_TRUE(ss::scene::traceStreamlines(grid(8, v), o).empty());
  o.separation = 1e-5f;
  EXPECT_TRUE(ss::scene::traceStreamlines(grid(8, v), o).empty()) << "absurdly many seeds";
  // A uniform flow: horizontal lines across the whole box.
  o.separation = 0.5f;
  const auto lines = ss::scene::traceStreamlines(grid(8, v), o);
  ASSERT_GE(lines.size(), 8u);
  for (const auto& l : lines) {
    EXPECT_NEAR(l.xy[1], l.xy.back(), 1e-4f);
    EXPECT_GT(l.xy[l.xy.size() - 2], l.xy[0]) << "ordered along the field";
    EXPECT_GT(l.xy[l.xy.size() - 2] - l.xy[0], 5.0f) << "runs edge to edge";
  }
}

}  // namespace
