// Tests of core/likelihood (MATH.md §5) and the forward-process run (core/sample/forward.h):
// the PF-ODE log-likelihood with the exact score equals the true log-density of the perturbed
// data, the Hutchinson estimate is unbiased, encode → decode round-trips, RK45's NFE falls as
// the tolerances loosen, interpolation, and the forward run's exact and simulated marginals.
// Also the annealed-Langevin lecture example (MATH.md §4): mode weights 0.8/0.2.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <memory>
#include <string>

#include "core/common/error.h"
#include "core/data/toy.h"
#include "core/likelihood/likelihood.h"
#include "core/metrics/metrics.h"
#include "core/sample/forward.h"
#include "core/sample/sampler.h"
#include "core/sample/steps.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"

namespace {

using ss::likelihood::Divergence;
using ss::likelihood::LikelihoodConfig;
using ss::sde::Sde;
using ss::sde::SdeConfig;
using ss::sde::SdeKind;

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

std::string kindName(SdeKind k) { return std::string(ss::sde::toString(k)); }

ss::data::GaussianMixture eightGaussians() {
  return ss::data::makeToy("8gaussians").take()->mixture().value();
}

ss::data::GaussianMixture threeBlobs() {
  return ss::data::loadMixtureJson(std::string(SCORESCOPE_TEST_DATA_DIR) + "/three_blobs.json")
      .take();
}

std::shared_ptr<const Sde> sdeFor(SdeKind kind, const ss::data::GaussianMixture& gm) {
  SdeConfig c;
  c.kind = kind;
  // VE's σmax is the data's diameter (MATH.md §1).
  if (kind == SdeKind::VE) c.sigmaMax = ss::data::diameter(gm.means.to(torch::kFloat32)) + 1.0;
  return Sde::create(c);
}

torch::Tensor samplesOf(const ss::data::GaussianMixture& gm, int64_t n, uint64_t seed) {
  // Draw from the mixture directly (works for JSON mixtures as well as built-ins).
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto k = torch::multinomial(gm.weights.to(torch::kFloat64), n, true, gen);
  auto z = torch::randn({n, 2}, gen, kF64);
  return gm.means.to(torch::kFloat64).index_select(0, k) +
         gm.stds.to(torch::kFloat64).index_select(0, k).unsqueeze(1) * z;
}

// log p_t of the exact perturbed mixture at one time, [B].
torch::Tensor exactLogp(const ss::score::MixtureScore& s, const torch::Tensor& x, double t) {
  return s.logProb(x, torch::full({x.size(0)}, t, kF64));
}

struct Case {
  const char* data;
  SdeKind kind;
};

class LikelihoodExact : public ::testing::TestWithParam<Case> {};

TEST_P(LikelihoodExact, EqualsTheTrueLogDensityAtEps) {
  const auto [dataName, kind] = GetParam();
  auto gm = std::string(dataName) == "8gaussians" ? eightGaussians() : threeBlobs();
  auto sde = sdeFor(kind, gm);
  auto score = std::make_shared<ss::score::MixtureScore>(gm, sde);
  auto x = samplesOf(gm, 2000, 11);
  // p_T of the exact score is the perturbed mixture at T; the Gaussian prior differs from it
  // by the prior mismatch, which is not the integrator's error, so the terminal density here
  // is the exact one. (The default prior is checked below.)
  auto terminal = [&](const torch::Tensor& z) { return exactLogp(*score, z, sde->T()); };
  auto r = ss::likelihood::logLikelihood(*score, *sde, x, LikelihoodConfig{}, terminal);
  auto truth = exactLogp(*score, x, sde->eps());
  const double err = (r.logp - truth).abs().mean().item<double>();
  EXPECT_LE(err, 1e-3) << dataName << " " << kindName(kind) << ": mean |log p − true| " << err;
  EXPECT_TRUE(r.exactDivergence);
  EXPECT_GT(r.nfe, 6 * r.steps);
  RecordProperty("mean_abs_error_" + std::string(dataName) + "_" + kindName(kind),
                 std::to_string(err));

  // With the SDE's own prior the gap is the prior mismatch, E[log p_T − log prior] ≈ KL.
  auto prior = ss::likelihood::logLikelihood(*score, *sde, x, LikelihoodConfig{});
  auto mismatch = (exactLogp(*score, prior.z, sde->T()) - sde->priorLogProb(prior.z)).mean();
  EXPECT_NEAR((r.logp - prior.logp).mean().item<double>(), mismatch.item<double>(), 2e-3);
}

INSTANTIATE_TEST_SUITE_P(
    AllSdes, LikelihoodExact,
    ::testing::Values(Case{"8gaussians", SdeKind::VP}, Case{"8gaussians", SdeKind::SubVP},
                      Case{"8gaussians", SdeKind::VE}, Case{"three_blobs", SdeKind::VP},
                      Case{"three_blobs", SdeKind::SubVP}, Case{"three_blobs", SdeKind::VE}),
    [](const auto& info) {
      return std::string(info.param.data == std::string("8gaussians") ? "eight" : "blobs") +
             kindName(info.param.kind);
    });

TEST(Likelihood, HutchinsonIsUnbiasedOverPoints) {
  auto gm = eightGaussians();
  auto sde = sdeFor(SdeKind::VP, gm);
  auto score = std::make_shared<ss::score::MixtureScore>(gm, sde);
  auto x = samplesOf(gm, 2000, 12);
  auto exact = ss::likelihood::logLikelihood(*score, *sde, x, LikelihoodConfig{});
  for (auto probe : {ss::likelihood::Probe::Rademacher, ss::likelihood::Probe::Gaussian}) {
    LikelihoodConfig c;
    c.divergence = Divergence::Hutchinson;
    c.probe = probe;
    c.seed = 3;
    auto h = ss::likelihood::logLikelihood(*score, *sde, x, c);
    EXPECT_FALSE(h.exactDivergence);
    auto diff = h.logp - exact.logp;
    const double bias = diff.mean().item<double>();
    const double se = diff.std().item<double>() / std::sqrt(2000.0);
    // Per point the estimate is noisy (one probe); over 2000 points its mean lands within
    // four standard errors of the exact value.
    EXPECT_GT(diff.abs().mean().item<double>(), 1e-3) << "one probe is not exact per point";
    EXPECT_LT(std::abs(bias), 4 * se + 1e-3)
        << ss::likelihood::toString(probe) << ": bias " << bias << ", standard error " << se;
    RecordProperty("hutchinson_bias_" + ss::likelihood::toString(probe), std::to_string(bias));
  }
}

TEST(Likelihood, ConfigAndInputErrors) {
  auto gm = eightGaussians();
  auto sde = sdeFor(SdeKind::VP, gm);
  ss::score::MixtureScore score(gm, sde);
  LikelihoodConfig c;
  c.rtol = 0;
  EXPECT_NE(ss::messageOf(c.validate()).find("rtol"), std::string::npos);
  EXPECT_THROW(ss::likelihood::logLikelihood(score, *sde, torch::zeros({4, 2}), c), ss::Failure);
  c = {};
  c.probes = 0;
  EXPECT_NE(ss::messageOf(c.validate()).find("probes"), std::string::npos);
  EXPECT_THROW(ss::likelihood::logLikelihood(score, *sde, torch::zeros({0, 2}), {}), ss::Failure);
  EXPECT_FALSE(ss::likelihood::parseDivergence("trace"));
  EXPECT_EQ(ss::likelihood::parseProbe("Gaussian").value(), ss::likelihood::Probe::Gaussian);
}

TEST(Likelihood, BitsPerDimAndDequantization) {
  auto logp = torch::tensor({-2.0 * std::log(2.0) * 3}, kF64);  // 3 bits/dim over 2 dims
  EXPECT_NEAR(ss::likelihood::bitsPerDim(logp, 2).item<double>(), 3.0, 1e-12);
  EXPECT_NEAR(ss::likelihood::bitsPerDim(logp, 2, 8.0).item<double>(), 11.0, 1e-12);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
  auto levels = torch::arange(256, kF64) / 255.0;
  auto d = ss::likelihood::dequantize(levels, gen);
  // Level k lands in [k/256, (k+1)/256).
  auto k = torch::arange(256, kF64);
  EXPECT_TRUE((d >= k / 256.0).all().item<bool>());
  EXPECT_TRUE((d < (k + 1) / 256.0).all().item<bool>());
}

TEST(Encoding, RoundTripsAndNfeFallsAsTolerancesLoosen) {
  auto gm = eightGaussians();
  for (SdeKind kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VE}) {
    auto sde = sdeFor(kind, gm);
    ss::score::MixtureScore score(gm, sde);
    auto x = samplesOf(gm, 500, 13);
    auto z = ss::likelihood::encode(score, *sde, x);
    auto back = ss::likelihood::decode(score, *sde, z.x);
    const double err = (back.x - x).abs().mean().item<double>();
    const double worst = (back.x - x).abs().max().item<double>();
    EXPECT_LE(err, 1e-3) << kindName(kind) << ": encode → decode mean error " << err;
    EXPECT_LE(worst, 1e-2) << kindName(kind) << ": encode → decode max error " << worst;
    RecordProperty("roundtrip_mean_error_" + kindName(kind), std::to_string(err));
    // The code is spread like the prior: std ≈ 1 (VP, sub-VP) or σmax (VE).
    const double s = kind == SdeKind::VE ? sde->config().sigmaMax : 1.0;
    EXPECT_NEAR(z.x.std().item<double>() / s, 1.0, 0.1) << kindName(kind);
  }
  auto sde = sdeFor(SdeKind::VP, gm);
  ss::score::MixtureScore score(gm, sde);
  auto x = samplesOf(gm, 500, 14);
  int64_t previous = 0;
  for (double tol : {1e-6, 1e-4, 1e-2}) {
    auto r = ss::likelihood::encode(score, *sde, x, tol, tol);
    if (previous > 0) EXPECT_LT(r.nfe, previous) << "tol " << tol;
    previous = r.nfe;
  }
}

TEST(Encoding, InterpolationEndpointsAndNorms) {
  auto z0 = torch::tensor({1.0, 0.0}, kF64), z1 = torch::tensor({0.0, 1.0}, kF64);
  auto lin = ss::likelihood::interpolate(z0, z1, 5, ss::likelihood::Interpolation::Linear);
  auto sph = ss::likelihood::interpolate(z0, z1, 5, ss::likelihood::Interpolation::Spherical);
  ASSERT_EQ(lin.sizes(), (std::vector<int64_t>{5, 2}));
  EXPECT_TRUE(torch::allclose(lin[0], z0) && torch::allclose(lin[4], z1));
  EXPECT_TRUE(torch::allclose(sph[0], z0) && torch::allclose(sph[4], z1));
  EXPECT_NEAR(lin[2].norm().item<double>(), std::sqrt(0.5), 1e-12);      // linear dips
  EXPECT_TRUE(torch::allclose(sph.norm(2, 1), torch::ones({5}, kF64)));  // slerp keeps the norm
  EXPECT_THROW(ss::likelihood::interpolate(z0, z1, 1, ss::likelihood::Interpolation::Linear),
               ss::Failure);
}

// ---- the forward process ------------------------------------------------------------------

TEST(ForwardRun, ExactModeIsTheClosedFormWithFixedNoise) {
  auto sde = Sde::create(SdeConfig{});
  auto x0 = torch::tensor({{1.0, -1.0}, {0.5, 2.0}}, kF64);
  ss::sample::ForwardRun run(sde, x0, ss::sample::ForwardMode::Exact, 10, 5, {{0, 1}, 1});
  auto a = run.at(0.4), b = run.at(0.4);
  EXPECT_TRUE(torch::equal(a, b)) << "scrubbing to the same t gives the same points";
  auto m = sde->marginal(torch::tensor({0.4}, kF64));
  auto eps = (a - m.a.item<double>() * x0) / m.sigma.item<double>();
  EXPECT_TRUE(torch::allclose(
      run.at(0.9), sde->marginal(torch::tensor({0.9}, kF64)).a.item<double>() * x0 +
                       sde->marginal(torch::tensor({0.9}, kF64)).sigma.item<double>() * eps));
  EXPECT_TRUE(torch::allclose(run.at(0.0), x0, 0, 1e-4));
  run.runToEnd();
  EXPECT_EQ(run.state().step, 10);
  EXPECT_DOUBLE_EQ(run.state().t, 1.0);
  EXPECT_TRUE(torch::allclose(run.state().x, run.at(1.0)));
  EXPECT_EQ(run.trajectory().size(), 11u);
  EXPECT_THROW(run.at(1.5), ss::Failure);
}

TEST(ForwardRun, SimulatedPathsMatchTheMarginals) {
  for (SdeKind kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VE}) {
    SdeConfig c;
    c.kind = kind;
    if (kind == SdeKind::VE) c.sigmaMax = 5.0;
    auto sde = Sde::create(c);
    const int64_t n = 40000;
    auto x0 = torch::tensor({2.0, -1.0}, kF64).expand({n, 2}).contiguous();
    ss::sample::ForwardRun run(sde, x0, ss::sample::ForwardMode::Simulated, 500, 9);
    for (int i = 0; i < 250; ++i) run.step();
    auto check = [&](double t) {
      auto m = sde->marginal(torch::tensor({t}, kF64));
      const double a = m.a.item<double>(), s = m.sigma.item<double>();
      auto x = run.state().x;
      auto mean = x.mean(0), sd = x.std(0);
      for (int d = 0; d < 2; ++d) {
        EXPECT_NEAR(mean[d].item<double>(), a * x0[0][d].item<double>(),
                    0.02 + 4 * s / std::sqrt(n))
            << kindName(kind) << " t " << t;
        EXPECT_NEAR(sd[d].item<double>() / s, 1.0, 0.03) << kindName(kind) << " t " << t;
      }
    };
    check(0.5);
    run.runToEnd();
    EXPECT_DOUBLE_EQ(run.state().t, 1.0);
    check(1.0);
    auto end = run.state().x.clone();
    run.rewind();
    run.runToEnd();
    EXPECT_TRUE(torch::equal(end, run.state().x)) << "rewind replays the same Brownian increments";
  }
}

TEST(ForwardRun, RejectsBadSettings) {
  auto sde = Sde::create(SdeConfig{});
  EXPECT_THROW(
      ss::sample::ForwardRun(sde, torch::zeros({2, 2}), ss::sample::ForwardMode::Exact, 0, 1),
      ss::Failure);
  EXPECT_THROW(
      ss::sample::ForwardRun(sde, torch::zeros({0, 2}), ss::sample::ForwardMode::Exact, 5, 1),
      ss::Failure);
  EXPECT_THROW(ss::sample::ForwardRun(sde, torch::zeros({2, 2}), ss::sample::ForwardMode::Exact, 5,
                                      1, {{3}, 1}),
               ss::Failure);
}

// ---- annealing matters: two Gaussians 0.8 / 0.2 -------------------------------------------

TEST(AnnealedLangevin, RecoversModeWeightsWherePlainLangevinDoesNot) {
  ss::data::GaussianMixture gm;
  gm.weights = torch::tensor({0.8, 0.2}, kF64);
  gm.means = torch::tensor({{-2.0, 0.0}, {2.0, 0.0}}, kF64);
  gm.stds = torch::tensor({0.25, 0.25}, kF64);
  SdeConfig c;
  c.kind = SdeKind::VE;
  c.sigmaMax = 4.5;  // ≈ the data's diameter
  auto sde = Sde::create(c);
  auto score = std::make_shared<ss::score::MixtureScore>(gm, sde);
  const int64_t n = 10000;  // binomial std of a weight: 0.004
  auto xT = ss::sample::SamplerRun::priorDraw(*sde, n, {2}, 21);

  auto ald = ss::sample::samplerPreset("ald").take();
  ald.correctorSteps = 3;
  ss::sample::SamplerRun run(score, sde, ald, xT, 22);
  run.runToEnd();
  auto w = ss::metrics::modeWeights(gm, run.result());
  EXPECT_NEAR(w[0].item<double>(), 0.8, 0.03) << "annealed Langevin";
  RecordProperty("ald_weight_0", std::to_string(w[0].item<double>()));

  // Plain Langevin with the score at the smallest noise level only, from the same start:
  // particles cannot cross the low-density gap, so each mode keeps the particles that
  // started on its side (about half), whatever the true weights.
  torch::NoGradGuard noGrad;
  const int64_t m = 4000;
  auto x = xT.narrow(0, 0, m).to(torch::kFloat64);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(23);
  auto tEps = torch::full({m}, sde->eps(), kF64);
  const double step = 4e-3;  // ε in x + ε s + √(2ε) z: stable for the 0.25-wide modes
  for (int i = 0; i < 1500; ++i)
    x = x + step * (*score)(x, tEps) + std::sqrt(2 * step) * torch::randn({m, 2}, gen, kF64);
  auto wPlain = ss::metrics::modeWeights(gm, x);
  EXPECT_GT(std::abs(wPlain[0].item<double>() - 0.8), 0.15)
      << "plain Langevin should not recover the weights: got " << wPlain[0].item<double>();
  RecordProperty("plain_langevin_weight_0", std::to_string(wPlain[0].item<double>()));
}

}  // namespace

namespace {

// A score that evaluates without autograd, as a network under NoGradGuard would.
class DetachedScore final : public ss::score::ScoreFn {
 public:
  explicit DetachedScore(std::shared_ptr<const ss::score::ScoreFn> inner)
      : m_inner(std::move(inner)) {}
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override {
    torch::NoGradGuard off;
    return (*m_inner)(x, t);
  }
  std::string name() const override { return "detached"; }

 private:
  std::shared_ptr<const ss::score::ScoreFn> m_inner;
};

TEST(Likelihood, RefusesAScoreAutogradCannotDifferentiate) {
  auto gm = eightGaussians();
  auto sde = sdeFor(SdeKind::VP, gm);
  DetachedScore score(std::make_shared<ss::score::MixtureScore>(gm, sde));
  try {
    ss::likelihood::logLikelihood(score, *sde, samplesOf(gm, 10, 1));
    FAIL() << "a score without autograd must not give a likelihood";
  } catch (const ss::Failure& e) {
    EXPECT_NE(std::string(e.what()).find("not differentiable"), std::string::npos) << e.what();
  }
}

}  // namespace

#include "core/nn/score_net.h"

namespace {

TEST(Likelihood, LearnedNetworkIsDifferentiableAndItsTraceMatchesFiniteDifferences) {
  auto sde = Sde::create(SdeConfig{});
  ss::nn::NetConfig cfg;
  auto net = ss::nn::makeNet(cfg, 3);
  net->to(torch::kFloat64);  // float64 so central differences are accurate
  ss::nn::NetScoreFn score(net, sde);
  auto x = torch::tensor({{0.3, -0.7}, {1.2, 0.4}, {-0.5, 0.9}}, kF64);
  auto t = torch::full({3}, 0.3, kF64);
  torch::Tensor plain = score(x, t);
  auto y = x.clone().requires_grad_(true);
  auto s = score.differentiable(y, t);
  ASSERT_TRUE(s.requires_grad());
  EXPECT_TRUE(torch::allclose(s.detach(), plain, 1e-9, 1e-9));
  torch::Tensor trace = torch::zeros({3}, kF64);
  for (int j = 0; j < 2; ++j)
    trace += torch::autograd::grad({s.select(1, j).sum()}, {y}, {}, true)[0].select(1, j);
  const double h = 1e-5;
  torch::Tensor fd = torch::zeros({3}, kF64);
  for (int j = 0; j < 2; ++j) {
    auto e = torch::zeros({1, 2}, kF64);
    e[0][j] = h;
    fd += (score(x + e, t) - score(x - e, t)).select(1, j) / (2 * h);
  }
  EXPECT_TRUE(torch::allclose(trace, fd, 1e-5, 1e-5)) << trace << fd;
  // And the likelihood runs through it.
  auto r = ss::likelihood::logLikelihood(score, *sde, x);
  EXPECT_TRUE(torch::isfinite(r.logp).all().item<bool>());
}

}  // namespace
