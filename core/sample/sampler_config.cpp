// SamplerConfig validation, presets and names. Torch-free (ui/ includes the header).
#include "core/sample/sampler_config.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <utility>

namespace ss::sample {

namespace {

template <class E>
using NameTable = std::vector<std::pair<E, const char*>>;

const NameTable<Predictor>& predictorNames() {
  static const NameTable<Predictor> k = {{Predictor::EulerMaruyama, "euler-maruyama"},
                                         {Predictor::ReverseDiffusion, "reverse-diffusion"},
                                         {Predictor::Ancestral, "ancestral"},
                                         {Predictor::None, "none"}};
  return k;
}
const NameTable<Corrector>& correctorNames() {
  static const NameTable<Corrector> k = {{Corrector::Langevin, "langevin"},
                                         {Corrector::None, "none"}};
  return k;
}
const NameTable<OdeSolver>& solverNames() {
  static const NameTable<OdeSolver> k = {{OdeSolver::Euler, "euler"},
                                         {OdeSolver::Heun, "heun"},
                                         {OdeSolver::Rk4, "rk4"},
                                         {OdeSolver::Rk45, "rk45"}};
  return k;
}

template <class E>
std::string nameOf(const NameTable<E>& table, E e) {
  for (const auto& [v, n] : table)
    if (v == e) return n;
  return "?";
}

template <class E>
std::string joined(const NameTable<E>& table) {
  std::string s;
  for (const auto& [v, n] : table) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

// Lower case, '_' and ' ' read as '-': "Euler_Maruyama" parses like "euler-maruyama".
std::string normalized(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '_' || c == ' ') c = '-';
    r += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return r;
}

template <class E>
Expected<E> parseName(const NameTable<E>& table,
                      const std::vector<std::pair<const char*, E>>& aliases, const std::string& s,
                      const char* what) {
  const std::string n = normalized(s);
  for (const auto& [v, name] : table)
    if (n == name) return v;
  for (const auto& [alias, v] : aliases)
    if (n == alias) return v;
  return Error{"unknown " + std::string(what) + " '" + s + "'; valid: " + joined(table)};
}

bool positive(double v) { return std::isfinite(v) && v > 0; }

template <class T>
std::string describe(const char* field, T value, const char* rule) {
  std::ostringstream s;
  s << field << " (" << value << ") " << rule;
  return s.str();
}

}  // namespace

std::string SamplerConfig::validate(sde::SdeKind sdeKind) const {
  if (steps < 1) return describe("steps", steps, "must be at least 1");
  if (this->kind == SamplerKind::Ode) {
    if (solver == OdeSolver::Rk45) {
      if (!positive(rtol)) return describe("rtol", rtol, "must be a positive number");
      if (!positive(atol)) return describe("atol", atol, "must be a positive number");
    }
    return {};
  }
  if (predictor == Predictor::Ancestral && sdeKind == sde::SdeKind::SubVP)
    return "predictor 'ancestral' has no sub-VP form; valid predictors for subvp: "
           "euler-maruyama, reverse-diffusion, none";
  if (predictor == Predictor::None && corrector == Corrector::None)
    return "predictor and corrector are both 'none': nothing would move the samples; valid "
           "predictors: " +
           joined(predictorNames()) + "; valid correctors: " + joined(correctorNames());
  if (corrector == Corrector::Langevin) {
    if (!positive(snr)) return describe("snr", snr, "must be a positive number");
    if (correctorSteps < 1)
      return describe("corrector_steps", correctorSteps,
                      "must be at least 1 for the Langevin corrector");
  }
  return {};
}

std::string SamplerConfig::validate(const sde::SdeConfig& sdeConfig) const {
  if (std::string err = validate(sdeConfig.kind); !err.empty()) return err;
  if (this->kind != SamplerKind::Pc || sdeConfig.kind == sde::SdeKind::VE) return {};
  const bool vp = sdeConfig.kind == sde::SdeKind::VP;
  const char* user = nullptr;
  if (corrector == Corrector::Langevin) user = "the Langevin corrector";
  if (vp && predictor == Predictor::ReverseDiffusion) user = "the reverse-diffusion predictor";
  if (vp && predictor == Predictor::Ancestral) user = "the ancestral predictor";
  if (user && sdeConfig.betaMax / steps >= 1.0) {
    std::ostringstream s;
    s << "steps (" << steps << ") must exceed beta_max (" << sdeConfig.betaMax << ") for " << user
      << ": it uses the DDPM betas beta/steps, which must stay below 1";
    return s.str();
  }
  return {};
}

Expected<SamplerConfig> samplerPreset(const std::string& name) {
  SamplerConfig c;  // "pc": the reference's VP/sub-VP default, EM predictor, no corrector
  const std::string n = normalized(name);
  if (n == "pc") return c;
  if (n == "ald") {
    c.predictor = Predictor::None;
    c.corrector = Corrector::Langevin;
    return c;
  }
  if (n == "ddpm" || n == "euler-a") {
    c.predictor = Predictor::Ancestral;
    return c;
  }
  c.kind = SamplerKind::Ode;
  if (n == "ode") return c;  // RK45, rtol = atol = 1e-5
  if (n == "euler") {
    c.solver = OdeSolver::Euler;
    return c;
  }
  if (n == "heun") {
    c.solver = OdeSolver::Heun;
    return c;
  }
  std::string valid;
  for (const auto& p : samplerPresetNames()) valid += (valid.empty() ? "" : ", ") + p;
  return Error{"unknown sampler preset '" + name + "'; valid: " + valid};
}

std::vector<std::string> samplerPresetNames() {
  return {"pc", "ald", "ddpm", "ode", "euler", "heun", "euler_a"};
}

std::string toString(Predictor p) { return nameOf(predictorNames(), p); }
std::string toString(Corrector c) { return nameOf(correctorNames(), c); }
std::string toString(OdeSolver s) { return nameOf(solverNames(), s); }

Expected<Predictor> parsePredictor(const std::string& s) {
  return parseName<Predictor>(predictorNames(),
                              {{"em", Predictor::EulerMaruyama},
                               {"reverse", Predictor::ReverseDiffusion},
                               {"rd", Predictor::ReverseDiffusion},
                               {"ddpm", Predictor::Ancestral}},
                              s, "predictor");
}

Expected<Corrector> parseCorrector(const std::string& s) {
  return parseName<Corrector>(correctorNames(), {{"ald", Corrector::Langevin}}, s, "corrector");
}

Expected<OdeSolver> parseOdeSolver(const std::string& s) {
  return parseName<OdeSolver>(solverNames(), {{"dopri5", OdeSolver::Rk45}}, s, "ODE solver");
}

}  // namespace ss::sample
