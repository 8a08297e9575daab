// The forward processes beside VP, sub-VP and VE (MATH.md §8, docs/PROCESSES.md): cosine VP's
// a(t), σ(t) against Nichol and Dhariwal's closed form and its β cap; the rectified flow's
// coefficients; g² = dσ²/dt − 2(a′/a)σ² for both by finite differences; RF's exact mixture
// and empirical scores against the autograd gradient of log-densities written here from
// a = 1 − t, σ = t alone; the flow weighting as the flow-matching loss; names and T.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>

#include "core/data/toy.h"
#include "core/sample/sampler_config.h"
#include "core/score/exact_score.h"
#include "core/sde/sde.h"
#include "core/train/losses.h"

namespace {

using namespace ss;
using sde::SdeConfig;
using sde::SdeKind;

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);
constexpr double kS = 0.008;

std::shared_ptr<const sde::Sde> make(SdeKind kind) {
  return sde::Sde::create(sde::defaultsFor(kind));
}

// Nichol and Dhariwal: ᾱ(t) = f(t)/f(0), f(t) = cos²θ(t), θ(t) = (t + s)/(1 + s)·π/2.
double theta(double t) { return (t + kS) / (1 + kS) * M_PI / 2; }
double cosineAlphaBar(double t) { return std::pow(std::cos(theta(t)) / std::cos(theta(0)), 2); }
// 1 − ᾱ(t) without the cancellation of 1 − ᾱ near t = 0:
// cos²θ(0) − cos²θ(t) = sin(θ(t) − θ(0)) sin(θ(t) + θ(0)).
double cosineOneMinusAlphaBar(double t) {
  return std::sin(theta(t) - theta(0)) * std::sin(theta(t) + theta(0)) /
         std::pow(std::cos(theta(0)), 2);
}

}  // namespace

TEST(Processes, NamesDefaultsAndT) {
  EXPECT_EQ(sde::parseSdeKind("rf").value(), SdeKind::RF);
  EXPECT_EQ(sde::parseSdeKind("rectified-flow").value(), SdeKind::RF);
  EXPECT_EQ(sde::parseSdeKind("vp-cosine").value(), SdeKind::VPCosine);
  EXPECT_EQ(sde::parseSdeKind("cosine").value(), SdeKind::VPCosine);
  EXPECT_EQ(sde::toString(SdeKind::RF), "rf");
  EXPECT_EQ(sde::toString(SdeKind::VPCosine), "vp-cosine");
  EXPECT_NE(sde::parseSdeKind("flow").error().message.find("vp-cosine, rf"), std::string::npos);
  EXPECT_EQ(sde::defaultsFor(SdeKind::RF).T, 0.999);
  EXPECT_EQ(sde::defaultsFor(SdeKind::VPCosine).T, 1.0);
  SdeConfig rf;
  rf.kind = SdeKind::RF;  // T = 1: g is singular there
  auto err = rf.validate();
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.error().message.find("T (1)"), std::string::npos) << err.error().message;
  EXPECT_NE(err.error().message.find("singular"), std::string::npos);
  EXPECT_THROW(sde::Sde::create(rf), Failure);
  SdeConfig cos = sde::defaultsFor(SdeKind::VPCosine);
  cos.T = 1.5;
  EXPECT_FALSE(cos.validate().ok());
  // The prior: RF's is N(0, T²), cosine VP's N(0, 1).
  EXPECT_EQ(sde::priorStd(sde::defaultsFor(SdeKind::RF)), 0.999);
  EXPECT_EQ(sde::priorStd(sde::defaultsFor(SdeKind::VPCosine)), 1.0);
  // Ancestral sampling is DDPM's or SMLD's: refused for both with the kind named.
  auto ddpm = sample::samplerPreset("ddpm").take();
  for (auto kind : {SdeKind::RF, SdeKind::VPCosine}) {
    auto bad = ddpm.validate(sde::defaultsFor(kind));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find(std::string(sde::toString(kind))), std::string::npos);
  }
}

TEST(Processes, CosineVpMatchesTheClosedFormAndCapsBeta) {
  const auto cfg = sde::defaultsFor(SdeKind::VPCosine);
  const double cap = sde::cosineCapTime();
  EXPECT_NEAR(cap, 0.998, 1e-3);
  EXPECT_NEAR(sde::betaAt(cfg, cap), sde::kCosineBetaMax, 1e-6 * sde::kCosineBetaMax);
  for (double t : {0.0, 1e-5, 1e-3, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.997}) {
    SCOPED_TRACE("t=" + std::to_string(t));
    const auto m = sde::marginal(cfg, t);
    const double ab = cosineAlphaBar(t);
    EXPECT_NEAR(m.a * m.a, ab, 1e-13 + 1e-12 * ab);
    const double var = cosineOneMinusAlphaBar(t);
    EXPECT_NEAR(m.sigma * m.sigma, var, 1e-12 * var);
    // β = −d ln ā/dt by central differences (at t = 0 the second-order one-sided formula).
    const double h = 1e-6;
    auto lnAb = [](double u) { return std::log(cosineAlphaBar(u)); };
    const double fd = t == 0.0 ? -(-3 * lnAb(0) + 4 * lnAb(h) - lnAb(2 * h)) / (2 * h)
                               : -(lnAb(t + h) - lnAb(t - h)) / (2 * h);
    EXPECT_NEAR(sde::betaAt(cfg, t), fd, 1e-5 * fd);
  }
  // Past the cap β is constant and a(t)² keeps falling as exp(−β Δt), continuously.
  const auto atCap = sde::marginal(cfg, cap);
  const auto end = sde::marginal(cfg, 1.0);
  EXPECT_EQ(sde::betaAt(cfg, 0.999), sde::kCosineBetaMax);
  EXPECT_NEAR(end.a * end.a, atCap.a * atCap.a * std::exp(-sde::kCosineBetaMax * (1.0 - cap)),
              1e-15);
  EXPECT_LT(end.a, 2e-3);  // the prior N(0, I) is all but exact
  // The tensor SDE agrees with the scalar schedule in float64 and float32.
  auto s = make(SdeKind::VPCosine);
  auto t = torch::linspace(0.0, 1.0, 1001, kF64);
  auto tm = s->marginal(t);
  auto t32 = s->marginal(t.to(torch::kFloat32));
  for (int i = 0; i <= 1000; i += 7) {
    const auto m = sde::marginal(cfg, t[i].item<double>());
    EXPECT_NEAR(tm.a[i].item<double>(), m.a, 1e-14);
    EXPECT_NEAR(tm.sigma[i].item<double>(), m.sigma, 1e-12);
    EXPECT_NEAR(t32.sigma[i].item<double>(), m.sigma, 1e-5 + 1e-5 * m.sigma);
    auto c = s->sde(torch::ones({1, 2}, kF64), t.slice(0, i, i + 1));
    EXPECT_NEAR(c.diffusion.item<double>(), sde::diffusion(cfg, t[i].item<double>()), 1e-9);
    EXPECT_NEAR(c.drift[0][0].item<double>(), sde::driftCoefficient(cfg, t[i].item<double>()),
                1e-9);
  }
}

TEST(Processes, RectifiedFlowCoefficientsAreMathMds) {
  const auto cfg = sde::defaultsFor(SdeKind::RF);
  auto s = make(SdeKind::RF);
  for (double t : {1e-5, 0.1, 0.5, 0.9, 0.999}) {
    const auto m = sde::marginal(cfg, t);
    EXPECT_DOUBLE_EQ(m.a, 1.0 - t);
    EXPECT_DOUBLE_EQ(m.sigma, t);
    EXPECT_NEAR(sde::driftCoefficient(cfg, t), -1.0 / (1.0 - t), 1e-12 / (1.0 - t));
    EXPECT_NEAR(std::pow(sde::diffusion(cfg, t), 2), 2 * t / (1 - t), 1e-12 / (1 - t));
    auto x = torch::tensor({{0.5, -2.0}}, kF64);
    auto c = s->sde(x, torch::full({1}, t, kF64));
    EXPECT_NEAR(c.drift[0][1].item<double>(), 2.0 / (1.0 - t), 1e-9 / (1.0 - t));
    EXPECT_NEAR(c.diffusion.item<double>(), sde::diffusion(cfg, t), 1e-12 / (1.0 - t));
  }
}

// Fokker–Planck for affine drift: the transition's variance obeys dσ²/dt = 2(a′/a)σ² + g².
TEST(Processes, DiffusionIsTheVarianceEquationsForBoth) {
  for (auto kind : {SdeKind::RF, SdeKind::VPCosine}) {
    const auto cfg = sde::defaultsFor(kind);
    for (double t : {0.01, 0.2, 0.5, 0.8, 0.95, 0.99}) {
      SCOPED_TRACE(std::string(sde::toString(kind)) + " t=" + std::to_string(t));
      const double h = 1e-6;
      const auto lo = sde::marginal(cfg, t - h), hi = sde::marginal(cfg, t + h);
      const auto m = sde::marginal(cfg, t);
      const double dVar = (hi.sigma * hi.sigma - lo.sigma * lo.sigma) / (2 * h);
      const double dLogA = (std::log(hi.a) - std::log(lo.a)) / (2 * h);
      const double g = sde::diffusion(cfg, t);
      EXPECT_NEAR(dVar - 2 * dLogA * m.sigma * m.sigma, g * g, 1e-6 * g * g);
      EXPECT_NEAR(sde::driftCoefficient(cfg, t), dLogA, 1e-6 * std::abs(dLogA));
    }
  }
}

TEST(Processes, RectifiedFlowExactScoresAreGradientsOfTheirLogDensities) {
  auto rf = make(SdeKind::RF);
  auto gm = data::makeToy("8gaussians").take()->mixture().value();
  score::MixtureScore mixture(gm, rf);
  torch::manual_seed(4);
  auto points = torch::randn({50, 2}, kF64) * 1.5;
  score::EmpiricalScore empirical(points, rf, 64ll << 20, 0.0);
  const auto w = gm.weights.to(torch::kFloat64), mu = gm.means.to(torch::kFloat64);
  const auto sd = gm.stds.to(torch::kFloat64);
  for (double t : {1e-5, 0.1, 0.5, 0.9, 0.999}) {
    SCOPED_TRACE("t=" + std::to_string(t));
    auto x = (torch::randn({64, 2}, kF64) * 2.5).requires_grad_(true);
    const double a = 1 - t;
    // Σ_k w_k N(a μ_k, (a² s_k² + t²) I) and (1/M) Σ_j N(a y_j, t² I), in 2D.
    auto var = a * a * sd * sd + t * t;                              // [K]
    auto d2 = (x.unsqueeze(1) - a * mu.unsqueeze(0)).pow(2).sum(2);  // [B, K]
    auto logMix = torch::logsumexp(torch::log(w) - torch::log(2 * M_PI * var) - d2 / (2 * var), 1);
    auto e2 = (x.unsqueeze(1) - a * points.unsqueeze(0)).pow(2).sum(2);
    auto logEmp =
        torch::logsumexp(-e2 / (2 * t * t), 1) - std::log(50.0) - std::log(2 * M_PI * t * t);
    auto gradMix = torch::autograd::grad({logMix.sum()}, {x})[0];
    auto gradEmp = torch::autograd::grad({logEmp.sum()}, {x})[0];
    auto tt = torch::full({64}, t, kF64);
    auto xd = x.detach();
    auto rel = [](const torch::Tensor& a, const torch::Tensor& b) {
      return ((a - b).abs().max() / b.abs().max()).item<double>();
    };
    // Log-densities relative to 1 + |log p|: at t = 1e-5 the empirical one is about −1e9.
    auto relLog = [](const torch::Tensor& a, const torch::Tensor& b) {
      return ((a - b).abs() / (1 + b.abs())).max().item<double>();
    };
    EXPECT_LT(rel(mixture(xd, tt), gradMix), 1e-9);
    EXPECT_LT(relLog(mixture.logProb(xd, tt), logMix.detach()), 1e-9);
    EXPECT_LT(rel(empirical(xd, tt), gradEmp), 1e-7);
    EXPECT_LT(relLog(empirical.logProb(xd, tt), logEmp.detach()), 1e-9);
  }
}

namespace {
// A smooth nonlinear stand-in for a network: s(x, t) = −(1 + t) x + 0.3 (x₂², x₁²).
torch::Tensor fakeScore(const torch::Tensor& x, const torch::Tensor& t) {
  auto sw = torch::stack({x.select(1, 1), x.select(1, 0)}, 1);
  return -(1.0 + t).unsqueeze(1) * x + 0.3 * sw * sw;
}
at::Generator gen(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }
}  // namespace

// Flow matching: with λ = g⁴/4, DSM is ‖v_θ − (a′x0 + σ′z)‖², v_θ = f − ½g²s the PF-ODE
// drift; for RF that target is z − x0 and v_θ = ε̂ − x̂0.
TEST(Processes, FlowWeightingIsTheFlowMatchingLoss) {
  auto x0 = torch::tensor({0.5, -1.0, 2.0, 0.25, -0.75, 1.5, 3.0, -2.0}, kF64).reshape({4, 2});
  train::LossConfig lc;
  lc.weighting = train::Weighting::Flow;
  auto rf = make(SdeKind::RF);
  auto r = train::scoreMatchingLoss(fakeScore, *rf, x0, lc, gen(7));
  const auto& t = r.t;
  auto tc = t.unsqueeze(1);
  auto xt = (1 - tc) * x0 + tc * r.z;
  auto s = fakeScore(xt, t);
  auto epsHat = -tc * s, x0Hat = (xt + tc * tc * s) / (1 - tc);
  auto fm = (epsHat - x0Hat - (r.z - x0)).pow(2).sum(1);
  EXPECT_TRUE(torch::allclose(r.perSample, fm, 1e-9, 1e-12)) << r.perSample << fm;
  // The same identity for VP and cosine VP, with a′ and σ′ by central differences.
  for (auto kind : {SdeKind::VP, SdeKind::VPCosine}) {
    auto sde = make(kind);
    auto q = train::scoreMatchingLoss(fakeScore, *sde, x0, lc, gen(8));
    const double h = 1e-6;
    auto m = sde->marginal(q.t), lo = sde->marginal(q.t - h), hi = sde->marginal(q.t + h);
    auto da = ((hi.a - lo.a) / (2 * h)).unsqueeze(1);
    auto ds = ((hi.sigma - lo.sigma) / (2 * h)).unsqueeze(1);
    auto x = m.a.unsqueeze(1) * x0 + m.sigma.unsqueeze(1) * q.z;
    auto v = sde->reverse(x, q.t, fakeScore(x, q.t), true).drift;
    auto want = (v - (da * x0 + ds * q.z)).pow(2).sum(1);
    EXPECT_TRUE(torch::allclose(q.perSample, want, 1e-5, 1e-8))
        << sde::toString(kind) << q.perSample << want;
  }
  EXPECT_EQ(train::toString(train::Weighting::Flow), "flow");
  EXPECT_EQ(train::parseWeighting("flow").value(), train::Weighting::Flow);
}

TEST(Processes, DdpmBetasPerKind) {
  auto vp = sde::ddpmBetas(sde::defaultsFor(SdeKind::VP), 100);
  EXPECT_TRUE(torch::equal(vp, torch::linspace(0.1 / 100, 20.0 / 100, 100, kF64)));
  auto cos = sde::ddpmBetas(sde::defaultsFor(SdeKind::VPCosine), 1000);
  EXPECT_LE(cos.max().item<double>(), 0.999);
  EXPECT_GT(cos.min().item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(cos[-1].item<double>(), 0.999);  // the paper's clip
  // Away from the cap, b_i ≈ 1 − ᾱ(t_i + Δ)/ᾱ(t_i) (first order in Δ = 1/n).
  const double t = 500.0 / 999.0, d = 1e-3;
  EXPECT_NEAR(cos[500].item<double>(), 1 - cosineAlphaBar(t + d) / cosineAlphaBar(t), 1e-5);
  EXPECT_EQ(sde::ddpmBetas(sde::defaultsFor(SdeKind::RF), 10).abs().sum().item<double>(), 0.0);
}
