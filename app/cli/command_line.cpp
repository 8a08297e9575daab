#include "app/cli/command_line.h"

#include <cmath>
#include <string>

#include "core/common/atomic_file.h"

namespace ss::app {

namespace {

// A tolerance, ratio or scale: a finite number above 0 (CLI11's PositiveNumber takes inf).
const CLI::Validator kPositiveFinite(
    [](std::string& v) -> std::string {
      try {
        size_t used = 0;
        const double x = std::stod(v, &used);
        if (used == v.size() && std::isfinite(x) && x > 0) return "";
      } catch (const std::exception&) {
      }
      return "must be a finite number above 0, not '" + v + "'";
    },
    "POSITIVE");

// The GUI's own options (the subcommands share the data, SDE and view ones).
void addGuiOptions(CLI::App& app, AppOptions& o) {
  addSharedOptions(app, o);
  addViewOptions(app, o);
  app.add_option("--ui-scale", o.uiScale,
                 "Type and widget scale (default: the monitor's; raise it for a projector)");
  app.add_option("--window", o.window,
                 "Window size WIDTHxHEIGHT in screen coordinates (default 1600x900)");
  app.add_flag("--train", o.train,
               "Start training on launch (image datasets: a small U-Net, sampled as it learns)");
  app.add_option("--mode", o.mode,
                 "Start in forward, sde (reverse SDE), ode (probability-flow ODE) or compare "
                 "(reverse SDE | "
                 "PF-ODE panes from the same prior draw) mode")
      ->capture_default_str();
  app.add_flag("--density", o.density, "Show the exact density heatmap");
  app.add_flag("--solver-lab", o.solverLab,
               "Open the solver lab and run it (2D; the exact score; scorescope solvers is its "
               "command-line form)");
  app.add_option("--arrows", o.arrows, "Score arrows across the view (8..128)");
  app.add_flag("--exact-field", o.exactField, "Show the exact score's arrows");
  app.add_flag("--play", o.play,
               "Start playing the timeline (forward mode; sde and ode always play)");
  app.add_option(
         "--workers", o.workers,
         "How training, sampling and fields share the CPU with the window: yield (only time the "
         "window does not want: even frames; the default) or share (a steady smaller share: they "
         "finish sooner). Remembered, as the View menu's setting")
      ->check(CLI::IsMember({"yield", "share"}));
  app.add_option("--frame-times", o.frameTimes,
                 "Write each frame's duration to this JSON file at exit (benchmark)");
  app.add_option("--frames", o.frames, "Close the GUI after this many frames (smoke tests)");
  app.add_option("--max-fps", o.maxFps,
                 "Frames per second while the view animates (default: 60, or 30 on software "
                 "OpenGL); a still window draws only when something changes");
  // Hidden (empty group): the liveness benchmark's hook (bench/gui_liveness.sh).
  app.add_flag("--exit-when-done", o.exitWhenDone,
               "Close once the reverse run (or the image run) is done; print its time as JSON")
      ->group("");
  app.add_option("--screenshot", o.screenshot, "With --frames: save the last frame as PNG");
  // Hidden (empty group): drops canvas probes once the data is in, for screenshots and tests.
  app.add_option("--probe", o.probes, "X,Y | cluster:X,Y | encode:X,Y")->group("");
  app.add_option("--model", o.model,
                 "Open this model: a checkpoint, or a TorchScript model in "
                 "docs/MODEL_FORMAT.md's format (it brings its SDE and dataset)");
  app.add_option("--scene", o.scene,
                 "Open this scene file (assets/scenes/ holds the built-in lessons)");
  app.add_option(
      "--record", o.record,
      "Record the timeline on launch through the GUI (as File > Record animation…, with the "
      "saved size, frames and fps): demo.gif, demo.mp4 or folder/");
  app.add_flag("--lessons", o.lessons,
               "Open the lesson browser on launch (it opens by itself on the first launch)");
  app.add_flag(
      "--present", o.present,
      "Start in presentation mode: full screen, large type, panels hidden, the lesson's caption "
      "(F5 or Esc leaves it; arrows and Page Up/Down step the lesson's stages)");
  app.add_option("--stage", o.stage, "With --scene: open the lesson at stage K (1-based)");
}

void addRenderOptions(CLI::App* render, AppOptions& o) {
  addViewOptions(*render, o);
  render
      ->add_option(
          "--field", o.field,
          "Score arrows: none, exact, learned (needs --model), both, or difference (learned - "
          "exact, needs --model)")
      ->capture_default_str();
  addFieldOptions(*render, o);
  render->add_option(
      "--model", o.model,
      "Checkpoint or TorchScript model (docs/MODEL_FORMAT.md) giving the learned score");
  render->add_option("--score", o.score,
                     "exact: the exact score only (as without --model; with --scene, its model "
                     "is set aside), as sample and nll take it");
  render
      ->add_option(
          "--mode", o.mode,
          "forward (the forward process at --t), sde (reverse SDE) or ode (probability-flow "
          "ODE): a reverse run from the prior, shown at --t with trails; compare: the runs of "
          "--compare from one prior draw, side by side")
      ->capture_default_str();
  render
      ->add_option(
          "--compare", o.compare,
          "With --mode compare: 2 or 3 panes MODE:SAMPLER[:exact|learned], MODE sde (pc, ald, "
          "ddpm) or ode (euler, heun, rk4, rk45, ddim, dpmpp_2m, dpm_solver_3, edm_heun); learned "
          "needs --model")
      ->capture_default_str();
  render->add_flag("--overlay", o.overlay,
                   "With --mode compare: draw every run in one pane, one colour each");
  render
      ->add_option(
          "--sampler", o.sampler,
          "With --mode sde: pc, ald or ddpm; with --mode ode: euler, heun, rk4, rk45, ddim, "
          "dpmpp_2m, dpm_solver_3 or edm_heun")
      ->capture_default_str();
  render->add_flag("--density", o.density,
                   "Draw the exact density p_t at --t as a heatmap (log scale)");
  render
      ->add_option(
          "--density-source", o.densitySource,
          "With --density: exact (the data's closed form) or model (log p_t of --model from the "
          "probability-flow ODE on a 128-cell grid; waits for it)")
      ->capture_default_str();
  render->add_flag("--score-error", o.scoreError,
                   "Draw p_t·|s_model - grad log p_t|^2 at --t as a heatmap (needs --model)");
  render->add_option("--steps", o.steps, "Steps of the reverse run (fixed-step samplers)")
      ->capture_default_str();
  render->add_option("--size", o.size, "Image size WIDTHxHEIGHT")->capture_default_str();
  render
      ->add_option(
          "--out", o.out,
          "Output: a PNG; with --frames an animated .gif, an .mp4 (needs ffmpeg) or a folder/ "
          "of numbered PNGs (written atomically)")
      ->capture_default_str();
  render->add_option(
      "--scene", o.scene,
      "Render this scene file (its data, SDE, model, sampler, mode, layers, camera, t); "
      "--size, --out, --frames, --fps and --stage still apply");
  render->add_flag("--transparent", o.transparent,
                   "2D views: no background behind the plot (alpha 0 in the PNG; for slides)");
  render
      ->add_option("--supersample", o.supersample,
                   "Draw at K times --size and box-filter down (1-4): smoother lines; small type "
                   "for thumbnails")
      ->capture_default_str();
  render->add_option("--stage", o.stage, "With --scene: show stage K of the lesson (1-based)");
  render->add_option(
      "--frames", o.frames,
      "Animate the timeline over this many frames (forward: 0 to T; reverse: T to 0)");
  render->add_option("--fps", o.fps, "Animation frame rate")->capture_default_str();
}

void addTrainOptions(CLI::App* train, TrainOptions& to) {
  train->add_option("--steps", to.steps, "Optimizer steps")->capture_default_str();
  train->add_option("--batch", to.batch, "Batch size (default: 512 for 2D, 32 for images)");
  train->add_option("--lr", to.lr,
                    "Adam learning rate after warm-up (default: 2e-3 for 2D, 5e-4 for images)");
  train->add_option("--net", to.net, "auto (MLP for 2D, U-Net for images), mlp or unet")
      ->capture_default_str();
  train->add_option("--preset", to.preset, "U-Net size: small (CPU, minutes) or large (GPU)")
      ->capture_default_str()
      ->check(CLI::IsMember({"small", "large"}));
  train->add_option("--ema", to.ema, "EMA decay of the weights")->capture_default_str();
  train->add_option("--warmup", to.warmup, "Learning-rate warm-up steps")->capture_default_str();
  train->add_option("--clip", to.clip, "Max gradient norm (0 = off)")->capture_default_str();
  train->add_option("--width", to.width, "MLP hidden width")->capture_default_str();
  train->add_option("--depth", to.depth, "MLP hidden layers")->capture_default_str();
  train->add_option("--weighting", to.weighting,
                    "sigma2, g2 (likelihood), one, flow (flow matching, g^4/4) or edm (default: "
                    "edm for the preconditioned U-Net, else sigma2)");
  train
      ->add_option("--precondition", to.precondition,
                   "Images: edm (default: the U-Net's output corrects the score of Gaussian "
                   "data, EDM's preconditioning) or none (score = net/sigma, older models)")
      ->check(CLI::IsMember({"edm", "none"}));
  train->add_option("--objective", to.objective, "dsm or ssm (sliced score matching)")
      ->capture_default_str();
  train->add_flag("--importance-sampling", to.importanceSampling, "With g2: importance-sample t");
  train->add_option("--out", to.out, "Checkpoint to write (atomically)")->capture_default_str();
  train->add_flag("--conditional", to.conditional,
                  "2D: train a class-conditional MLP on the data's labels (mixture components, "
                  "a labelled CSV's x,y,label classes) for classifier-free guidance "
                  "(sample --class K --cfg W)");
  train
      ->add_option("--cfg-dropout", to.cfgDropout,
                   "With --conditional: the probability that a label is dropped to the null "
                   "class, so the same network learns the unconditional score (default 0.15)")
      ->check(CLI::Range(0.0, 1.0));
  train->add_flag("--json", to.json, "End with one JSON object on the last line");
  train->add_option("--from", to.from,
                    "Continue this checkpoint (its data, SDE and network, optimizer and EMA) for "
                    "--steps more steps; --lr, --batch, --weighting, --importance-sampling, "
                    "--objective, --ema, --warmup and --clip replace its settings");
}

// sample's PF-ODE solver and the fixed-step solvers' grid, eta, churn and rho.
void addSolverOptions(CLI::App* sample, SampleOptions& so) {
  sample->add_option("--solver", so.solver,
                     "PF-ODE solver: euler, heun, rk4, rk45, ddim, dpmpp_2m, dpm_solver_3 or "
                     "edm_heun (implies the ODE)");
  sample->add_option(
      "--schedule", so.schedule,
      "Time grid of the fixed-step solvers: uniform (in t), logsnr (uniform in log(a/sigma)) or "
      "karras (rho); default: the solver's own (uniform; logsnr for dpmpp_2m and dpm_solver_3; "
      "karras for edm_heun). Not for PC samplers or rk45");
  sample->add_option("--eta", so.eta, "ddim: eta >= 0 (0: deterministic DDIM, 1: DDPM-like)")
      ->capture_default_str();
  sample->add_option("--churn", so.churn, "edm_heun: S_churn >= 0 (0: deterministic)")
      ->capture_default_str();
  sample->add_option("--rho", so.rho, "karras grid: rho > 0")
      ->capture_default_str()
      ->check(kPositiveFinite);
}

// sample's guidance: classifier guidance and classifier-free guidance toward --class.
void addGuidanceOptions(CLI::App* sample, SampleOptions& so) {
  sample->add_option(
      "--class", so.classLabel,
      "Guide toward class K (0-based): mixtures with the exact time-dependent posterior p_t(k | "
      "x); labelled image datasets with a time-dependent classifier trained first on perturbed "
      "images; a class-conditional checkpoint (train --conditional) samples class K (with --cfg "
      "W: classifier-free guidance)");
  sample->add_option("--guidance", so.guidance, "Guidance scale w (1 = the exact conditional)")
      ->capture_default_str();
  sample->add_option(
      "--cfg", so.cfg,
      "2D, with --class K: classifier-free guidance s + w (s(x|K) - s) with weight w >= 0 (0 = "
      "unconditional, 1 = conditional, > 1 sharper): with --score exact on a mixture the exact "
      "scores, with --model a class-conditional checkpoint (train --conditional)");
  sample
      ->add_option("--classifier-steps", so.classifierSteps,
                   "Images with --class: training steps of the classifier (a small CNN, batch 64)")
      ->capture_default_str();
}

void addSampleOptions(CLI::App* sample, CLI::App* nll, SampleOptions& so) {
  for (auto* sub : {sample, nll}) {
    sub->add_option("--model", so.model,
                    "Checkpoint or TorchScript model (docs/MODEL_FORMAT.md) giving the score (its "
                    "data and SDE are used)");
    sub->add_option("--score", so.score,
                    "exact: the toy's exact score (mixture, or empirical on 4096 points)");
    sub->add_option("--rtol", so.rtol, "RK45 relative tolerance")
        ->capture_default_str()
        ->check(kPositiveFinite);
    sub->add_option("--atol", so.atol, "RK45 absolute tolerance")
        ->capture_default_str()
        ->check(kPositiveFinite);
    sub->add_flag("--json", so.json, "End with one JSON object on the last line");
  }
  sample->add_option("--n", so.n, "Number of samples (default 20000; images 64)");
  sample
      ->add_option("--sampler", so.sampler,
                   "Preset: pc (Euler-Maruyama predictor), ald (annealed Langevin, SMLD), ddpm "
                   "(ancestral), ode (PF-ODE RK45); diffusers-style names: euler (= PF-ODE Euler), "
                   "heun (= PF-ODE Heun), euler_a (~ ancestral); the field's solvers (20 steps "
                   "unless --steps): ddim (diffusers DDIMScheduler, --eta), dpmpp_2m (diffusers "
                   "DPMSolverMultistepScheduler dpmsolver++ order 2, k-diffusion sample_dpmpp_2m), "
                   "dpm_solver_3 (diffusers DPMSolverSinglestepScheduler order 3, 3 NFE/step), "
                   "edm_heun (k-diffusion sample_heun, EDM Algorithm 2, --churn; 2 NFE/step)")
      ->capture_default_str();
  sample->add_option("--predictor", so.predictor,
                     "PC predictor: euler-maruyama, reverse-diffusion, ancestral (VP, VE) or none");
  sample->add_option("--corrector", so.corrector, "PC corrector: langevin or none");
  sample->add_option("--snr", so.snr, "Langevin target signal-to-noise ratio")
      ->capture_default_str()
      ->check(kPositiveFinite);
  sample->add_option("--corrector-steps", so.correctorSteps, "Langevin steps per noise level")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  sample->add_option("--steps", so.steps, "Time steps (PC and fixed-step ODE solvers)")
      ->capture_default_str();
  addSolverOptions(sample, so);
  sample->add_flag("--no-denoise", so.noDenoise, "Return the last x, not the last step's mean");
  sample->add_option("--out", so.out,
                     "Write the samples as CSV, or for images a PNG grid (atomically)");
  sample->add_option("--inpaint", so.inpaint,
                     "Images: inpaint this image file (white mask pixels = known)");
  sample->add_option("--inpaint-index", so.inpaintIndex, "Images: inpaint dataset image K");
  sample->add_option("--mask", so.mask, "Images: mask PNG, white = known (resized to the data)");
  sample->add_option(
      "--mask-preset", so.maskPreset,
      "Images: left-half (default), right-half, top-half, bottom-half, centre-box, random-50, "
      "every-other-row");
  sample->add_option("--colorize", so.colorize,
                     "RGB images: colorize the grey level of this image file");
  sample->add_option("--colorize-index", so.colorizeIndex, "RGB images: colorize dataset image K");
  sample->add_option("--cols", so.cols, "Images: grid columns")->capture_default_str();
  addGuidanceOptions(sample, so);
  sample->add_flag(
      "--metrics", so.metrics,
      "sw2 and energy distance to fresh true samples (with the floor of two true sets); "
      "for mixtures nll_true, the Monte Carlo entropy and mode weights");
  nll->add_option("--n", so.n, "Number of fresh data samples (default 5000)");
  nll->add_option("--divergence", so.divergence, "auto (exact in 2D), exact or hutchinson")
      ->capture_default_str();
  nll->add_option("--probe", so.probe, "Hutchinson probes: rademacher or gaussian")
      ->capture_default_str();
  nll->add_option("--probes", so.probes, "Hutchinson probes per evaluation")->capture_default_str();
}

}  // namespace

void buildCommandLine(CLI::App& app, CommandLine& c) {
  auto& o = c.o;
  app.add_flag("--version", o.version,
               "Print the app version, the LibTorch version and the device it would use");
  addGuiOptions(app, o);
  c.render = app.add_subcommand(
      "render", "Render the 2D view offscreen to a PNG (needs an X display; Xvfb works)");
  c.train = app.add_subcommand("train", "Train a score model and write a checkpoint");
  c.sample = app.add_subcommand(
      "sample",
      "Sample with a trained model or the exact score; --metrics compares with the true data");
  c.nll = app.add_subcommand(
      "nll", "Exact log-likelihood of fresh data samples through the probability-flow ODE");
  for (auto* sub : {c.render, c.train, c.sample, c.nll}) addSharedOptions(*sub, o);
  c.interpolate = addInterpolateCommand(app, o, c.io);
  c.models = addModelCommands(app, o, c.mo);
  c.solvers = addSolversCommand(app, o, c.lo);
  addRenderOptions(c.render, o);
  addTrainOptions(c.train, c.to);
  addSampleOptions(c.sample, c.nll, c.so);
  app.require_subcommand(0, 1);
}

// The first option given an empty value ("--predictor ''"), in the parsed command or the
// window's; empty when none.
static std::string emptyValue(const CommandLine& c) {
  std::vector<const CLI::App*> apps = {
      c.render,  c.train,       c.sample,       c.nll,
      c.solvers, c.interpolate, c.models.score, c.models.exportModel};
  const CLI::App* parsed = c.render->get_parent();
  for (const auto* sub : apps)
    if (sub->parsed()) parsed = sub;
  for (const auto* opt : parsed->get_options())
    if (opt->count() > 0 && opt->get_expected_min() > 0)
      for (const auto& v : opt->results())
        if (v.empty()) return opt->get_name();
  return "";
}

// What an interrupted (kill -9) write of this command's outputs left goes first, so no stale
// temporary outlives the next run, even a refused one.
static void removeStaleOutputs(CommandLine& c) {
  const auto& o = c.o;
  const std::vector<std::pair<CLI::App*, std::vector<std::string>>> outputs = {
      {c.render, {o.out}},
      {c.train, {c.to.out}},
      {c.sample, {c.so.out}},
      {c.solvers, {c.lo.out, c.lo.plot}},
      {c.interpolate, {c.io.out}},
      {c.models.score, {c.mo.out}},
      {c.models.exportModel, {c.mo.out}},
      {c.nll, {}}};
  bool any = false;
  for (const auto& [sub, paths] : outputs)
    if (sub->parsed()) {
      any = true;
      for (const auto& p : paths) removeStaleTemporaries(p);
    }
  if (!any)  // the window
    for (const auto& p : {o.screenshot, o.frameTimes}) removeStaleTemporaries(p);
}

int runCommandLine(CommandLine& c) {
  auto& o = c.o;
  auto& so = c.so;
  auto *render = c.render, *train = c.train, *sample = c.sample, *nll = c.nll;
  if (o.version) return printVersion(o);
  removeStaleOutputs(c);
  if (auto empty = emptyValue(c); !empty.empty())
    return fail(nullptr, empty + " needs a value (an empty one means nothing)");
  const bool modelGiven = !o.model.empty() || !so.model.empty() || !c.io.model.empty() ||
                          !c.mo.model.empty() || !o.scene.empty();
  if (!o.modelMeta.empty() && (train->parsed() || c.models.exportModel->parsed() || !modelGiven))
    return fail(nullptr,
                "--model-meta describes a TorchScript model: give it with --model FILE (sample, "
                "nll, render, interpolate, score or the window)");
  for (auto* sub : {train, sample, nll, c.solvers}) {
    if (!sub->parsed()) continue;
    o.epsGiven = sub->get_option("--eps")->count() > 0;
    for (const char* flag : {"--sde", "--beta-min", "--beta-max", "--sigma-min", "--sigma-max"})
      if (sub->get_option(flag)->count() > 0) o.sdeFlagsGiven.push_back(flag);
  }
  if (render->parsed()) {
    o.tGiven = render->get_option("--t")->count() > 0;
    o.samplerGiven = render->get_option("--sampler")->count() > 0;
    return runRender(o);
  }
  if (train->parsed()) {
    c.to.batchGiven = train->get_option("--batch")->count() > 0;
    c.to.lrGiven = train->get_option("--lr")->count() > 0;
    for (const auto* opt : train->get_options())
      if (opt->count() > 0) c.to.given.push_back(opt->get_name());
    return runTrain(o, c.to);
  }
  if (sample->parsed()) {
    so.nGiven = sample->get_option("--n")->count() > 0;  // images: 64
    so.stepsGiven = sample->get_option("--steps")->count() > 0;
    so.guidanceGiven = sample->get_option("--guidance")->count() > 0;
    so.cfgGiven = sample->get_option("--cfg")->count() > 0;
    for (const auto* opt : sample->get_options())
      if (opt->count() > 0) so.given.push_back(opt->get_name());
    return runSample(o, so);
  }
  if (nll->parsed()) {
    so.nGiven = nll->get_option("--n")->count() > 0;
    if (!so.nGiven) so.n = 5000;  // images: 256
    return runNll(o, so);
  }
  if (c.interpolate->parsed()) return runInterpolate(o, c.io);
  if (c.solvers->parsed()) {
    const auto given = [&](const char* f) { return c.solvers->get_option(f)->count() > 0; };
    if (given("--size") && c.lo.plot.empty())
      return fail("solvers", "--size is the plot's size: give --plot FILE.png with it");
    return runSolvers(o, c.lo, {given("--particles"), given("--N"), given("--limit")});
  }
  if (c.models.score->parsed()) return runScore(o, c.mo);
  if (c.models.exportModel->parsed()) return runExport(o, c.mo);
  return runGuiCommand(o);
}

}  // namespace ss::app
