// The exact empirical score (MATH.md §7): query–point pairs per second of the fused kernel
// (core/kernels/empirical.h) unpruned and pruned, against the LibTorch float64 path it
// replaces and against one core's float64 FMA peak measured here, and its float32 tile path
// (forced and Auto) against the float32 FMA peak; the wall time of reverse
// runs with the exact score beside the same runs with the default 2D MLP; and the image
// case (Fashion-MNIST, 64 queries) as a share of the sgemm peak. Prints one JSON object.
//
//   empirical_score [--sections kernel,mixture,runs,density,images] [--threads 1,2] [--reps 3]
//                   [--images N1,N2] [--big-run] (adds the GUI's default 20k × 1000 run)
#include <immintrin.h>
#include <torch/torch.h>

// GCC 12 warns inside its own avx512fintrin.h (_mm512_reduce_add_ps) for these intrinsics.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/runtime.h"
#include "core/data/image_dataset.h"
#include "core/data/toy.h"
#include "core/kernels/cpu_isa.h"
#include "core/metrics/metrics.h"
#include "core/nn/net_config.h"
#include "core/nn/score_net.h"
#include "core/sample/sampler.h"
#include "core/score/exact_score.h"
#include "core/score/tiled_empirical.h"
#include "core/train/problem.h"
#include "core/train/train_step.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(item);
  return out;
}

// Best seconds per call of f over `reps` rounds of at least 0.2 s.
template <class F>
double bestSeconds(F&& f, int reps) {
  f();
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    int n = 0;
    const auto t0 = Clock::now();
    do f(), ++n;
    while (since(t0) < 0.2);
    best = std::min(best, since(t0) / n);
  }
  return best;
}

// One core's float64 FMA peak (GFLOP/s, an FMA = 2 flops): 16 independent accumulators,
// unrolled so they stay in registers.
__attribute__((target("avx512f"))) double fmaPeak512() {
  __m512d acc[16];
  for (auto& a : acc) a = _mm512_set1_pd(1.0);
  const __m512d m = _mm512_set1_pd(0.999999), c = _mm512_set1_pd(1e-7);
  const long iters = 20'000'000;
  const auto t0 = Clock::now();
  for (long i = 0; i < iters; ++i)
#pragma GCC unroll 16
    for (auto& a : acc) a = _mm512_fmadd_pd(a, m, c);
  const double s = since(t0);
  double sink = 0;
  for (auto& a : acc) sink += _mm512_reduce_add_pd(a);
  if (sink == 42) std::cerr << "";
  return 2.0 * 8 * 16 * iters / s / 1e9;
}

// The same in float32 (16 lanes).
__attribute__((target("avx512f"))) double fmaPeak512f32() {
  __m512 acc[16];
  for (auto& a : acc) a = _mm512_set1_ps(1.0f);
  const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
  const long iters = 20'000'000;
  const auto t0 = Clock::now();
  for (long i = 0; i < iters; ++i)
#pragma GCC unroll 16
    for (auto& a : acc) a = _mm512_fmadd_ps(a, m, c);
  const double s = since(t0);
  float sink = 0;
  for (auto& a : acc) sink += _mm512_reduce_add_ps(a);
  if (sink == 42) std::cerr << "";
  return 2.0 * 16 * 16 * iters / s / 1e9;
}

__attribute__((target("avx2,fma"))) double fmaPeak256() {
  __m256d acc[12];
  for (auto& a : acc) a = _mm256_set1_pd(1.0);
  const __m256d m = _mm256_set1_pd(0.999999), c = _mm256_set1_pd(1e-7);
  const long iters = 20'000'000;
  const auto t0 = Clock::now();
  for (long i = 0; i < iters; ++i)
#pragma GCC unroll 12
    for (auto& a : acc) a = _mm256_fmadd_pd(a, m, c);
  const double s = since(t0);
  double sink = 0;
  alignas(32) double v[4];
  for (auto& a : acc) _mm256_store_pd(v, a), sink += v[0];
  if (sink == 42) std::cerr << "";
  return 2.0 * 4 * 12 * iters / s / 1e9;
}

// Flops per pair in the kernel as written (the tile's two passes, 2-D), an FMA counted as 2
// and every other lane op as 1: distance 2 + 2 FMA (8) and a min (1); the exponent's FMA
// (2); exp: max, mul, round (3), 2 FMA (4), a degree-9 Horner (18), scale (1); the weight sum
// (1) and the 2 weighted sums (4): 42.
constexpr double kFlopsPerPair2D = 42;
// The float32 tile path (empirical_tile32_impl.h), counted the same way: e by a mul and 2
// FMA (5) and a min (1); the exponent's sub and mul (2); 2^x: max, round, sub (3), 6 FMA
// (12), scale (1); the sums (5): 29.
constexpr double kFlopsPerPair2DF32 = 29;

torch::Tensor moonsPoints(int64_t n) { return ss::data::makeToy("moons").take()->sample(n, 0).x; }

json kernelSection(const std::vector<int>& threads, int reps) {
  auto sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  auto pts = moonsPoints(4096).to(torch::kFloat64);
  const int64_t b = 4096;
  using ss::kernels::Precision;
  ss::score::TiledEmpirical exact(pts, 0.0), pruned(pts, ss::kernels::kDefaultPruneTol);
  ss::score::TiledEmpirical exact32(pts, 0.0, Precision::Float32),
      exactAuto(pts, 0.0, Precision::Auto),
      prunedAuto(pts, ss::kernels::kDefaultPruneTol, Precision::Auto);
  json rows = json::array();
  for (int th : threads) {
    ss::setComputeThreads(th);
    for (double t : {1e-3, 0.01, 0.1, 0.3, 1.0}) {
      auto mt = sde->marginal(torch::full({1}, t, torch::kFloat64));
      torch::manual_seed(1);
      auto x = mt.a * pts.narrow(0, 0, b) + mt.sigma * torch::randn({b, 2}, torch::kFloat64);
      const double pairs = double(b) * pts.size(0);
      const double tRef =
          bestSeconds([&] { ss::score::empiricalScore(pts, x, mt.a, mt.sigma); }, reps);
      const double tExact = bestSeconds([&] { exact.score(x, mt.a, mt.sigma); }, reps);
      const double tPruned = bestSeconds([&] { pruned.score(x, mt.a, mt.sigma); }, reps);
      // Back to back with the float64 kernel, so their ratio holds on a loaded machine.
      const double t32 = bestSeconds([&] { exact32.score(x, mt.a, mt.sigma); }, reps);
      const double tAuto = bestSeconds([&] { exactAuto.score(x, mt.a, mt.sigma); }, reps);
      const double tPrunedAuto = bestSeconds([&] { prunedAuto.score(x, mt.a, mt.sigma); }, reps);
      rows.push_back({{"threads", th},
                      {"t", t},
                      {"sigma", mt.sigma.item<double>()},
                      {"libtorch_pairs_per_s", pairs / tRef},
                      {"kernel_pairs_per_s", pairs / tExact},
                      {"pruned_effective_pairs_per_s", pairs / tPruned},
                      {"kernel_f32_pairs_per_s", pairs / t32},
                      {"kernel_auto_pairs_per_s", pairs / tAuto},
                      {"pruned_auto_effective_pairs_per_s", pairs / tPrunedAuto}});
      std::cerr << rows.back().dump() << "\n";
    }
  }
  return rows;
}

// The mixture score's path (closed form, LibTorch float64): queries and query–component
// pairs per second, 1 thread, for 8gaussians and 25gaussians.
json mixtureSection(int reps) {
  ss::setComputeThreads(1);
  auto sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  json rows = json::array();
  for (const char* name : {"8gaussians", "25gaussians"}) {
    auto toy = ss::data::makeToy(name).take();
    auto exact = ss::score::exactScoreFor(*toy, sde);
    const int64_t b = 4096, k = toy->mixture()->size();
    auto x = toy->sample(b, 3).x.to(torch::kFloat32);
    auto t = torch::full({b}, 0.3f);
    const double s = bestSeconds([&] { (*exact)(x, t); }, reps);
    rows.push_back({{"data", name},
                    {"components", k},
                    {"queries_per_s", b / s},
                    {"pairs_per_s", double(b) * k / s}});
    std::cerr << rows.back().dump() << "\n";
  }
  return rows;
}

// Seconds of a full reverse run (EM, no corrector) from one prior draw.
double runSeconds(std::shared_ptr<const ss::score::ScoreFn> score,
                  std::shared_ptr<const ss::sde::Sde> sde, int64_t n, int steps,
                  torch::Tensor* out) {
  ss::sample::SamplerConfig em;
  em.steps = steps;
  const auto xT = ss::sample::SamplerRun::priorDraw(*sde, n, {2}, 1);
  ss::sample::SamplerRun run(std::move(score), sde, em, xT, 2);
  const auto t0 = Clock::now();
  run.runToEnd();
  const double s = since(t0);
  if (out) *out = run.result();
  return s;
}

json runsSection(bool bigRun) {
  ss::setComputeThreads(2);
  auto problem = ss::train::buildProblem("moons", ss::sde::SdeConfig{}, 4096, 0);
  if (!problem.ok()) throw std::runtime_error(problem.error().message);
  const auto sde = problem.value().sdeObject;
  auto toy = ss::data::makeToy("moons").take();
  auto exact = ss::score::exactScoreFor(*toy, sde);
  ss::nn::NetConfig netCfg;
  ss::train::TrainConfig tc;
  ss::train::TrainStep step({netCfg, sde, problem.value().data, tc, torch::kCPU});
  auto net = ss::nn::cloneNet(step.ema(), netCfg);  // untrained: the same cost as a trained one
  net->eval();
  auto mlp = std::make_shared<ss::nn::NetScoreFn>(net, sde, true);
  json j;
  torch::Tensor sample;
  j["mlp_4000x500_s"] = runSeconds(mlp, sde, 4000, 500, nullptr);
  j["exact_4000x500_s"] = runSeconds(exact, sde, 4000, 500, &sample);
  auto data = toy->sample(4000, 99).x.to(torch::kFloat32);
  j["exact_4000x500_sw2"] = ss::metrics::slicedWasserstein2(sample, data);
  j["sw2_floor"] =
      ss::metrics::slicedWasserstein2(toy->sample(4000, 7).x.to(torch::kFloat32), data);
  j["mlp_4000x500_again_s"] = runSeconds(mlp, sde, 4000, 500, nullptr);
  if (bigRun) j["exact_20000x1000_s"] = runSeconds(exact, sde, 20000, 1000, nullptr);
  std::cerr << j.dump() << "\n";
  return j;
}

// The exact density heatmap of a point set: log p_t on a 128 × 128 grid over its box, as the
// field worker asks for it, for drawn-sized and CSV-sized sets (1 thread, as the GUI's
// workers run).
json densitySection(int reps) {
  ss::setComputeThreads(1);
  auto sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
  json rows = json::array();
  for (int64_t m : {500, 4096, 20000}) {
    ss::score::EmpiricalScore exact(moonsPoints(m), sde);
    auto g = torch::linspace(-2.5, 2.5, 128);
    auto grid = torch::stack(torch::meshgrid({g, g}, "xy"), -1).reshape({-1, 2});
    for (double t : {0.01, 0.1, 0.5}) {
      auto tt = torch::full({grid.size(0)}, t);
      const double s = bestSeconds([&] { exact.logProb(grid, tt); }, reps);
      rows.push_back({{"points", m}, {"t", t}, {"grid", 128}, {"seconds", s}});
      std::cerr << rows.back().dump() << "\n";
    }
  }
  return rows;
}

double sgemmPeak(int reps) {
  auto a = torch::randn({1024, 1024}), b = torch::randn({1024, 1024}),
       c = torch::empty({1024, 1024});
  return 2.0 * 1024 * 1024 * 1024 / bestSeconds([&] { at::mm_out(c, a, b); }, reps) / 1e9;
}

json imagesSection(const std::vector<int>& counts, int reps) {
  ss::setComputeThreads(1);
  json rows = json::array();
  const double peak = sgemmPeak(reps);
  for (int m : counts) {
    ss::data::ImageLoadOptions opt;
    opt.limit = m;
    auto set = ss::data::loadImageDataset("fashion-mnist", opt);
    if (!set) throw std::runtime_error(set.error().message);
    auto sde = ss::sde::Sde::create(ss::sde::SdeConfig{});
    ss::score::EmpiricalScore score(set.value().images, sde);
    auto x = torch::randn({64, 1, 28, 28});
    auto t = torch::full({64}, 0.3f);
    const int64_t d = 784;
    // The two products: X·Yᵀ and W·Y, 2·64·d·M flops each; timed alone and in the whole call.
    auto y32 = set.value().images.reshape({m, d}).to(torch::kFloat32);
    auto x32 = x.reshape({64, d}), w32 = torch::rand({64, m});
    const double tMm = bestSeconds(
        [&] {
          torch::mm(x32, y32.t());
          torch::mm(w32, y32);
        },
        reps);
    const double tCall = bestSeconds([&] { score(x, t); }, reps);
    const double flops = 4.0 * 64 * d * m;
    rows.push_back({{"images", m},
                    {"sgemm_peak_gflops", peak},
                    {"products_gflops", flops / tMm / 1e9},
                    {"products_share", flops / tMm / 1e9 / peak},
                    {"call_s", tCall},
                    {"call_share_of_peak", flops / tCall / 1e9 / peak}});
    std::cerr << rows.back().dump() << "\n";
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> sections{"kernel", "mixture", "runs", "density", "images"};
  std::vector<int> threads{1, 2}, images{1000, 10000};
  int reps = 3;
  bool bigRun = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    auto ints = [](const std::string& s) {
      std::vector<int> v;
      for (auto& p : split(s)) v.push_back(std::stoi(p));
      return v;
    };
    if (a == "--sections")
      sections = split(next());
    else if (a == "--threads")
      threads = ints(next());
    else if (a == "--images")
      images = ints(next());
    else if (a == "--reps")
      reps = std::stoi(next());
    else if (a == "--big-run")
      bigRun = true;
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 1;
    }
  }
  json out;
  out["isa"] = ss::kernels::toString(ss::kernels::activeIsa());
  if (__builtin_cpu_supports("avx512f")) out["fma_peak_gflops_1core_avx512"] = fmaPeak512();
  if (__builtin_cpu_supports("avx512f")) out["fma_peak_gflops_1core_avx512_f32"] = fmaPeak512f32();
  if (__builtin_cpu_supports("avx2")) out["fma_peak_gflops_1core_avx2"] = fmaPeak256();
  out["flops_per_pair_2d"] = kFlopsPerPair2D;
  out["flops_per_pair_2d_f32"] = kFlopsPerPair2DF32;
  for (const auto& s : sections)
    if (s != "kernel" && s != "mixture" && s != "runs" && s != "density" && s != "images") {
      std::cerr << "unknown section " << s << " (kernel, mixture, runs, density, images)\n";
      return 1;
    }
  for (const auto& s : sections) {
    if (s == "kernel")
      out["kernel"] = kernelSection(threads, reps);
    else if (s == "runs")
      out["runs"] = runsSection(bigRun);
    else if (s == "images")
      out["images"] = imagesSection(images, reps);
    else if (s == "density")
      out["density"] = densitySection(reps);
    else if (s == "mixture")
      out["mixture"] = mixtureSection(reps);
  }
  std::cout << out.dump(2) << "\n";
}
