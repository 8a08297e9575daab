// Sampling throughput: particle × score evaluations per second of SamplerRun with the
// reverse-SDE Euler–Maruyama predictor (VP SDE, βmin 0.1, βmax 20, 1000 steps, no corrector)
// and the default 2D MLP score (NetScoreFn: the path the samplers take), at a few particle
// counts and thread counts, with the achieved GFLOP/s against the sgemm peak measured in the
// same process. Also the raw score evaluation alone (NetScoreFn called directly with a
// shared t) and, with --rk45, the PF-ODE RK45 solver's overhead per step beside the cost of
// its score evaluations. Prints one JSON object on stdout. See bench/README.md;
// bench/run_sample_throughput.sh runs it next to the eager PyTorch baseline
// (bench/python/sample_em.py) with the same weights (--weights-out).
//
//   sample_throughput [--threads 1,2] [--particles 10000,100000] [--seconds 1.0] [--reps 5]
//                     [--train-steps 1000] [--generic] [--weights-out FILE] [--rk45]
//   --generic: NetScoreFn with fastPath = false (the module's forward).
//   --rk45: also time a PF-ODE RK45 SamplerRun (rtol = atol = 1e-5) at the first particle count.
//   SCORESCOPE_SCORE_CHUNK=rows overrides the fast path's chunk (the README's sweep).
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/runtime.h"
#include "core/nn/net_config.h"
#include "core/nn/score_net.h"
#include "core/sample/sampler.h"
#include "core/train/problem.h"
#include "core/train/train_step.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::vector<int> parseList(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::stoi(item));
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Matmul FLOPs of one forward pass per particle, as the model is written (first layer K =
// dim + time features): 2·Σ in·out. The fast path with a shared t does fewer (executedFlops).
double modelFlops(const ss::nn::MlpConfig& m) {
  const double in = m.dim + m.timeFeatures;
  return 2.0 * (in * m.width + (m.depth - 1.0) * m.width * m.width + double(m.width) * m.dim);
}
// With one t per step the time features' part of layer 0 is one [width] vector per call:
// per particle only x's dim columns are multiplied.
double executedFlops(const ss::nn::MlpConfig& m) {
  return 2.0 *
         (double(m.dim) * m.width + (m.depth - 1.0) * m.width * m.width + double(m.width) * m.dim);
}

// sgemm GFLOP/s of an n×n×n float product (best of `reps` timed runs of ~0.3 s).
double sgemmPeak(int64_t n, int reps) {
  torch::NoGradGuard g;
  auto a = torch::randn({n, n}), b = torch::randn({n, n}), c = torch::empty({n, n});
  for (int i = 0; i < 3; ++i) at::mm_out(c, a, b);
  double best = 0;
  for (int r = 0; r < reps; ++r) {
    int iters = 0;
    const auto t0 = Clock::now();
    double el = 0;
    do {
      at::mm_out(c, a, b);
      ++iters;
      el = seconds(t0, Clock::now());
    } while (el < 0.3);
    best = std::max(best, 2.0 * n * n * n * iters / el / 1e9);
  }
  return best;
}

// Runs `body` (which reports how many particle-evaluations it did) for `secs`, `reps` times
// after a warm-up; returns the per-rep rates (particle-evaluations per second).
template <class Body>
std::vector<double> timeRates(Body&& body, double secs, int reps) {
  const auto w0 = Clock::now();
  int warm = 0;
  while (warm < 2 || seconds(w0, Clock::now()) < 0.3 * secs) {
    body();
    ++warm;
  }
  std::vector<double> rates;
  for (int r = 0; r < reps; ++r) {
    double evals = 0;
    const auto t0 = Clock::now();
    double el = 0;
    do {
      evals += body();
      el = seconds(t0, Clock::now());
    } while (el < secs);
    rates.push_back(evals / el);
  }
  return rates;
}

json weightsJson(const ss::nn::ScoreNet& net) {
  json j = json::object();
  auto add = [&](const std::string& name, const torch::Tensor& t) {
    auto c = t.detach().to(torch::kFloat32).contiguous();
    std::vector<float> v(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    j[name] = {{"shape", c.sizes().vec()}, {"data", v}};
  };
  for (const auto& p : net.named_parameters()) add(p.key(), p.value());
  for (const auto& b : net.named_buffers()) add(b.key(), b.value());
  return j;
}

// A ScoreFn that times the one it wraps (wall time inside operator()): what a solver run
// spends in score evaluations, the rest being the solver's own work.
class TimedScore final : public ss::score::ScoreFn {
 public:
  explicit TimedScore(std::shared_ptr<const ss::score::ScoreFn> inner)
      : m_inner(std::move(inner)) {}
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override {
    const auto t0 = Clock::now();
    auto s = (*m_inner)(x, t);
    m_seconds += seconds(t0, Clock::now());
    return s;
  }
  std::string name() const override { return m_inner->name(); }
  double seconds_() const { return m_seconds; }
  void reset() { m_seconds = 0; }

 private:
  std::shared_ptr<const ss::score::ScoreFn> m_inner;
  mutable double m_seconds = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> threads = {1, 2}, particles = {10000, 100000};
  double secs = 1.0;
  int reps = 5, trainSteps = 1000;
  bool generic = false, rk45 = false;
  std::string weightsOut;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--threads")
      threads = parseList(next());
    else if (a == "--particles")
      particles = parseList(next());
    else if (a == "--seconds")
      secs = std::stod(next());
    else if (a == "--reps")
      reps = std::stoi(next());
    else if (a == "--train-steps")
      trainSteps = std::stoi(next());
    else if (a == "--generic")
      generic = true;
    else if (a == "--weights-out")
      weightsOut = next();
    else if (a == "--rk45")
      rk45 = true;
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }

  // The default 2D MLP, trained briefly on 8gaussians (1 thread) so the ODE solver sees a
  // realistic field; its EMA weights are what both sides sample with.
  ss::nn::NetConfig netCfg;
  ss::train::TrainConfig tc;
  auto problem =
      ss::train::buildProblem("8gaussians", ss::sde::SdeConfig{}, tc.datasetSize, tc.seed);
  if (!problem.ok()) {
    std::cerr << problem.error().message << "\n";
    return 1;
  }
  const auto sde = problem.value().sdeObject;
  std::shared_ptr<ss::nn::ScoreNet> net;
  {
    ss::setComputeThreads(1);
    ss::train::TrainStep step({netCfg, sde, problem.value().data, tc, torch::kCPU});
    for (int i = 0; i < trainSteps; ++i) step.step();
    net = ss::nn::cloneNet(step.ema(), netCfg);
    net->eval();
  }
  if (!weightsOut.empty()) std::ofstream(weightsOut) << weightsJson(*net).dump();
  const auto score = std::make_shared<ss::nn::NetScoreFn>(net, sde, !generic);
  const double flopsModel = modelFlops(netCfg.mlp), flopsExec = executedFlops(netCfg.mlp);

  ss::sample::SamplerConfig em;  // Euler–Maruyama, no corrector, 1000 steps
  em.kind = ss::sample::SamplerKind::Pc;
  em.predictor = ss::sample::Predictor::EulerMaruyama;
  em.corrector = ss::sample::Corrector::None;
  em.steps = 1000;

  json results = json::array();
  json rk45Result;
  for (int th : threads) {
    ss::setComputeThreads(th);
    const double peak = sgemmPeak(1024, 3);
    std::cerr << "threads " << th << ": sgemm peak " << peak << " GFLOP/s\n";
    for (int n : particles) {
      const auto xT = ss::sample::SamplerRun::priorDraw(*sde, n, {2}, 1);
      // Through SamplerRun, as the app samples: one step = one score evaluation per particle.
      ss::sample::SamplerRun run(score, sde, em, xT, 2);
      const auto sampleRates = timeRates(
          [&] {
            if (run.state().done) run.rewind();
            run.step();
            return static_cast<double>(n);
          },
          secs, reps);
      // The score alone, at a mid-run time and state.
      torch::NoGradGuard noGrad;
      const auto x = run.state().x.clone();
      const auto t = torch::full({n}, 0.5f);
      const auto scoreRates = timeRates(
          [&] {
            auto s = (*score)(x, t);
            return static_cast<double>(n);
          },
          secs, reps);
      const double pe = median(sampleRates), se = median(scoreRates);
      const double gf = pe * flopsModel / 1e9, gfExec = pe * flopsExec / 1e9;
      std::cerr << "  " << n << " particles: " << pe / 1e6 << " M particle-evals/s through "
                << "SamplerRun (" << gf << " GFLOP/s model, " << 100 * gf / peak
                << " % of peak; executed " << gfExec << ", " << 100 * gfExec / peak
                << " %); score alone " << se / 1e6 << " M/s\n";
      results.push_back({{"threads", th},
                         {"particles", n},
                         {"evals_per_s", pe},
                         {"gflops", gf},
                         {"gflops_executed", gfExec},
                         {"peak_gflops", peak},
                         {"pct_peak", 100 * gf / peak},
                         {"pct_peak_executed", 100 * gfExec / peak},
                         {"score_only_evals_per_s", se},
                         {"fast_path", score->usesFastPath(x, t)},
                         {"reps", sampleRates},
                         {"score_only_reps", scoreRates}});

      if (rk45 && n == particles.front() && th == threads.front()) {
        // PF-ODE RK45 to the end; the time inside the score (timed by a wrapper around the
        // same NetScoreFn) against the run's total: the rest is the solver's own work.
        ss::sample::SamplerConfig ode;
        ode.kind = ss::sample::SamplerKind::Ode;
        ode.solver = ss::sample::OdeSolver::Rk45;
        const auto timed = std::make_shared<TimedScore>(score);
        std::vector<double> totals, inScore;
        int64_t nfe = 0, steps = 0;
        for (int r = 0; r < 3; ++r) {
          ss::sample::SamplerRun o(timed, sde, ode, xT, 3);
          timed->reset();
          const auto t0 = Clock::now();
          o.runToEnd();
          totals.push_back(seconds(t0, Clock::now()));
          inScore.push_back(timed->seconds_());
          nfe = o.state().nfe;
          steps = o.state().step;
        }
        // The run with the median total, and its own score time.
        std::vector<size_t> order = {0, 1, 2};
        std::sort(order.begin(), order.end(),
                  [&](size_t a, size_t b) { return totals[a] < totals[b]; });
        const double total = totals[order[1]];
        const double evalTime = inScore[order[1]];
        const double overheadPerStep = (total - evalTime) / static_cast<double>(steps);
        const double evalPerCall = evalTime / static_cast<double>(nfe);
        std::cerr << "  RK45 at " << n << ": " << steps << " steps, " << nfe << " NFE, "
                  << total * 1e3 << " ms total; in the score " << evalTime * 1e3 << " ms ("
                  << evalPerCall * 1e6 << " us/call; score alone above: " << n / se * 1e6
                  << " us); solver " << overheadPerStep * 1e6
                  << " us/step = " << 100 * (total - evalTime) / total << " %\n";
        rk45Result = {{"threads", th},
                      {"particles", n},
                      {"rtol", ode.rtol},
                      {"atol", ode.atol},
                      {"steps", steps},
                      {"nfe", nfe},
                      {"total_s", total},
                      {"runs_s", totals},
                      {"score_s", evalTime},
                      {"score_us_per_call", evalPerCall * 1e6},
                      {"score_alone_us_per_call", n / se * 1e6},
                      {"overhead_us_per_step", overheadPerStep * 1e6},
                      {"overhead_pct", 100 * (total - evalTime) / total}};
      }
    }
  }
  json out = {{"impl", generic ? "cpp-generic" : "cpp"},
              {"torch", ss::torchVersion()},
              {"train_steps", trainSteps},
              {"model_flops_per_eval", flopsModel},
              {"executed_flops_per_eval", flopsExec},
              {"results", results}};
  if (!rk45Result.is_null()) out["rk45"] = rk45Result;
  std::cout << out.dump() << std::endl;
  return 0;
}
