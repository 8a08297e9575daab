// The field's solvers against a tight RK45 reference (issue 18, "done means"): with the exact
// 8gaussians score (VP, eps = 1e-5, each solver's default grid), from one prior draw, the RMS
// endpoint error against RK45 at rtol = atol = 1e-10 for 5 … 80 steps, the observed order
// from 10 to 40 steps, and the sliced W2 to the data against NFE with its perfect-sampler
// band (≤ 2.5 × the sw2 of two independent true sets; docs/SAMPLERS.md). Writes JSON to
// stdout; bench/solver_order.sh turns it into bench/results/solver_order.{json,md}.
//   usage: solver_order [ERROR_PARTICLES] [SW2_PARTICLES]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/data/toy.h"
#include "core/metrics/metrics.h"
#include "core/sample/sampler.h"
#include "core/score/exact_score.h"

namespace {

using ss::sample::SamplerConfig;
using ss::sample::SamplerRun;

struct Setup {
  std::shared_ptr<const ss::data::ToyDistribution> toy = ss::data::makeToy("8gaussians").take();
  std::shared_ptr<const ss::sde::Sde> sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  std::shared_ptr<const ss::score::ScoreFn> score =
      std::make_shared<ss::score::MixtureScore>(toy->mixture().value(), sde);
};

SamplerRun runOf(const Setup& s, const SamplerConfig& c, const torch::Tensor& xT) {
  SamplerRun r(s.score, s.sde, c, xT, 2);
  r.runToEnd();
  return r;
}

SamplerConfig preset(const std::string& name, int steps) {
  auto c = ss::sample::samplerPreset(name).take();
  c.steps = steps;
  return c;
}

const std::vector<std::string> kSolvers = {"euler",    "heun",         "ddim",
                                           "dpmpp_2m", "dpm_solver_3", "edm_heun"};
const std::vector<int> kSteps = {5, 10, 20, 40, 80};

nlohmann::json errorTable(const Setup& s, int64_t n) {
  auto xT = SamplerRun::priorDraw(*s.sde, n, {2}, 1).to(torch::kFloat64);
  SamplerConfig ref;
  ref.kind = ss::sample::SamplerKind::Ode;
  ref.rtol = ref.atol = 1e-10;
  auto refRun = runOf(s, ref, xT);
  auto x = refRun.result();
  nlohmann::json out = {{"particles", n}, {"reference_nfe", refRun.state().nfe}, {"rows", {}}};
  for (const auto& name : kSolvers) {
    nlohmann::json row = {{"solver", name},
                          {"grid", ss::sample::toString(ss::sample::scheduleOf(preset(name, 1)))}};
    for (int steps : kSteps) {
      auto r = runOf(s, preset(name, steps), xT);
      const double err = (r.result() - x).pow(2).sum(1).mean().sqrt().item<double>();
      row["steps"].push_back(steps);
      row["nfe"].push_back(r.state().nfe);
      row["error"].push_back(err);
    }
    const double e10 = row["error"][1], e40 = row["error"][3];
    row["order_10_40"] = std::log2(e10 / e40) / 2;
    out["rows"].push_back(row);
  }
  return out;
}

nlohmann::json sw2Table(const Setup& s, int64_t n) {
  auto xT = SamplerRun::priorDraw(*s.sde, n, {2}, 1);
  auto truth = s.toy->sample(n, 101).x, truth2 = s.toy->sample(n, 202).x;
  const double floor = ss::metrics::slicedWasserstein2(truth2, truth);
  nlohmann::json out = {{"particles", n}, {"floor", floor}, {"band", 2.5 * floor}, {"rows", {}}};
  for (const auto& name : kSolvers)
    for (int steps : {3, 5, 8, 10, 12, 15, 20, 25, 40}) {
      auto r = runOf(s, preset(name, steps), xT);
      const double sw2 = ss::metrics::slicedWasserstein2(r.result(), truth);
      out["rows"].push_back(
          {{"solver", name}, {"steps", steps}, {"nfe", r.state().nfe}, {"sw2", sw2}});
    }
  SamplerConfig rk45;
  rk45.kind = ss::sample::SamplerKind::Ode;
  auto r = runOf(s, rk45, xT);
  out["rk45_1e-5"] = {{"nfe", r.state().nfe},
                      {"sw2", ss::metrics::slicedWasserstein2(r.result(), truth)}};
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t nErr = argc > 1 ? std::atoll(argv[1]) : 2000;
  const int64_t nSw2 = argc > 2 ? std::atoll(argv[2]) : 20000;
  torch::NoGradGuard noGrad;
  Setup s;
  const auto start = std::chrono::steady_clock::now();
  nlohmann::json j = {{"data", "8gaussians"}, {"sde", "vp"}, {"eps", s.sde->eps()}};
  j["error"] = errorTable(s, nErr);
  j["sw2"] = sw2Table(s, nSw2);
  j["wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s\n", j.dump(1).c_str());
  return 0;
}
