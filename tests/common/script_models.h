// TorchScript score models built in C++ for the import tests (docs/MODEL_FORMAT.md): the
// exact score of a Gaussian mixture under a VP SDE, written with torch operations and
// returned in any `output` × `time_input` convention, and small broken modules. Saved with
// their metadata as the Python side saves them (torch.jit.save with _extra_files).
#pragma once

#include <torch/script.h>

#include <string>

#include "core/data/toy.h"
#include "core/model/model_meta.h"
#include "core/sde/sde_config.h"

namespace ss::testing {

// t from the network's time input u, in the module's float64 arithmetic.
inline std::string timeFromInput(model::TimeInput ti) {
  // VP: σ² = 1 − exp(−B(t)), B = β0 t + ½(β1 − β0) t²: t from B by the quadratic formula.
  const std::string fromSigma =
      "    B = -torch.log1p(-s * s)\n"
      "    d = self.beta_max - self.beta_min\n"
      "    t = (torch.sqrt(self.beta_min * self.beta_min + 2.0 * d * B) - self.beta_min) / d\n";
  switch (ti) {
    case model::TimeInput::T:
      return "    t = u\n";
    case model::TimeInput::T999:
      return "    t = u / 999.0\n";
    case model::TimeInput::Sigma:
      return "    s = u\n" + fromSigma;
    case model::TimeInput::LogSigma:
      return "    s = torch.exp(u)\n" + fromSigma;
  }
  return "";
}

inline std::string outputOf(model::Output o) {
  switch (o) {
    case model::Output::Score:
      return "    return s.float()\n";
    case model::Output::Eps:
      return "    return (-sig * s).float()\n";
    case model::Output::X0:
      return "    return ((x + sig * sig * s) / a).float()\n";
    case model::Output::V:
      return "    eps = -sig * s\n"
             "    x0 = (x + sig * sig * s) / a\n"
             "    return (a * eps - sig * x0).float()\n";
  }
  return "";
}

// forward(x [B, 2], u [B]) of the exact VP score of `gm` in the given conventions.
inline torch::jit::Module mixtureModule(const data::GaussianMixture& gm, const sde::SdeConfig& c,
                                        model::Output out, model::TimeInput ti) {
  torch::jit::Module m("ExactMixture");
  m.register_buffer("means", gm.means.to(torch::kFloat64));
  m.register_buffer("weights", gm.weights.to(torch::kFloat64));
  m.register_buffer("stds", gm.stds.to(torch::kFloat64));
  m.register_attribute("beta_min", c10::FloatType::get(), c.betaMin);
  m.register_attribute("beta_max", c10::FloatType::get(), c.betaMax);
  const std::string src =
      "def forward(self, x_in, u_in):\n"
      "    x = x_in.double()\n"
      "    u = u_in.double()\n" +
      timeFromInput(ti) +
      "    B = self.beta_min * t + 0.5 * t * t * (self.beta_max - self.beta_min)\n"
      "    a1 = torch.exp(-0.5 * B)\n"
      "    sig1 = torch.sqrt(-torch.expm1(-B))\n"
      "    var = (a1 * a1).unsqueeze(1) * (self.stds * self.stds).unsqueeze(0) + "
      "(sig1 * sig1).unsqueeze(1)\n"
      "    diff = x.unsqueeze(1) - a1.view(-1, 1, 1) * self.means.unsqueeze(0)\n"
      "    logw = torch.log(self.weights).unsqueeze(0) - 0.5 * (diff * diff).sum(2) / var - "
      "torch.log(var)\n"
      "    r = torch.softmax(logw, 1)\n"
      "    s = -(r.unsqueeze(2) * diff / var.unsqueeze(2)).sum(1)\n"
      "    a = a1.unsqueeze(1)\n"
      "    sig = sig1.unsqueeze(1)\n" +
      outputOf(out);
  m.define(src);
  m.eval();
  return m;
}

// A module with the given forward source (the tests' broken models).
inline torch::jit::Module moduleWith(const std::string& forwardSource) {
  torch::jit::Module m("Broken");
  m.define(forwardSource);
  return m;
}

inline void saveWithMeta(torch::jit::Module& m, const std::string& path, const std::string& json) {
  torch::jit::ExtraFilesMap extra;
  if (!json.empty()) extra["scorescope.json"] = json;
  m.save(path, extra);
}

// The metadata of a 2D VP model in these conventions.
inline std::string pointsMeta(model::Output out, model::TimeInput ti, const std::string& extra = "",
                              const std::string& dataset = "8gaussians") {
  return std::string("{\"format\": \"scorescope-score-model\", \"version\": 1, ") +
         "\"data\": {\"kind\": \"points\", \"dim\": 2}, " +
         "\"sde\": {\"type\": \"vp\", \"beta_min\": 0.1, \"beta_max\": 20, \"eps\": 1e-5}, " +
         "\"output\": \"" + model::toString(out) + "\", \"time_input\": \"" + model::toString(ti) +
         "\"" + (dataset.empty() ? "" : ", \"dataset\": \"" + dataset + "\"") + extra + "}";
}

}  // namespace ss::testing
