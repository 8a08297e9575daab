// Reverse runs with the exact empirical score end on the data (MATH.md §4, §7): the reverse
// SDE (Euler–Maruyama, 1000 steps, the GUI's default) and the probability-flow ODE (RK45)
// on moons, checkerboard and a drawn point CSV end with sliced W2 within 1.5× the floor of
// two independent draws of the data. Before the PC grid ended at T/steps for stiff scores
// (sampler.cpp, pcEndTime), the last Euler–Maruyama step from ε = 1e-5 threw the particles
// ~100× their distance to the data past it (sw2 0.99 against a floor of 0.04 in the
// window, 2,000 particles).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "core/data/toy.h"
#include "core/metrics/metrics.h"
#include "core/sample/sampler.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"

namespace {

using namespace ss;

// A drawn-looking set: three painted strokes of jittered points, as a point CSV.
std::string writeDrawnCsv() {
  auto path = std::filesystem::temp_directory_path() / "scorescope_drawn_test.csv";
  std::ofstream f(path);
  f << "x,y\n";
  torch::manual_seed(3);
  for (int s = 0; s < 3; ++s)
    for (int i = 0; i < 120; ++i) {
      const double u = i / 119.0;
      const double x = -1.5 + 1.5 * s + 0.8 * u + 0.04 * torch::randn({1}).item<double>();
      const double y =
          (s - 1) * 0.7 + std::sin(4 * u) * 0.5 + 0.04 * torch::randn({1}).item<double>();
      f << x << "," << y << "\n";
    }
  return path.string();
}

struct Ended {
  double sw2, floor;
};

Ended runExact(const std::string& data, sample::SamplerConfig cfg) {
  auto toy = data::makeToy(data);
  EXPECT_TRUE(toy.ok()) << data;
  auto sde = sde::Sde::create(sde::SdeConfig{});  // VP, ε = 1e-5
  auto score = score::exactScoreFor(*toy.value(), sde);
  const int64_t n = 1500;
  auto xT = sample::SamplerRun::priorDraw(*sde, n, {2}, 1);
  sample::SamplerRun run(score, sde, cfg, xT, 2);
  run.runToEnd();
  auto truth = toy.value()->sample(n, 11).x.to(torch::kFloat32);
  auto other = toy.value()->sample(n, 12).x.to(torch::kFloat32);
  return {metrics::slicedWasserstein2(run.result(), truth),
          metrics::slicedWasserstein2(other, truth)};
}

void expectOnTheData(const std::string& data) {
  sample::SamplerConfig em;  // Euler–Maruyama, 1000 steps, denoised
  auto sde = runExact(data, em);
  EXPECT_LT(sde.sw2, 1.5 * sde.floor) << data << " reverse SDE";
  auto ode = sample::samplerPreset("ode").take();
  auto flow = runExact(data, ode);
  EXPECT_LT(flow.sw2, 1.5 * flow.floor) << data << " PF-ODE";
  std::printf("%s: SDE sw2 %.4f, ODE sw2 %.4f, floor %.4f\n", data.c_str(), sde.sw2, flow.sw2,
              sde.floor);
}

TEST(ExactRuns, MoonsEndOnTheData) { expectOnTheData("moons"); }
TEST(ExactRuns, CheckerboardEndsOnTheData) { expectOnTheData("checkerboard"); }
TEST(ExactRuns, DrawnCsvEndsOnTheData) { expectOnTheData(writeDrawnCsv()); }

TEST(ExactRuns, StiffScoresEndTheGridAtTOverSteps) {
  auto sde = sde::Sde::create(sde::SdeConfig{});
  auto toy = data::makeToy("moons").take();
  auto exact = score::exactScoreFor(*toy, sde);
  sample::SamplerConfig em;
  em.steps = 200;
  auto xT = sample::SamplerRun::priorDraw(*sde, 8, {2}, 1);
  sample::SamplerRun run(exact, sde, em, xT, 2);
  run.runToEnd();
  EXPECT_DOUBLE_EQ(run.state().t, 1.0 / 200);  // its last step covers [0, T/steps]
}

}  // namespace
