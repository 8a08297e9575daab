// An imported TorchScript score model as a ScoreFn (docs/MODEL_FORMAT.md): feeds the network
// its time input, checks what it returns, and turns its output into a score with the SDE's
// marginal a(t), σ(t). Inference runs under NoGradGuard; `differentiable` keeps autograd on
// (the likelihood's divergence). TorchScript modules may be called from several threads at
// once for inference, so this is callable from any thread. Uses LibTorch: not for ui/.
#pragma once

#include <torch/script.h>

#include <memory>
#include <optional>
#include <string>

#include "core/model/model_meta.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::model {

class ScriptScoreFn final : public score::ScoreFn {
 public:
  // `label`: the class a class-conditional model is asked for (required when meta.classes > 0,
  // refused otherwise: construct through makeScriptScore, which says so).
  ScriptScoreFn(std::shared_ptr<torch::jit::Module> module, ModelMeta meta,
                std::shared_ptr<const sde::Sde> sde, std::string source,
                std::optional<int64_t> label = std::nullopt);
  torch::Tensor operator()(const torch::Tensor& x, const torch::Tensor& t) const override;
  torch::Tensor differentiable(const torch::Tensor& x, const torch::Tensor& t) const override;
  std::string name() const override { return "imported"; }
  const ModelMeta& meta() const { return m_meta; }
  // The network's raw output for (x, t) (no conversion): what the Python side computes.
  torch::Tensor raw(const torch::Tensor& x, const torch::Tensor& t) const;
  // The same model asked for another class (class-conditional models only).
  std::shared_ptr<const ScriptScoreFn> withLabel(std::optional<int64_t> label) const;

 private:
  torch::Tensor evaluate(const torch::Tensor& x, const torch::Tensor& t) const;
  std::shared_ptr<torch::jit::Module> m_module;
  ModelMeta m_meta;
  std::shared_ptr<const sde::Sde> m_sde;
  std::string m_source;  // the file, for messages
  std::optional<int64_t> m_label;
};

// The network's time input for t under the metadata's convention.
torch::Tensor timeInputFor(TimeInput kind, const sde::Sde& sde, const torch::Tensor& t);
// The score from the network's output under the metadata's convention (x: the input).
torch::Tensor scoreFromOutput(Output kind, const sde::Sde& sde, const torch::Tensor& out,
                              const torch::Tensor& x, const torch::Tensor& t);

}  // namespace ss::model
