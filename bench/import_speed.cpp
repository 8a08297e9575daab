// Imported TorchScript score vs our native MLP score (issue 17, item 6): one MLP (the 2D
// default: width 128, depth 3), exported with `export`'s code and opened as any import
// is, evaluated on 10k particles at a spread of times. Reports ms per evaluation for the
// native fast path (hand-written kernels), the native module forward (LibTorch), and the
// TorchScript model, with their ratios. Threads: --threads (default 1, as the window's
// workers on 2 cores). Prints one JSON object.
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/model/model_export.h"
#include "core/train/model_open.h"
#include "core/train/snapshot.h"

namespace {

using Clock = std::chrono::steady_clock;

// Median of `reps` timed calls (after two warm-up calls), in ms.
double timeMs(const ss::score::ScoreFn& score, const torch::Tensor& x, const torch::Tensor& t,
              int reps) {
  for (int i = 0; i < 2; ++i) score(x, t);
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const auto start = Clock::now();
    auto s = score(x, t);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1, n = 10000, reps = 41;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--threads") threads = std::stoi(argv[i + 1]);
    else if (a == "--n") n = std::stoi(argv[i + 1]);
    else if (a == "--reps") reps = std::stoi(argv[i + 1]);
  }
  torch::set_num_threads(threads);
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
  const auto t = torch::rand({n}) * (1.0 - 1e-3) + 1e-3;
  const ss::nn::NetScoreFn fast(snap->ema, snap->sde, true), module(snap->ema, snap->sde, false);
  const double fastMs = timeMs(fast, x, t, reps), moduleMs = timeMs(module, x, t, reps);
  const double scriptMs = timeMs(*imported.value()->scoreFn(), x, t, reps);
  nlohmann::json j = {{"n", n},
                      {"threads", threads},
                      {"native_fast_ms", fastMs},
                      {"native_module_ms", moduleMs},
                      {"torchscript_ms", scriptMs},
                      {"torchscript_over_native_fast", scriptMs / fastMs},
                      {"torchscript_over_native_module", scriptMs / moduleMs}};
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}
