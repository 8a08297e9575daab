// Time to a good fit (issue: live training, "numbers to reach"): on 8gaussians, moons and
// checkerboard, train with the default settings for a fixed CPU wall-clock budget, sample
// with Euler–Maruyama (1000 steps) from the EMA model, and compare the sliced Wasserstein-2
// distance to fresh true samples with what the exact score achieves with the same sampler,
// prior draw and noise. Goal: learned SW2 ≤ 2 × exact SW2 within 20 s of training.
//
//   build/bench/time_to_fit [--seconds 20] [--n 4000] [--threads 1] >
//   bench/results/time_to_fit.json
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "core/common/runtime.h"
#include "core/data/toy.h"
#include "core/metrics/metrics.h"
#include "core/sample/sampler.h"
#include "core/score/exact_score.h"
#include "core/train/problem.h"
#include "core/train/train_step.h"

using namespace ss;
using Clock = std::chrono::steady_clock;

namespace {

torch::Tensor sampleWith(std::shared_ptr<const score::ScoreFn> score,
                         std::shared_ptr<const sde::Sde> sde, const torch::Tensor& xT) {
  sample::SamplerConfig cfg;  // Euler–Maruyama, 1000 steps, final denoising
  cfg.steps = 1000;
  sample::SamplerRun run(std::move(score), std::move(sde), cfg, xT, /*noiseSeed=*/7);
  run.runToEnd();
  return run.result();
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 20;
  int64_t n = 4000;
  int threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--n")) n = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
  }
  setComputeThreads(threads);
  nlohmann::json results = nlohmann::json::array();
  for (const std::string data : {"8gaussians", "moons", "checkerboard"}) {
    train::TrainConfig cfg;  // the defaults a user gets
    auto problem = train::buildProblem(data, sde::SdeConfig{}, cfg.datasetSize, cfg.seed);
    if (!problem) {
      std::fprintf(stderr, "%s\n", problem.error().message.c_str());
      return 1;
    }
    const auto& p = problem.value();
    train::TrainStep step({nn::NetConfig{}, p.sdeObject, p.data, cfg, torch::kCPU});
    const auto start = Clock::now();
    while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) step.step();
    const double trainSeconds = std::chrono::duration<double>(Clock::now() - start).count();

    auto toy = data::makeToy(data).take();
    const auto truth = toy->sample(n, 12345).x;
    const auto xT = sample::SamplerRun::priorDraw(*p.sdeObject, n, {2}, /*priorSeed=*/3);
    std::shared_ptr<nn::ScoreNet> ema = nn::cloneNet(step.ema(), nn::NetConfig{});
    ema->eval();
    const auto learned =
        sampleWith(std::make_shared<nn::NetScoreFn>(ema, p.sdeObject), p.sdeObject, xT);
    const auto exact = sampleWith(score::exactScoreFor(*toy, p.sdeObject), p.sdeObject, xT);
    const double swLearned = metrics::slicedWasserstein2(learned, truth, 256, 0);
    const double swExact = metrics::slicedWasserstein2(exact, truth, 256, 0);
    // The floor: two independent true samples of the same size.
    const double swFloor = metrics::slicedWasserstein2(toy->sample(n, 999).x, truth, 256, 0);
    nlohmann::json r = {{"data", data},
                        {"train_seconds", trainSeconds},
                        {"steps", step.steps()},
                        {"sw2_learned", swLearned},
                        {"sw2_exact", swExact},
                        {"sw2_true_vs_true", swFloor},
                        {"ratio", swLearned / swExact},
                        {"goal_met", swLearned <= 2.0 * swExact}};
    std::fprintf(
        stderr,
        "%-12s %6lld steps in %.1f s  SW2 learned %.4f  exact %.4f  (floor %.4f)  ratio %.2f\n",
        data.c_str(), static_cast<long long>(step.steps()), trainSeconds, swLearned, swExact,
        swFloor, swLearned / swExact);
    results.push_back(r);
  }
  std::printf("%s\n", results.dump(2).c_str());
  return 0;
}
