// PF-ODE likelihood and the ODE code (MATH.md §5). The augmented state is one float64
// tensor [B, d + 1] (x flattened, then the running ∫∇·f̃), so the samplers' Dormand–Prince
// step integrates it with the error norm over all of it, as the reference does with scipy.
#include "core/likelihood/likelihood.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/common/enum_names.h"
#include "core/sample/steps.h"

namespace ss::likelihood {

namespace {

constexpr int64_t kExactMaxDims = 16;

constexpr EnumName<Divergence> kDivergences[] = {{Divergence::Auto, "auto"},
                                                 {Divergence::Exact, "exact"},
                                                 {Divergence::Hutchinson, "hutchinson"}};
constexpr EnumName<Probe> kProbes[] = {{Probe::Gaussian, "gaussian"},
                                       {Probe::Rademacher, "rademacher"}};

torch::Tensor timeLike(const torch::Tensor& x, double t) {
  return torch::full({x.size(0)}, t, x.options());
}

// f̃(x, t) = f − ½ g² s, evaluated with autograd so its divergence can be taken.
torch::Tensor flowDrift(const score::ScoreFn& score, const sde::Sde& sde, const torch::Tensor& x,
                        double t, bool withGrad) {
  auto tt = timeLike(x, t);
  torch::Tensor s = withGrad ? score.differentiable(x, tt) : score(x, tt);
  // The drift f(x) depends on x on its own, so check the score itself: a score evaluated
  // without autograd would silently drop its part of the divergence.
  if (withGrad && !s.requires_grad())
    throw Failure("likelihood: the score '" + score.name() +
                  "' is not differentiable in x (autograd recorded nothing)");
  return sde.reverse(x, tt, s.to(x.scalar_type()), /*probabilityFlow=*/true).drift;
}

void checkFinite(const torch::Tensor& state, double t, const char* what) {
  if (!torch::isfinite(state).all().item<bool>()) {
    std::ostringstream s;
    s << what << ": the ODE state became NaN/Inf at t = " << t;
    throw Failure(s.str());
  }
}

OdeResult integrate(const score::ScoreFn& score, const sde::Sde& sde, const torch::Tensor& x0,
                    double t0, double t1, double rtol, double atol, const char* what,
                    const std::function<bool()>& stop) {
  if (!(rtol > 0) || !(atol > 0) || !std::isfinite(rtol) || !std::isfinite(atol)) {
    std::ostringstream s;
    s << what << ": rtol (" << rtol << ") and atol (" << atol << ") must be positive";
    throw Failure(s.str());
  }
  if (!x0.defined() || x0.dim() < 1 || x0.size(0) == 0)
    throw Failure(std::string(what) + " needs a non-empty batch [B, ...]");
  torch::NoGradGuard noGrad;
  OdeResult out;
  auto x = x0.detach().to(torch::kFloat64);
  sample::detail::Drift f = [&](const torch::Tensor& y, double t) {
    ++out.nfe;
    return flowDrift(score, sde, y, t, false);
  };
  sample::detail::DormandPrince rk(rtol, atol, t1);
  double t = t0;
  while (t != t1) {
    if (stop && stop()) {
      out.stopped = true;
      return out;
    }
    rk.step(f, x, t);
    ++out.steps;
    checkFinite(x, t, what);
  }
  out.x = x.to(x0.scalar_type());
  return out;
}

}  // namespace

Status LikelihoodConfig::validate() const {
  if (!(rtol > 0) || !std::isfinite(rtol))
    return invalid("rtol", rtol, "must be positive and finite");
  if (!(atol > 0) || !std::isfinite(atol))
    return invalid("atol", atol, "must be positive and finite");
  if (probes < 1) return invalid("probes", probes, "must be at least 1");
  return Ok{};
}

Expected<Divergence> parseDivergence(const std::string& text) {
  return parseName(kDivergences, text, "divergence", NameMatch::Loose);
}

Expected<Probe> parseProbe(const std::string& text) {
  return parseName(kProbes, text, "probe", NameMatch::Loose);
}

std::string toString(Divergence d) { return nameOf(kDivergences, d); }
std::string toString(Probe p) { return nameOf(kProbes, p); }

LikelihoodResult logLikelihood(const score::ScoreFn& score, const sde::Sde& sde,
                               const torch::Tensor& x, const LikelihoodConfig& cfg,
                               const LogDensity& terminal) {
  return logLikelihoodAt(score, sde, x, sde.eps(), cfg, terminal);
}

LikelihoodResult logLikelihoodAt(const score::ScoreFn& score, const sde::Sde& sde,
                                 const torch::Tensor& x, double t0, const LikelihoodConfig& cfg,
                                 const LogDensity& terminal) {
  if (!std::isfinite(t0) || t0 < 0) {
    std::ostringstream s;
    s << "likelihood: the start time (" << t0 << ") must be finite and non-negative";
    throw Failure(s.str());
  }
  if (auto e = cfg.validate(); !e) throw Failure("likelihood: " + e.error().message);
  if (!x.defined() || x.dim() < 1 || x.size(0) == 0)
    throw Failure("likelihood needs a non-empty batch [B, ...]");
  if (!x.is_floating_point()) throw Failure("likelihood needs floating-point data");

  const auto shape = x.sizes().vec();
  const int64_t b = x.size(0);
  const int64_t d = x.numel() / b;
  const bool exact = cfg.divergence == Divergence::Exact ||
                     (cfg.divergence == Divergence::Auto && d <= kExactMaxDims);
  const auto opts = x.options().dtype(torch::kFloat64);

  // Probes drawn once for the whole integration: [P, B, ...].
  torch::Tensor probes;
  if (!exact) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(cfg.seed);
    std::vector<int64_t> pshape{cfg.probes};
    pshape.insert(pshape.end(), shape.begin(), shape.end());
    auto cpu = torch::TensorOptions().dtype(torch::kFloat64);
    probes = cfg.probe == Probe::Gaussian ? torch::randn(pshape, gen, cpu)
                                          : torch::randint(0, 2, pshape, gen, cpu).mul_(2).sub_(1);
    probes = probes.to(x.device());
  }

  LikelihoodResult out;
  out.exactDivergence = exact;
  // state [B, d + 1] → drift [B, d + 1] = [f̃, ∇·f̃]
  sample::detail::Drift f = [&](const torch::Tensor& state, double t) -> torch::Tensor {
    ++out.nfe;
    torch::AutoGradMode on(true);
    auto y = state.narrow(1, 0, d).reshape(shape).detach().requires_grad_(true);
    auto ft = flowDrift(score, sde, y, t, true);
    torch::Tensor div;
    if (exact) {
      auto flatF = ft.reshape({b, d});
      div = torch::zeros({b}, opts);
      for (int64_t j = 0; j < d; ++j) {
        auto g = torch::autograd::grad({flatF.select(1, j).sum()}, {y},
                                       /*grad_outputs=*/{}, /*retain_graph=*/true)[0];
        div = div + g.reshape({b, d}).select(1, j);
      }
    } else {
      div = torch::zeros({b}, opts);
      for (int64_t p = 0; p < cfg.probes; ++p) {
        auto v = probes[p];
        auto g = torch::autograd::grad({(ft * v).sum()}, {y}, {}, /*retain_graph=*/true)[0];
        div = div + (g * v).reshape({b, d}).sum(1);
      }
      div = div / static_cast<double>(cfg.probes);
    }
    return torch::cat({ft.detach().reshape({b, d}), div.detach().unsqueeze(1)}, 1);
  };

  torch::NoGradGuard noGrad;
  auto state = torch::cat({x.detach().to(opts).reshape({b, d}), torch::zeros({b, 1}, opts)}, 1);
  sample::detail::DormandPrince rk(cfg.rtol, cfg.atol, sde.T());
  double t = std::min(t0, sde.T());
  while (t != sde.T()) {
    if (cfg.stop && cfg.stop()) {
      out.stopped = true;
      return out;
    }
    rk.step(f, state, t);
    ++out.steps;
    checkFinite(state, t, "likelihood");
  }
  out.z = state.narrow(1, 0, d).reshape(shape).contiguous();
  out.deltaLogp = state.select(1, d).contiguous();
  out.priorLogp = (terminal ? terminal(out.z) : sde.priorLogProb(out.z)).to(opts);
  out.logp = out.priorLogp + out.deltaLogp;
  return out;
}

torch::Tensor bitsPerDim(const torch::Tensor& logp, int64_t dims, double offset) {
  return -logp / (static_cast<double>(dims) * std::log(2.0)) + offset;
}

torch::Tensor dequantize(const torch::Tensor& x01, at::Generator& gen) {
  auto u = torch::rand(x01.sizes(), gen, x01.options().device(torch::kCPU)).to(x01.device());
  return (torch::round(x01 * 255.0) + u) / 256.0;
}

OdeResult encode(const score::ScoreFn& score, const sde::Sde& sde, const torch::Tensor& x,
                 double rtol, double atol, const std::function<bool()>& stop) {
  return integrate(score, sde, x, sde.eps(), sde.T(), rtol, atol, "encode", stop);
}

OdeResult decode(const score::ScoreFn& score, const sde::Sde& sde, const torch::Tensor& z,
                 double rtol, double atol, const std::function<bool()>& stop) {
  return integrate(score, sde, z, sde.T(), sde.eps(), rtol, atol, "decode", stop);
}

torch::Tensor interpolate(const torch::Tensor& z0, const torch::Tensor& z1, int n,
                          Interpolation how) {
  if (n < 2) throw Failure("interpolation needs at least 2 points (got " + std::to_string(n) + ")");
  if (!z0.sizes().equals(z1.sizes())) throw Failure("interpolation endpoints differ in shape");
  auto a = z0.reshape({-1}).to(torch::kFloat64);
  auto b = z1.reshape({-1}).to(torch::kFloat64);
  auto s = torch::linspace(0.0, 1.0, n, a.options()).unsqueeze(1);  // [n, 1]
  torch::Tensor path;
  const double cosTheta =
      (a.dot(b) / (a.norm() * b.norm()).clamp_min(1e-300)).clamp(-1.0, 1.0).item<double>();
  const double theta = std::acos(cosTheta);
  if (how == Interpolation::Linear || std::sin(theta) < 1e-6) {
    path = (1 - s) * a + s * b;
  } else {
    auto wa = torch::sin((1 - s) * theta) / std::sin(theta);
    auto wb = torch::sin(s * theta) / std::sin(theta);
    path = wa * a + wb * b;
  }
  auto shape = z0.sizes().vec();
  if (!shape.empty() && shape[0] == 1) shape.erase(shape.begin());
  shape.insert(shape.begin(), n);
  return path.reshape(shape).to(z0.scalar_type());
}

}  // namespace ss::likelihood
