#include "core/sample/solver_lab_run.h"

#include <chrono>

#include "core/metrics/metrics.h"
#include "core/sample/sampler.h"

namespace ss::sample {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Steps `run` to its end; false when cancelled on the way.
bool stepToEnd(SamplerRun& run, const std::function<bool()>& cancelled) {
  while (!run.state().done) {
    if (cancelled && cancelled()) return false;
    run.step();
  }
  return true;
}

SamplerConfig solverConfig(const std::string& name, int steps) {
  SamplerConfig c;
  c.kind = SamplerKind::Ode;
  c.solver = parseOdeSolver(name).take();
  c.steps = steps;
  return c;
}

// The lab's name for a solver: the CLI's preset spelling (dpmpp_2m, not dpmpp-2m).
std::string labName(const std::string& name) {
  std::string s = toString(parseOdeSolver(name).take());
  for (char& ch : s)
    if (ch == '-') ch = '_';
  return s;
}

}  // namespace

SolverLabResult runSolverLab(const SolverLabSpec& spec, const SolverLabInputs& in,
                             const std::function<void(const SolverLabResult&)>& onProgress,
                             const std::function<bool()>& cancelled) {
  spec.validate().take();
  const auto t0 = Clock::now();
  const auto dtype = in.float64 ? torch::kFloat64 : torch::kFloat32;
  SolverLabResult out;
  out.spec = spec;
  out.score = in.score->name();
  out.data = in.dataName;
  out.sde = in.sdeName;
  for (const auto& name : spec.solvers)
    out.curves.push_back({labName(name), toString(scheduleOf(solverConfig(name, 1))), {}});
  const auto report = [&] {
    out.seconds = since(t0);
    if (onProgress) onProgress(out);
  };

  const auto shape = in.toy->sample(1, spec.seed).x.sizes().slice(1).vec();
  auto xT = SamplerRun::priorDraw(*in.sde, spec.particles, shape, spec.seed, in.device).to(dtype);
  // 128 projections, as the window's run metrics: the sort is most of a cheap point's cost.
  const metrics::SlicedW2To toTruth(
      in.toy->sample(spec.particles, spec.seed + 101).x.to(torch::kFloat64), 128);
  out.floor = toTruth(in.toy->sample(spec.particles, spec.seed + 202).x);
  const auto sw2 = [&](const torch::Tensor& x) { return toTruth(x.to(torch::kCPU)); };

  SamplerConfig refCfg;
  refCfg.kind = SamplerKind::Ode;
  refCfg.rtol = refCfg.atol = spec.referenceTol;
  SamplerRun ref(in.score, in.sde, refCfg, xT, spec.seed);
  if (!stepToEnd(ref, cancelled)) return out;
  const auto xRef = ref.result().to(torch::kFloat64);
  out.referenceNfe = ref.state().nfe;
  out.referenceSw2 = sw2(xRef);
  report();

  std::vector<int> budgets = spec.nfes;
  std::sort(budgets.begin(), budgets.end());
  for (int budget : budgets)
    for (size_t i = 0; i < spec.solvers.size(); ++i) {
      const auto start = Clock::now();
      const int steps = stepsForBudget(spec.solvers[i], budget);
      SamplerRun run(in.score, in.sde, solverConfig(spec.solvers[i], steps), xT, spec.seed);
      if (!stepToEnd(run, cancelled)) return out;
      const auto x = run.result().to(torch::kFloat64);
      SolverLabPoint p{budget, steps, run.state().nfe, 0, 0, 0};
      p.error = (x - xRef).pow(2).flatten(1).sum(1).mean().sqrt().item<double>();
      p.sw2 = sw2(x);
      p.seconds = since(start);
      out.curves[i].points.push_back(p);
      report();
    }
  out.done = true;
  report();
  return out;
}

}  // namespace ss::sample
