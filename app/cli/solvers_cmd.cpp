// scorescope solvers: the solver lab (docs/SAMPLERS.md, "Solver lab") from the command
// line. Chosen PF-ODE solvers at NFE budgets from one prior draw, against a tight RK45
// reference and the data; the result as JSON (stdout, or --out) and as a PNG of its two
// log–log plots (--plot, drawn offscreen as the GUI's panel draws them).
#include <algorithm>
#include <cstdio>

#include "app/cli/commands.h"
#include "app/cli/score_source.h"
#include "core/common/atomic_file.h"
#include "core/common/runtime.h"
#include "core/sample/solver_lab_run.h"
#include "ui/offscreen_render.h"
#include "ui/ui_context.h"

namespace ss::app {

CLI::App* addSolversCommand(CLI::App& app, AppOptions& o, SolversOptions& lo) {
  auto* sub = app.add_subcommand(
      "solvers",
      "Solver lab: the endpoint error against a tight RK45 reference and the sliced W2 to the "
      "data of PF-ODE solvers at NFE budgets, from one prior draw, with each solver's measured "
      "order (JSON; --plot draws the log-log plots)");
  addSharedOptions(*sub, o);
  sub->add_option("--model", lo.sample.model,
                  "Checkpoint or TorchScript model giving the score (its data and SDE are used)");
  sub->add_option("--score", lo.sample.score, "exact: the toy's exact score (the default)");
  sub->add_option("--solvers", lo.solvers,
                  "Comma-separated: euler, heun, rk4, ddim, dpmpp_2m, dpm_solver_3, edm_heun")
      ->capture_default_str();
  sub->add_option("--nfe", lo.nfes, "Comma-separated NFE budgets")->capture_default_str();
  sub->add_option("--reference-tol", lo.referenceTol,
                  "rtol = atol of the RK45 reference (float64 with exact scores)")
      ->capture_default_str();
  sub->add_option("--out", lo.out, "Write the JSON here (atomically) instead of stdout");
  sub->add_option("--plot", lo.plot, "Write the two log-log plots as a PNG (needs a display)");
  sub->add_option("--size", lo.size, "The plot's size, WxH")->capture_default_str();
  return sub;
}

namespace {

Expected<sample::SolverLabSpec> specFrom(const AppOptions& o, const SolversOptions& lo,
                                         bool particlesGiven) {
  sample::SolverLabSpec spec;
  auto solvers = sample::parseNameList(lo.solvers, "--solvers");
  if (!solvers) return solvers.error();
  auto nfes = sample::parseIntList(lo.nfes, "--nfe");
  if (!nfes) return nfes.error();
  spec.solvers = solvers.value();
  spec.nfes = nfes.value();
  if (particlesGiven) spec.particles = o.particles;
  spec.seed = o.seed;
  spec.referenceTol = lo.referenceTol;
  if (auto ok = spec.validate(); !ok) return ok.error();
  return spec;
}

Expected<bool> writePlot(const sample::SolverLabResult& lab, const std::string& path,
                         const std::string& size) {
  int w = 0, h = 0;
  if (std::sscanf(size.c_str(), "%dx%d", &w, &h) != 2 || w < 320 || h < 240 || w > 8192 || h > 8192)
    return Error{"--size '" + size + "' must be WxH between 320x240 and 8192x8192"};
  ui::WindowOptions win;
  win.visible = false;
  win.width = win.height = 64;
  win.fontScale = std::clamp(static_cast<float>(h) / 800.0f, 1.0f, 3.0f);
  auto ctx = ui::UiContext::create(win);
  if (!ctx) return ctx.error();
  auto image = ui::renderSolverLab(*ctx.value(), lab, w, h);
  if (!image) return image.error();
  return ui::writePng(path, image.value());
}

}  // namespace

int runSolvers(const AppOptions& o, SolversOptions& lo, const SolversGiven& given) {
  const char* cmd = "solvers";
  if (given.N || given.limit)
    return fail(cmd, std::string(given.N ? "--N" : "--limit") +
                         " means nothing to the solver lab (its budgets are --nfe)");
  const auto& p = lo.plot;
  if (!p.empty() && (p.size() < 4 || p.compare(p.size() - 4, 4, ".png") != 0))
    return fail(cmd, "--plot writes a PNG: give a file ending in .png");
  if (!lo.out.empty())
    if (auto ok = checkOutputName(lo.out, "--out", ".json", "the lab's results as JSON"); !ok)
      return fail(cmd, ok.error().message);
  if (lo.sample.model.empty() && lo.sample.score.empty()) lo.sample.score = "exact";
  auto spec = specFrom(o, lo, given.particles);
  if (!spec) return fail(cmd, spec.error().message);
  auto src = sourceFrom(o, lo.sample);
  if (!src) return fail(cmd, src.error().message);
  if (!src.value().toy) return fail(cmd, "the model names no dataset: the lab compares with data");
  if (src.value().dim != 2) return fail(cmd, "the solver lab runs on 2D data");
  sample::SolverLabInputs in{src.value().score,
                             src.value().sde,
                             src.value().toy,
                             torch::Device(src.value().device),
                             lo.sample.model.empty(),
                             src.value().data,
                             std::string(sde::toString(src.value().sde->kind()))};
  sample::SolverLabResult lab;
  try {
    torch::NoGradGuard noGrad;
    lab = sample::runSolverLab(spec.value(), in, [&](const sample::SolverLabResult& r) {
      std::fprintf(stderr, "\rsolver lab: %d of %d points, %.1f s   ", r.pointsDone(),
                   r.pointsPlanned(), r.seconds);
    });
    std::fprintf(stderr, "\n");
  } catch (const std::exception& e) {
    return fail(cmd, e.what());
  }
  const std::string json = lab.toJson();
  if (lo.out.empty()) {
    std::printf("%s\n", json.c_str());
  } else if (auto ok = writeFileAtomic(lo.out, json + "\n"); !ok) {
    return fail(cmd, ok.error().message);
  }
  if (!lo.plot.empty())
    if (auto ok = writePlot(lab, lo.plot, lo.size); !ok) return fail(cmd, ok.error().message, 2);
  for (const auto& c : lab.curves)
    std::fprintf(stderr, "%-13s %-8s measured order %.2f, first NFE in the sw2 band %lld\n",
                 c.solver.c_str(), c.grid.c_str(), -c.errorSlope(),
                 static_cast<long long>(c.firstNfeInBand(lab.band())));
  std::fprintf(stderr, "took %.1f s\n", lab.seconds);
  return 0;
}

}  // namespace ss::app
