// Tensor-level forward SDEs (MATH.md §1, §2, §4, §8): VE, VP and sub-VP with the reference
// implementation's conventions, cosine VP and the rectified flow (docs/PROCESSES.md):
// drift/diffusion, marginal, prior, the discrete SMLD/DDPM grids, `discretize` for the
// reverse-diffusion and ancestral predictors, and the reverse-time SDE / probability-flow ODE given
// a score. Immutable after construction, so one Sde may be shared by any threads. Uses LibTorch:
// not for ui/.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "core/sde/sde_config.h"

namespace ss::sde {

class Sde {
 public:
  // Throws ss::Failure with SdeConfig::validate()'s message for a bad or unresolved
  // config (VE needs sigmaMax > 0: call SdeConfig::resolved first).
  static std::shared_ptr<const Sde> create(const SdeConfig& cfg);
  virtual ~Sde() = default;

  const SdeConfig& config() const { return m_cfg; }
  SdeKind kind() const { return m_cfg.kind; }
  double T() const { return m_cfg.T; }
  int N() const { return m_cfg.N; }
  double eps() const { return m_cfg.eps; }

  // Shapes: x is [B, ...]; t is [B] (one time per sample) on x's device.
  struct Coefficients {
    torch::Tensor drift;      // f(x, t), shaped like x
    torch::Tensor diffusion;  // g(t), [B]
  };
  virtual Coefficients sde(const torch::Tensor& x, const torch::Tensor& t) const = 0;

  // a(t) and σ(t), each shaped like t.
  struct MarginalCoefficients {
    torch::Tensor a;
    torch::Tensor sigma;
  };
  virtual MarginalCoefficients marginal(const torch::Tensor& t) const = 0;
  // Mean a(t)·x0 (shaped like x0) and std σ(t) ([B]) of p_0t(x(t) | x0).
  std::pair<torch::Tensor, torch::Tensor> marginalProb(const torch::Tensor& x0,
                                                       const torch::Tensor& t) const;

  // x(T) ~ p_T: N(0, I) or N(0, σmax² I). `generator` may be null (global RNG).
  torch::Tensor priorSample(at::IntArrayRef shape, const torch::TensorOptions& options,
                            c10::optional<at::Generator> generator = c10::nullopt) const;
  // log p_T(z) summed over all but the first dimension: [B].
  torch::Tensor priorLogProb(const torch::Tensor& z) const;

  // One step of the discretized forward SDE, x_{i+1} = x_i + f_i + G_i z (MATH.md §4).
  // VP: DDPM betas; VE: SMLD sigma grid; sub-VP, cosine VP, RF: Euler–Maruyama, Δt = T/N.
  struct Discretized {
    torch::Tensor f;  // shaped like x
    torch::Tensor G;  // [B]
  };
  virtual Discretized discretize(const torch::Tensor& x, const torch::Tensor& t) const;

  // Grid index i = floor(t (N−1) / T) as the reference computes it: [B] int64.
  torch::Tensor timestepIndex(const torch::Tensor& t) const;
  // The sampler time grid t_i = linspace(T, eps, N) (float64, CPU).
  torch::Tensor timeGrid() const;

  // Reverse-time SDE dx = [f − g² s] dt + g dw̄, or with probabilityFlow the ODE
  // dx = [f − ½ g² s] dt (diffusion 0). `score` is s(x, t), shaped like x.
  Coefficients reverse(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& score,
                       bool probabilityFlow) const;
  // Reverse of `discretize`: x̄ = x − [f − G² s] (halved G² and G = 0 for the ODE).
  Discretized reverseDiscretize(const torch::Tensor& x, const torch::Tensor& t,
                                const torch::Tensor& score, bool probabilityFlow) const;

 protected:
  explicit Sde(const SdeConfig& cfg) : m_cfg(cfg) {}
  // Broadcasts a [B] tensor against x's trailing dimensions.
  static torch::Tensor perSample(const torch::Tensor& v, const torch::Tensor& like);

  SdeConfig m_cfg;
};

class VeSde final : public Sde {
 public:
  explicit VeSde(const SdeConfig& cfg);
  Coefficients sde(const torch::Tensor& x, const torch::Tensor& t) const override;
  MarginalCoefficients marginal(const torch::Tensor& t) const override;
  Discretized discretize(const torch::Tensor& x, const torch::Tensor& t) const override;
  // σ_i = exp(linspace(ln σmin, ln σmax, N)), float64 [N].
  const torch::Tensor& discreteSigmas() const { return m_discreteSigmas; }

 private:
  torch::Tensor m_discreteSigmas;
};

class VpSde final : public Sde {
 public:
  explicit VpSde(const SdeConfig& cfg);
  Coefficients sde(const torch::Tensor& x, const torch::Tensor& t) const override;
  MarginalCoefficients marginal(const torch::Tensor& t) const override;
  Discretized discretize(const torch::Tensor& x, const torch::Tensor& t) const override;
  // DDPM b_i = βmin/N + i(βmax−βmin)/(N(N−1)), float64 [N]; alphas = 1 − b;
  // alphasCumprod = Π alphas.
  const torch::Tensor& discreteBetas() const { return m_discreteBetas; }
  const torch::Tensor& alphas() const { return m_alphas; }
  const torch::Tensor& alphasCumprod() const { return m_alphasCumprod; }

 private:
  torch::Tensor m_discreteBetas, m_alphas, m_alphasCumprod;
};

class SubVpSde final : public Sde {
 public:
  explicit SubVpSde(const SdeConfig& cfg);
  Coefficients sde(const torch::Tensor& x, const torch::Tensor& t) const override;
  MarginalCoefficients marginal(const torch::Tensor& t) const override;
};

// VP with the cosine β(t) (sde_config.h): a(t)² = cos²θ(t)/cos²θ(0) up to the β cap.
class VpCosineSde final : public Sde {
 public:
  explicit VpCosineSde(const SdeConfig& cfg);
  Coefficients sde(const torch::Tensor& x, const torch::Tensor& t) const override;
  MarginalCoefficients marginal(const torch::Tensor& t) const override;
};

// The rectified flow: a(t) = 1 − t, σ(t) = t, f = −x/(1 − t), g² = 2t/(1 − t), T < 1.
class RfSde final : public Sde {
 public:
  explicit RfSde(const SdeConfig& cfg);
  Coefficients sde(const torch::Tensor& x, const torch::Tensor& t) const override;
  MarginalCoefficients marginal(const torch::Tensor& t) const override;
};

// The per-step variances b_i of a DDPM chain on an n-step grid, float64 [n], as the
// ancestral predictor and the Langevin corrector's α = 1 − b_i use them (MATH.md §4):
// VP and sub-VP the linear b_i = βmin/n + i(βmax − βmin)/(n(n − 1)); cosine VP
// b_i = min(β(t_i) T/n, 0.999) at t_i = iT/(n − 1) (the same rule gives the linear betas);
// VE and RF have no such chain: zeros (so the corrector's α is 1, as the reference's for VE).
torch::Tensor ddpmBetas(const SdeConfig& cfg, int n);

}  // namespace ss::sde
