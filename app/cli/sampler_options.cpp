// sample's sampler options to a SamplerConfig: the preset, then each option given, checked
// against the SDE; an option the chosen sampler does not use is refused.
#include <algorithm>

#include "app/cli/commands.h"

namespace ss::app {

namespace {

// A sampler option the chosen sampler does not use is an error, not ignored.
Status unusedSamplerFlag(const SampleOptions& s, const sample::SamplerConfig& c) {
  const auto given = [&](const char* f) {
    return std::find(s.given.begin(), s.given.end(), f) != s.given.end();
  };
  const bool ode = c.kind == sample::SamplerKind::Ode;
  const bool rk45 = ode && c.solver == sample::OdeSolver::Rk45;
  const std::string what = s.solver.empty() ? "--sampler " + s.sampler : "--solver " + s.solver;
  for (const char* f : {"--rtol", "--atol"})
    if (given(f) && !rk45)
      return Error{std::string(f) + " is rk45's tolerance; " + what + " has none"};
  for (const char* f : {"--predictor", "--corrector", "--snr", "--corrector-steps"})
    if (given(f) && ode) return Error{std::string(f) + " applies to PC samplers, not to " + what};
  for (const char* f : {"--snr", "--corrector-steps"})
    if (given(f) && c.corrector != sample::Corrector::Langevin)
      return Error{std::string(f) + " applies to the Langevin corrector; " + what + " has none"};
  if (given("--rho") && c.schedule != sample::TimeSchedule::Karras &&
      !(ode && c.schedule == sample::TimeSchedule::Default &&
        c.solver == sample::OdeSolver::EdmHeun))
    return Error{"--rho shapes the karras grid; " + what + " does not use it"};
  return Ok{};
}

}  // namespace

Expected<sample::SamplerConfig> samplerFrom(const SampleOptions& s, const sde::SdeConfig& sde) {
  auto cfg = sample::samplerPreset(s.sampler);
  if (!cfg) return cfg.error();
  auto c = cfg.value();
  if (!s.predictor.empty()) {
    auto p = sample::parsePredictor(s.predictor);
    if (!p) return p.error();
    c.predictor = p.value();
  }
  if (!s.corrector.empty()) {
    auto k = sample::parseCorrector(s.corrector);
    if (!k) return k.error();
    c.corrector = k.value();
  }
  if (!s.solver.empty()) {
    auto v = sample::parseOdeSolver(s.solver);
    if (!v) return v.error();
    c.solver = v.value();
    c.kind = sample::SamplerKind::Ode;
    // Its steps as the preset of the same name takes them (20 for ddim, dpmpp_2m, …).
    if (auto p = sample::samplerPreset(sample::toString(c.solver)); p) c.steps = p.value().steps;
  }
  c.snr = s.snr;
  c.correctorSteps = s.correctorSteps;
  if (s.stepsGiven) c.steps = s.steps;
  if (!s.schedule.empty()) {
    auto g = sample::parseTimeSchedule(s.schedule);
    if (!g) return Error{"--schedule: " + g.error().message};
    c.schedule = g.value();
  }
  c.eta = s.eta;
  c.churn = s.churn;
  c.rho = s.rho;
  c.rtol = s.rtol;
  c.atol = s.atol;
  c.denoise = !s.noDenoise;
  if (auto e = c.validate(sde); !e) return e.error();
  if (auto e = unusedSamplerFlag(s, c); !e) return e.error();
  return c;
}

}  // namespace ss::app
