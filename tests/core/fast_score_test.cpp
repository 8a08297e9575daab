// The hand-written MLP inference path of NetScoreFn (core/nn/fast_mlp.h) against the module's
// forward (scoreOf): random x and t, a shared t (the samplers' case), batch sizes around and
// not divisible by the chunk, 1 and 0 rows, float64 inputs, other architectures, 2 threads,
// concurrent callers, and that SamplerRun goes through it.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <memory>
#include <thread>
#include <vector>

#include "core/nn/fast_mlp.h"
#include "core/nn/net_config.h"
#include "core/nn/score_net.h"
#include "core/sample/sampler.h"
#include "core/sde/sde.h"
#include "core/sde/sde_config.h"

namespace {

std::shared_ptr<const ss::sde::Sde> vpSde() { return ss::sde::Sde::create(ss::sde::SdeConfig{}); }

// Max |fast − generic| / (1 + |generic|), elementwise.
double relErr(const torch::Tensor& fast, const torch::Tensor& generic) {
  return ((fast.to(torch::kFloat64) - generic.to(torch::kFloat64)).abs() /
          (1.0 + generic.to(torch::kFloat64).abs()))
      .max()
      .item<double>();
}

void expectMatch(const ss::nn::NetConfig& cfg, int64_t batch, bool sharedT, uint64_t seed) {
  auto sde = vpSde();
  auto net = ss::nn::makeNet(cfg, seed);
  ss::nn::NetScoreFn fast(net, sde), generic(net, sde, /*fastPath=*/false);
  auto gen = at::detail::createCPUGenerator(seed + 1);
  auto x = torch::randn({batch, cfg.mlp.dim}, gen) * 2.0;
  auto t = sharedT ? torch::full({batch}, 0.37f) : 1e-3 + (1.0 - 1e-3) * torch::rand({batch}, gen);
  ASSERT_TRUE(fast.usesFastPath(x, t));
  ASSERT_FALSE(generic.usesFastPath(x, t));
  auto a = fast(x, t), b = generic(x, t);
  ASSERT_EQ(a.sizes(), b.sizes());
  EXPECT_EQ(a.scalar_type(), torch::kFloat32);
  if (batch > 0) {
    EXPECT_LT(relErr(a, b), 2e-5) << "batch " << batch << (sharedT ? " shared t" : " random t");
    EXPECT_TRUE(torch::allclose(a, b, 1e-4, 1e-5));
  }
}

TEST(FastScore, MatchesGenericRandomT) {
  const int64_t chunk = ss::nn::detail::fastScoreChunkRows();
  for (int64_t b :
       {int64_t{0}, int64_t{1}, int64_t{7}, chunk - 1, chunk, chunk + 3, 3 * chunk + 17})
    expectMatch(ss::nn::NetConfig{}, b, false, 11);
}

TEST(FastScore, MatchesGenericSharedT) {
  const int64_t chunk = ss::nn::detail::fastScoreChunkRows();
  for (int64_t b : {int64_t{1}, int64_t{5}, chunk + 1, 2 * chunk, 4 * chunk + 129})
    expectMatch(ss::nn::NetConfig{}, b, true, 12);
}

TEST(FastScore, OtherShapes) {
  // Depth 1 (the first layer is the last hidden one), odd width, 3-D data, wide data (the
  // BLAS output layer), and a width that is not a multiple of the vector length.
  ss::nn::NetConfig c;
  c.mlp.depth = 1;
  expectMatch(c, 1000, true, 3);
  expectMatch(c, 1000, false, 3);
  c = ss::nn::NetConfig{};
  c.mlp.width = 37;
  c.mlp.dim = 3;
  expectMatch(c, 777, true, 4);
  expectMatch(c, 777, false, 4);
  c = ss::nn::NetConfig{};
  c.mlp.dim = 12;
  c.mlp.width = 64;
  c.mlp.depth = 2;
  expectMatch(c, 600, true, 5);
  expectMatch(c, 600, false, 5);
}

TEST(FastScore, ScalarTimeAndFloat64) {
  auto sde = vpSde();
  auto net = ss::nn::makeNet(ss::nn::NetConfig{}, 6);
  ss::nn::NetScoreFn fast(net, sde), generic(net, sde, false);
  auto x = torch::randn({300, 2});
  auto t0 = torch::tensor(0.6f);
  EXPECT_LT(relErr(fast(x, t0), generic(x, t0)), 2e-5);
  auto x64 = x.to(torch::kFloat64);
  auto t64 = torch::rand({300}, torch::kFloat64) * 0.9 + 0.05;
  ASSERT_TRUE(fast.usesFastPath(x64, t64));
  auto a = fast(x64, t64), b = generic(x64, t64);
  EXPECT_EQ(a.scalar_type(), torch::kFloat64);
  EXPECT_LT(relErr(a, b), 2e-5);
}

TEST(FastScore, FallsBackWhereItCannot) {
  auto sde = vpSde();
  // x features: the generic forward.
  ss::nn::NetConfig c;
  c.mlp.xFeatures = 16;
  ss::nn::NetScoreFn withX(ss::nn::makeNet(c, 1), sde);
  EXPECT_FALSE(withX.usesFastPath(torch::randn({4, 2}), torch::rand({4})));
  // A float64 network.
  auto net64 = ss::nn::makeNet(ss::nn::NetConfig{}, 2);
  net64->to(torch::kFloat64);
  ss::nn::NetScoreFn fn64(net64, sde);
  auto x = torch::randn({4, 2}, torch::kFloat64);
  EXPECT_FALSE(fn64.usesFastPath(x, torch::rand({4}, torch::kFloat64)));
  EXPECT_EQ(fn64(x, torch::rand({4}, torch::kFloat64)).sizes(), x.sizes());
  // Wrong shapes go to the module (which reports them).
  auto net = ss::nn::makeNet(ss::nn::NetConfig{}, 3);
  ss::nn::NetScoreFn fn(net, sde);
  EXPECT_FALSE(fn.usesFastPath(torch::randn({4, 3}), torch::rand({4})));
  EXPECT_FALSE(fn.usesFastPath(torch::randn({4, 2}), torch::rand({5})));
}

TEST(FastScore, TwoThreadsAndConcurrentCallers) {
  auto sde = vpSde();
  auto net = ss::nn::makeNet(ss::nn::NetConfig{}, 7);
  ss::nn::NetScoreFn fast(net, sde), generic(net, sde, false);
  auto x = torch::randn({5000, 2});
  auto t = torch::full({5000}, 0.2f);
  const auto expected = generic(x, t);
  const int before = at::get_num_threads();
  at::set_num_threads(2);
  EXPECT_LT(relErr(fast(x, t), expected), 2e-5);
  at::set_num_threads(before);
  // Several threads at once on one NetScoreFn (per-thread buffers).
  std::vector<double> errs(4, 1.0);
  std::vector<std::thread> threads;
  for (size_t k = 0; k < errs.size(); ++k)
    threads.emplace_back([&, k] {
      for (int rep = 0; rep < 3; ++rep) errs[k] = relErr(fast(x, t), expected);
    });
  for (auto& th : threads) th.join();
  for (double e : errs) EXPECT_LT(e, 2e-5);
}

TEST(FastScore, SamplerRunTakesIt) {
  // Euler–Maruyama through SamplerRun with the fast and the generic score: same trajectory up
  // to float rounding over 50 steps.
  auto sde = vpSde();
  auto net = ss::nn::makeNet(ss::nn::NetConfig{}, 8);
  auto fast = std::make_shared<ss::nn::NetScoreFn>(net, sde);
  auto generic = std::make_shared<ss::nn::NetScoreFn>(net, sde, false);
  ss::sample::SamplerConfig cfg;
  cfg.steps = 50;
  auto xT = ss::sample::SamplerRun::priorDraw(*sde, 2000, {2}, 1);
  ss::sample::SamplerRun a(fast, sde, cfg, xT, 2), b(generic, sde, cfg, xT, 2);
  EXPECT_TRUE(fast->usesFastPath(xT, torch::full({2000}, 1.0f)));
  a.runToEnd();
  b.runToEnd();
  EXPECT_EQ(a.state().nfe, b.state().nfe);
  EXPECT_LT(relErr(a.result(), b.result()), 1e-3);
}

}  // namespace
