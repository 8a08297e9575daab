// Imported TorchScript score vs our native MLP score (issue 17, item 6): one MLP (the 2D
// default: width 128, depth 3), exported with `export`'s code and opened as any import
// is, evaluated on 10k particles at a spread of times. Reports ms per evaluation for the
// native fast path (hand-written kernels), the native module forward (LibTorch), and the
// TorchScript model, with their ratios. Threads: --threads (default 1, as the window's
// workers on 2 cores). Prints one JSON object.
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/common/runtime.h"
#include "core/model/model_export.h"
#include "core/train/model_open.h"
#include "core/train/snapshot.h"

namespace {

using Clock = std::chrono::steady_clock;

double elapsedMs(const ss::score::ScoreFn& score, const torch::Tensor& x, const torch::Tensor& t) {
  const auto start = Clock::now();
  auto s = score(x, t);
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Median ms of each score over `reps` rounds (after two warm-up rounds). The scores take
// turns within a round, so a busy machine slows them alike and their ratios hold.
std::vector<double> medianMs(const std::vector<const ss::score::ScoreFn*>& scores,
                             const torch::Tensor& x, const torch::Tensor& t, int reps) {
  std::vector<std::vector<double>> ms(scores.size());
  for (int r = 0; r < reps + 2; ++r)
    for (size_t i = 0; i < scores.size(); ++i) {
      const double e = elapsedMs(*scores[i], x, t);
      if (r >= 2) ms[i].push_back(e);
    }
  std::vector<double> median;
  for (auto& m : ms) {
    std::sort(m.begin(), m.end());
    median.push_back(m[m.size() / 2]);
  }
  return median;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1, n = 10000, reps = 41;
  bool tSpread = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--t-spread") {
      tSpread = true;
      continue;
    }
    if (i + 1 >= argc) break;
    if (a == "--threads")
      threads = std::stoi(argv[i + 1]);
    else if (a == "--n")
      n = std::stoi(argv[i + 1]);
    else if (a == "--reps")
      reps = std::stoi(argv[i + 1]);
    ++i;
  }
  ss::setComputeThreads(threads);  // LibTorch and OpenBLAS alike
  auto snap = std::make_shared<ss::train::ModelSnapshot>();
  snap->net = ss::nn::NetConfig{};
  snap->ema = ss::nn::makeNet(snap->net, 1);
  snap->ema->eval();
  snap->sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  snap->data = "moons";
  snap->step = 1;
  const auto path = std::filesystem::temp_directory_path() /
                    ("scorescope_import_speed_" + std::to_string(::getpid()) + ".pt");
  if (auto ok = ss::model::exportModel(*snap, path.string()); !ok) {
    std::fprintf(stderr, "export failed: %s\n", ok.error().message.c_str());
    return 1;
  }
  auto imported = ss::train::loadModelSnapshot(path.string(), "cpu");
  std::filesystem::remove(path);
  if (!imported) {
    std::fprintf(stderr, "open failed: %s\n", imported.error().message.c_str());
    return 1;
  }
  torch::manual_seed(0);
  const auto x = torch::randn({n, 2});
  // One time for all particles, as in a sampler's step (--t-spread: a time per particle).
  const auto t = tSpread ? torch::rand({n}) * (1.0 - 1e-3) + 1e-3 : torch::full({n}, 0.5);
  const ss::nn::NetScoreFn fast(snap->ema, snap->sde, true), module(snap->ema, snap->sde, false);
  const auto script = imported.value()->scoreFn();
  const auto ms = medianMs({&fast, &module, script.get()}, x, t, reps);
  const double fastMs = ms[0], moduleMs = ms[1], scriptMs = ms[2];
  nlohmann::json j = {{"n", n},
                      {"t", tSpread ? "one per particle in [1e-3, 1]" : "0.5 for all"},
                      {"threads", threads},
                      {"native_fast_ms", fastMs},
                      {"native_module_ms", moduleMs},
                      {"torchscript_ms", scriptMs},
                      {"torchscript_over_native_fast", scriptMs / fastMs},
                      {"torchscript_over_native_module", scriptMs / moduleMs}};
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}
