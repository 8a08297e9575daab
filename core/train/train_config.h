// Training settings as plain data (the UI edits them, checkpoints store them): the objective
// and its weighting (MATH.md §3) and the optimizer knobs. Torch-free: ui/ may include it.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/error.h"

namespace ss::train {

// Flow: λ(t) = g(t)⁴/4, which makes DSM the flow-matching loss ‖v_θ − (a′x0 + σ′ε)‖² with
// v_θ = f − ½g²s_θ the PF-ODE drift; for rf that is ‖v_θ − (ε − x0)‖², λ = t²/(1 − t)²
// (docs/PROCESSES.md). Edm: λ(t) = σ²q/(a²σ_d²), q = σ² + a²σ_d², σ_d = nn::kImageSigmaData,
// which puts unit weight on the preconditioned U-Net's output at every t (EDM's λ; it is σ²
// at small t and grows as σ̃² = σ²/a² at large t, where the PF-ODE is decided:
// docs/IMAGE_QUALITY.md).
enum class Weighting { Sigma2, G2, One, Flow, Edm };
enum class Objective { Dsm, Ssm };

std::string toString(Weighting w);  // "sigma2", "g2", "one", "flow", "edm"
std::string toString(Objective o);  // "dsm", "ssm"
// Exact names; an error names the text and lists the valid names.
Expected<Weighting> parseWeighting(const std::string& s);
Expected<Objective> parseObjective(const std::string& s);

struct LossConfig {
  Objective objective = Objective::Dsm;
  Weighting weighting = Weighting::Sigma2;
  // With Weighting::G2: draw t with density ∝ g(t)²/σ(t)² and reweight, which cuts the
  // variance of the likelihood-weighted loss (Song et al. 2021, "maximum likelihood training").
  // Ignored (allowed) with the other weightings.
  bool importanceSampling = false;
  int ssmProjections = 1;  // sliced SM: random directions per sample
  bool rademacher = true;  // sliced SM: Rademacher (else Gaussian) directions
};

struct TrainConfig {
  LossConfig loss;
  double lr = 2e-3;  // Adam learning rate after warm-up
  int batch = 512;
  double gradClip = 1.0;    // max global gradient norm; 0 = off
  int warmup = 100;         // steps of linear learning-rate warm-up; 0 = off
  double emaDecay = 0.999;  // EMA of the weights used by every view
  uint64_t seed = 0;
  int datasetSize = 65536;        // points pre-drawn from a toy distribution to train on
  double divergenceFactor = 1e3;  // a loss this many times the smoothed loss is a divergence
  // Class-conditional networks (classifier-free guidance, MATH.md §6): the probability that a
  // training example's label is replaced by the null class, so one network learns the
  // conditional and the unconditional score. Ignored by unconditional networks.
  double cfgDropout = 0.15;

  Status validate() const;  // Ok, or an error naming the field and its value
  std::string toJson() const;
  static Expected<TrainConfig> fromJson(const std::string& json);
};

}  // namespace ss::train
