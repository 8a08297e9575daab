// FieldWorker (core/scene/vector_field.h): exact and learned score fields on a grid, the
// exact log-density, and the score error p_t·‖s_θ − ∇log p_t‖² on the finer density grid.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "core/nn/score_net.h"
#include "core/scene/vector_field.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"
#include "core/train/snapshot.h"

namespace {

using namespace std::chrono_literals;

ss::scene::FieldRequest densityRequest() {
  ss::scene::FieldRequest r;
  r.exact = true;
  r.data = "8gaussians";
  r.t = 0.1;
  r.bounds = {-3, -3, 3, 3};
  r.nx = r.ny = 12;
  r.densityNx = r.densityNy = 61;  // a cell centre on each mean's axis
  return r;
}

TEST(FieldWorker, LogDensityIsTheExactMarginalAndPeaksOnTheRing) {
  ss::scene::FieldWorker w;
  w.request(densityRequest());
  ASSERT_TRUE(w.waitIdle(60s));
  ASSERT_EQ(w.lastError(), "");
  auto f = w.latest();
  ASSERT_TRUE(f);
  ASSERT_EQ(f->logDensity.size(), 61u * 61u);
  EXPECT_EQ(f->exact.size(), 12u * 12u * 2u);
  EXPECT_TRUE(f->scoreError.empty()) << "no model, no error";
  // Cell (i, j) centre: x = −3 + (i + 0.5)·6/61. The exact log p_t at the same point:
  auto sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  auto toy = ss::data::makeToy("8gaussians").take();
  ss::score::MixtureScore exact(toy->mixture().value(), sde);
  const int i = 50, j = 30;  // near (1.97, 0.05): on the mode at (2, 0)
  const float x = -3.0f + (i + 0.5f) * 6.0f / 61.0f, y = -3.0f + (j + 0.5f) * 6.0f / 61.0f;
  auto lp = exact.logProb(torch::tensor({{x, y}}), torch::full({1}, 0.1)).item<double>();
  EXPECT_NEAR(f->logDensity[static_cast<size_t>(j) * 61 + i], lp, 1e-4);
  EXPECT_GT(f->logDensity[static_cast<size_t>(j) * 61 + i], f->logDensity[30 * 61 + 30] + 3.0)
      << "the mode is far denser than the centre";
}

TEST(FieldWorker, ScoreErrorIsWeightedByTheDensity) {
  auto snap = std::make_shared<ss::train::ModelSnapshot>();
  snap->ema = ss::nn::makeNet(ss::nn::NetConfig{}, 2);  // untrained: wrong everywhere
  snap->sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  snap->data = "8gaussians";
  snap->step = 1;
  auto r = densityRequest();
  r.model = snap;
  r.scoreError = true;
  ss::scene::FieldWorker w;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(60s));
  ASSERT_EQ(w.lastError(), "");
  auto f = w.latest();
  ASSERT_EQ(f->scoreError.size(), 61u * 61u);
  float peak = 0;
  size_t at = 0;
  for (size_t k = 0; k < f->scoreError.size(); ++k) {
    ASSERT_GE(f->scoreError[k], 0.0f);
    if (f->scoreError[k] > peak) peak = f->scoreError[k], at = k;
  }
  EXPECT_GT(peak, 0.0f);
  // The error map is zero where there is no data (the corners) and largest on the ring.
  EXPECT_LT(f->scoreError[0], 1e-6f * peak);
  const double px = -3.0 + (static_cast<double>(at % 61) + 0.5) * 6.0 / 61.0;
  const double py = -3.0 + (static_cast<double>(at / 61) + 0.5) * 6.0 / 61.0;
  EXPECT_NEAR(std::hypot(px, py), 2.0, 0.6);
}

}  // namespace
