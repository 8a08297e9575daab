// Compare mode's panes (ui/session/explorer_state.h): the default pair, each pane's state
// and run request (its sampler, score and, when it names one, its own SDE, all from the same
// prior draw), its label, and the --compare syntax.
#include <algorithm>
#include <cstdio>
#include <iterator>

#include "ui/session/explorer_state.h"

namespace ss::ui {

std::vector<ComparePane> CompareSpec::defaultComparePanes() {
  ComparePane sde;  // reverse SDE, Euler–Maruyama (pc)
  ComparePane ode;
  ode.mode = scene::RunMode::ProbabilityFlow;
  ode.sampler.kind = sample::SamplerKind::Ode;
  ode.sampler.solver = sample::OdeSolver::Rk45;
  ode.samplerPreset = "rk45";
  return {sde, ode};
}

ExplorerState paneState(const ExplorerState& state, size_t pane) {
  ExplorerState s = state;
  s.compare.enabled = false;
  s.stepThrough = false;  // compare panes replay by t
  if (pane < state.compare.panes.size()) {
    const ComparePane& p = state.compare.panes[pane];
    s.mode = p.mode;
    s.sampler = p.sampler;
    s.samplerPreset = p.samplerPreset;
    s.useModel = p.useModel;
    if (p.sde && *p.sde != state.sde.kind) {
      s.sde = sde::defaultsFor(*p.sde);
      s.sde.N = state.sde.N;
      s.sde.eps = state.sde.eps;
    }
  }
  return s;
}

scene::RunRequest paneRequestFor(const ExplorerState& state, size_t pane,
                                 const scene::PointCloud* cloud,
                                 std::shared_ptr<const train::ModelSnapshot> model) {
  return runRequestFor(paneState(state, pane), cloud, std::move(model));
}

std::string paneLabel(const ComparePane& pane, bool withScore) {
  std::string s;
  if (pane.mode == scene::RunMode::ProbabilityFlow) {
    // In OdeSolver's order.
    static const char* solvers[] = {
        "Euler", "Heun", "RK4", "RK45", "DDIM", "DPM-Solver++(2M)", "DPM-Solver-3", "EDM Heun"};
    const auto& c = pane.sampler;
    s = std::string("PF-ODE · ") + solvers[static_cast<size_t>(c.solver) % std::size(solvers)];
    char buf[32] = "";
    if (c.solver == sample::OdeSolver::Ddim && c.eta > 0)
      std::snprintf(buf, sizeof buf, " η %.2g", c.eta);
    if (c.solver == sample::OdeSolver::EdmHeun && c.churn > 0)
      std::snprintf(buf, sizeof buf, " churn %.3g", c.churn);
    s += buf;
  } else {
    const auto& c = pane.sampler;
    s = "reverse SDE · ";
    if (c.predictor == sample::Predictor::None)
      s += "annealed Langevin";
    else if (c.predictor == sample::Predictor::Ancestral)
      s += "ancestral";
    else if (c.predictor == sample::Predictor::ReverseDiffusion)
      s += "reverse diffusion";
    else
      s += "Euler–Maruyama";
    if (c.predictor != sample::Predictor::None && c.corrector == sample::Corrector::Langevin)
      s += " + Langevin";
  }
  if (pane.sde) s += " · " + sdeLabel(*pane.sde);
  if (withScore && !pane.useModel) s += " · exact score";
  return s;
}

void setCompare(ExplorerState& state, bool on, scene::RunMode mode) {
  state.compare.enabled = on;
  state.mode = on ? scene::RunMode::ReverseSde : mode;
  if (state.compare.panes.size() < 2) state.compare.panes = CompareSpec::defaultComparePanes();
  state.t = state.mode == scene::RunMode::Forward ? 0.0 : state.sde.T;
  state.playing = state.mode != scene::RunMode::Forward;
}

Expected<std::vector<ComparePane>> parseComparePanes(const std::string& text, int steps) {
  std::vector<ComparePane> panes;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    start = comma + 1;
    std::optional<sde::SdeKind> paneSde;  // "…@rf": the pane's own SDE
    if (const size_t at = item.find('@'); at != std::string::npos) {
      auto kind = sde::parseSdeKind(item.substr(at + 1));
      if (!kind) return Error{"--compare item '" + item + "': " + kind.error().message};
      paneSde = kind.value();
      item.resize(at);
    }
    std::vector<std::string> parts;
    for (size_t a = 0;;) {
      const size_t b = std::min(item.find(':', a), item.size());
      parts.push_back(item.substr(a, b - a));
      if (b == item.size()) break;
      a = b + 1;
    }
    const auto bad = [&](const std::string& why) {
      return Error{"--compare item '" + item + "': " + why +
                   " (expected MODE:SAMPLER[:exact|learned][@SDE], e.g. sde:pc,ode:rk45 or "
                   "ode:heun@vp,ode:heun@rf)"};
    };
    if (parts.size() < 2 || parts.size() > 3) return bad("wrong number of fields");
    ComparePane p;
    if (parts.size() == 3) {
      if (parts[2] != "exact" && parts[2] != "learned") return bad("the score is exact or learned");
      p.useModel = parts[2] == "learned";
    }
    if (parts[0] == "sde") {
      auto preset = sample::samplerPreset(parts[1]);
      if (!preset || preset.value().kind != sample::SamplerKind::Pc)
        return bad("an SDE sampler is pc, ald or ddpm");
      p.sampler = preset.value();
      p.samplerPreset = parts[1];
    } else if (parts[0] == "ode") {
      auto solver = sample::parseOdeSolver(parts[1]);
      if (!solver) return bad(solver.error().message);
      p.mode = scene::RunMode::ProbabilityFlow;
      p.sampler.kind = sample::SamplerKind::Ode;
      p.sampler.solver = solver.value();
      p.samplerPreset = parts[1];
    } else {
      return bad("the mode is sde or ode");
    }
    p.sampler.steps = steps;
    p.sde = paneSde;
    panes.push_back(p);
    if (comma == text.size()) break;
  }
  if (panes.size() < 2 || panes.size() > 3)
    return Error{"--compare '" + text + "': give 2 or 3 panes, e.g. sde:pc,ode:rk45"};
  return panes;
}

}  // namespace ss::ui
