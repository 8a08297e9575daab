// Training throughput: TrainStep::step() steps/s for the default 2D MLP at a few batch sizes
// and thread counts, with the achieved GFLOP/s (matmul FLOPs of forward + backward, counted
// as 3 × the forward's) against the sgemm peak measured in the same process. Prints one JSON
// object on stdout. See bench/README.md; bench/run_train_throughput.sh runs it next to the
// eager PyTorch baseline (bench/python/train_step.py).
//
//   train_throughput [--threads 1,2] [--batches 512,4096] [--seconds 1.0] [--reps 5]
//                    [--data 8gaussians] [--generic]
//   train_throughput --profile trace.json [--batches 512] [--threads 1] [--generic]
//     (a Chrome trace of 200 steps with LibTorch's profiler: bench/python/summarize_trace.py;
//     its per-op overhead, ~10 µs, swamps the small ops)
//   train_throughput --phases [--batches 512,4096] [--threads 1] [--generic]
//     (light timers: RecordFunction callbacks on the step's phases, then also on the top-level
//     ATen ops inside them; µs per step)
#include <ATen/record_function.h>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/runtime.h"
#include "core/nn/net_config.h"
#include "core/train/problem.h"
#include "core/train/train_step.h"

namespace {

using Clock = std::chrono::steady_clock;

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

// Matmul FLOPs of one forward pass of the MLP at batch b: 2·b·Σ in·out.
double forwardFlops(const ss::nn::MlpConfig& m, int64_t b) {
  const int64_t in = (m.xFeatures > 0 ? m.xFeatures : m.dim) + m.timeFeatures;
  double macs = static_cast<double>(in) * m.width;
  macs += static_cast<double>(m.depth - 1) * m.width * m.width;
  macs += static_cast<double>(m.width) * m.dim;
  return 2.0 * static_cast<double>(b) * macs;
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

// --phases: wall time per RecordFunction name, phases (user scopes) and top-level ops.
struct PhaseTimes {
  std::map<std::string, double> phase, op;
  std::map<std::string, int64_t> opCalls;
  int depth = 0;
};
PhaseTimes g_times;
struct TimerCtx : at::ObserverContext {
  Clock::time_point t0;
  bool top = false;
};

void runPhases(ss::train::TrainStep& step, bool ops, int steps, double* wallPerStep) {
  g_times = PhaseTimes{};
  auto cb = at::RecordFunctionCallback(
      [](const at::RecordFunction& fn) -> std::unique_ptr<at::ObserverContext> {
        auto c = std::make_unique<TimerCtx>();
        if (fn.scope() != at::RecordScope::USER_SCOPE) c->top = g_times.depth++ == 0;
        c->t0 = Clock::now();
        return c;
      },
      [](const at::RecordFunction& fn, at::ObserverContext* ctx) {
        const auto* c = static_cast<TimerCtx*>(ctx);
        const double us = 1e6 * seconds(c->t0, Clock::now());
        if (fn.scope() == at::RecordScope::USER_SCOPE) {
          g_times.phase[fn.name()] += us;
        } else {
          --g_times.depth;
          if (c->top) {
            g_times.op[fn.name()] += us;
            ++g_times.opCalls[fn.name()];
          }
        }
      });
  if (ops)
    cb.scopes({at::RecordScope::USER_SCOPE, at::RecordScope::FUNCTION});
  else
    cb.scopes({at::RecordScope::USER_SCOPE});
  const auto handle = at::addThreadLocalCallback(cb);
  const auto t0 = Clock::now();
  for (int i = 0; i < steps; ++i) step.step();
  *wallPerStep = 1e6 * seconds(t0, Clock::now()) / steps;
  at::removeCallback(handle);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> threads = {1, 2}, batches = {512, 4096};
  double secs = 1.0;
  int reps = 5;
  std::string data = "8gaussians";
  bool generic = false, phases = false;
  std::string profile;
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
    else if (a == "--batches")
      batches = parseList(next());
    else if (a == "--seconds")
      secs = std::stod(next());
    else if (a == "--reps")
      reps = std::stoi(next());
    else if (a == "--data")
      data = next();
    else if (a == "--generic")
      generic = true;
    else if (a == "--profile")
      profile = next();
    else if (a == "--phases")
      phases = true;
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }

  ss::nn::NetConfig net;  // the default 2D MLP
  ss::train::TrainConfig base;
  auto problem = ss::train::buildProblem(data, ss::sde::SdeConfig{}, base.datasetSize, base.seed);
  if (!problem.ok()) {
    std::cerr << problem.error().message << "\n";
    return 1;
  }

  if (!profile.empty()) {
    ss::setComputeThreads(threads.front());
    ss::train::TrainConfig cfg = base;
    cfg.batch = batches.front();
    ss::train::TrainStep::Setup setup{net, problem.value().sdeObject, problem.value().data, cfg,
                                      torch::kCPU};
    setup.fastPath = !generic;
    ss::train::TrainStep step(std::move(setup));
    for (int i = 0; i < 50; ++i) step.step();
    const auto t0 = Clock::now();
    {
      torch::autograd::profiler::RecordProfile guard(profile);
      for (int i = 0; i < 200; ++i) {
        RECORD_FUNCTION("ss::step", std::vector<c10::IValue>{});
        step.step();
      }
    }
    std::cerr << "profiled 200 steps in " << seconds(t0, Clock::now()) << " s → " << profile
              << "\n";
    return 0;
  }

  if (phases) {
    ss::setComputeThreads(threads.front());
    for (int b : batches) {
      ss::train::TrainConfig cfg = base;
      cfg.batch = b;
      ss::train::TrainStep::Setup setup{net, problem.value().sdeObject, problem.value().data, cfg,
                                        torch::kCPU};
      setup.fastPath = !generic;
      ss::train::TrainStep step(std::move(setup));
      for (int i = 0; i < 30; ++i) step.step();
      const int n = std::max(20, 100 * 512 / b);
      double plain = 0, wallPhases = 0, wallOps = 0;
      {
        const auto t0 = Clock::now();
        for (int i = 0; i < n; ++i) step.step();
        plain = 1e6 * seconds(t0, Clock::now()) / n;
      }
      runPhases(step, false, n, &wallPhases);
      const auto phaseTimes = g_times.phase;
      runPhases(step, true, n, &wallOps);
      std::printf(
          "batch %d, %d thread(s): %.1f us/step without timers, %.1f with phase timers, "
          "%.1f with op timers\n",
          b, threads.front(), plain, wallPhases, wallOps);
      std::printf("  phase                 us/step   share\n");
      double sum = 0;
      for (const auto& [name, us] : phaseTimes) {
        std::printf("  %-20s %8.1f %6.1f %%\n", name.c_str(), us / n, 100 * us / n / wallPhases);
        sum += us / n;
      }
      std::printf("  %-20s %8.1f %6.1f %%\n", "(outside phases)", wallPhases - sum,
                  100 * (wallPhases - sum) / wallPhases);
      std::vector<std::pair<double, std::string>> ops;
      for (const auto& [name, us] : g_times.op) ops.emplace_back(us / n, name);
      std::sort(ops.rbegin(), ops.rend());
      std::printf(
          "  top-level op          calls/step  us/step   share (timed with op timers on)\n");
      for (size_t i = 0; i < std::min<size_t>(ops.size(), 16); ++i)
        std::printf("  %-24s %6.1f %8.1f %6.1f %%\n", ops[i].second.c_str(),
                    static_cast<double>(g_times.opCalls[ops[i].second]) / n, ops[i].first,
                    100 * ops[i].first / wallOps);
    }
    return 0;
  }

  std::ostringstream js;
  js << "{\"impl\":\"" << (generic ? "cpp-generic" : "cpp") << "\",\"torch\":\""
     << ss::torchVersion() << "\",\"model\":{\"in\":" << net.mlp.dim + net.mlp.timeFeatures
     << ",\"width\":" << net.mlp.width << ",\"depth\":" << net.mlp.depth
     << ",\"out\":" << net.mlp.dim << "},\"results\":[";
  bool first = true;
  for (int th : threads) {
    ss::setComputeThreads(th);
    const double peak = sgemmPeak(1024, 3);
    std::cerr << "threads " << th << ": sgemm peak " << peak << " GFLOP/s\n";
    for (int b : batches) {
      ss::train::TrainConfig cfg = base;
      cfg.batch = b;
      ss::train::TrainStep::Setup setup{net, problem.value().sdeObject, problem.value().data, cfg,
                                        torch::kCPU};
      setup.fastPath = !generic;
      ss::train::TrainStep step(std::move(setup));
      // Warm-up: allocator, BLAS buffers, the learning-rate warm-up.
      const auto w0 = Clock::now();
      int warm = 0;
      while (warm < 10 || seconds(w0, Clock::now()) < 0.3 * secs) {
        step.step();
        ++warm;
      }
      std::vector<double> rates;
      for (int r = 0; r < reps; ++r) {
        int n = 0;
        const auto t0 = Clock::now();
        double el = 0;
        do {
          step.step();
          ++n;
          el = seconds(t0, Clock::now());
        } while (el < secs);
        rates.push_back(n / el);
      }
      const double sps = median(rates);
      const double gflops = 3.0 * forwardFlops(net.mlp, b) * sps / 1e9;
      std::cerr << "  batch " << b << ": " << sps << " steps/s, " << gflops << " GFLOP/s ("
                << 100.0 * gflops / peak << " % of peak)\n";
      js << (first ? "" : ",") << "{\"threads\":" << th << ",\"batch\":" << b
         << ",\"steps_per_s\":" << sps << ",\"gflops\":" << gflops << ",\"peak_gflops\":" << peak
         << ",\"pct_peak\":" << 100.0 * gflops / peak << ",\"reps\":[";
      for (size_t i = 0; i < rates.size(); ++i) js << (i ? "," : "") << rates[i];
      js << "]}";
      first = false;
    }
  }
  js << "]}";
  std::cout << js.str() << std::endl;
  return 0;
}
