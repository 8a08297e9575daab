#include "app/cli/options.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "core/common/runtime.h"
#include "core/sde/sde.h"

namespace ss::app {

train::ModelOpenOptions modelOpenOptions(const AppOptions& o, int64_t classLabel) {
  train::ModelOpenOptions m;
  m.metaFile = o.modelMeta;
  if (classLabel >= 0) m.label = classLabel;
  return m;
}

void addSharedOptions(CLI::App& app, AppOptions& o) {
  app.add_option(
         "--data", o.data,
         "Dataset: 8gaussians, 25gaussians, moons, swissroll, circles, rings, checkerboard, "
         "pinwheel, spirals, or a mixture .json / points .csv file; images: fashion-mnist "
         "(:train, :test), twemoji, or a folder of images (one sub-folder per class)")
      ->capture_default_str();
  app.add_option("--model-meta", o.modelMeta,
                 "Metadata JSON for a TorchScript --model without its own scorescope.json "
                 "(docs/MODEL_FORMAT.md)");
  app.add_option("--limit", o.limit,
                 "Image datasets: use the first N images (0 = all; the exact score: 1000)");
  app.add_option("--sde", o.sde,
                 "Forward SDE: vp, subvp, ve, vp-cosine (VP with the cosine beta) or rf "
                 "(rectified flow, T = 0.999)")
      ->capture_default_str();
  app.add_option("--beta-min", o.betaMin, "VP/sub-VP: beta(0)")->capture_default_str();
  app.add_option("--beta-max", o.betaMax, "VP/sub-VP: beta(1)")->capture_default_str();
  app.add_option("--sigma-min", o.sigmaMin, "VE: smallest noise scale")->capture_default_str();
  app.add_option("--sigma-max", o.sigmaMax,
                 "VE: largest noise scale (default: the data's diameter, printed)");
  app.add_option("--N", o.N, "Discretization steps (SMLD/DDPM grids, sampler steps)")
      ->capture_default_str();
  app.add_option("--eps", o.eps, "Smallest time used by training and samplers")
      ->capture_default_str();
  app.add_option("--particles", o.particles, "Number of particles drawn from the data")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}));
  app.add_option("--seed", o.seed, "Random seed")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--device", o.device, "auto, cpu or cuda (auto = CUDA when available)")
      ->capture_default_str();
  app.add_option("--threads", o.threads,
                 "Compute threads (0 = LibTorch 1 on 2 cores, else cores-1; the exact score's "
                 "kernel every core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
}

void addViewOptions(CLI::App& app, AppOptions& o) {
  app.add_option("--t", o.t, "Time shown, in [0, T]")->capture_default_str();
  auto* f = app.add_flag("--follow", o.follow,
                         "Zoom follows the spread a(t)·data ± 2.5σ(t) (default for VE)");
  app.add_flag("--no-follow", o.noFollow, "Keep the view framed on the data")->excludes(f);
  app.add_flag(
      "--step-through", o.stepThrough,
      "render, --mode sde: PC step-through, each corrector and predictor move drawn as arrows");
  app.add_option("--move", o.move,
                 "render --step-through: the move shown, 0-based (with --frames: the first)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--colour", o.colour,
                 "Colour particles by: auto (class when there are 2..10), class, attribute (where "
                 "they start) or "
                 "speed (|dx/dt|, viridis up to its 99th percentile)")
      ->capture_default_str();
}

void addFieldOptions(CLI::App& app, AppOptions& o) {
  app.add_flag(
      "--streamlines", o.streamlines,
      "Draw the --field as streamlines of the probability-flow ODE drift v = f - g^2 s / 2, "
      "arrowheads along -v (the reverse-time flow); not with --field difference");
  app.add_option(
         "--arrow-length", o.arrowLength,
         "Score arrows: scaled (length ~ |s| up to a cell), normalized (equal length, |s| as "
         "colour with a colour bar) or true (an arrow is s * --arrow-scale in world units)")
      ->capture_default_str();
  app.add_option("--arrow-scale", o.arrowScale,
                 "With --arrow-length true: world units per unit of score")
      ->capture_default_str();
}

Expected<sde::SdeConfig> sdeConfigFrom(const AppOptions& o) {
  auto kind = sde::parseSdeKind(o.sde);
  if (!kind) return Error{"--sde: " + kind.error().message};
  // Another SDE's parameter is an error, not ignored (--sigma-min with vp).
  const bool usesBeta = kind.value() == sde::SdeKind::VP || kind.value() == sde::SdeKind::SubVP;
  for (const auto& f : o.sdeFlagsGiven) {
    const bool beta = f == "--beta-min" || f == "--beta-max";
    const bool sigma = f == "--sigma-min" || f == "--sigma-max";
    if ((beta && !usesBeta) || (sigma && kind.value() != sde::SdeKind::VE))
      return Error{f + " does not apply to --sde " + o.sde + ": " +
                   (beta ? "beta_min and beta_max are vp's and subvp's"
                         : "sigma_min and sigma_max are ve's")};
  }
  sde::SdeConfig c = sde::defaultsFor(kind.value());
  c.betaMin = o.betaMin;
  c.betaMax = o.betaMax;
  c.sigmaMin = o.sigmaMin;
  c.sigmaMax = o.sigmaMax;
  c.N = o.N;
  c.eps = o.eps;
  if (auto err = c.validate(); !err) return err.error();
  return c;
}

Expected<std::string> computeDeviceFrom(const AppOptions& o) {
  setComputeThreads(o.threads > 0 ? o.threads : defaultComputeThreads());
  setKernelThreads(o.threads);  // 0: every core (runtime.h)
  auto choice = parseDeviceChoice(o.device);
  if (!choice) return choice.error();
  return resolveDevice(choice.value());
}

Expected<std::shared_ptr<const sde::Sde>> modelSde(const AppOptions& o,
                                                   std::shared_ptr<const sde::Sde> own) {
  const auto& c = own->config();
  if (!o.sdeFlagsGiven.empty())
    return Error{o.sdeFlagsGiven.front() + " cannot apply with --model: the model brings its own " +
                 std::string(sde::toString(c.kind)) +
                 " SDE (only --eps, the sampling ε, may change)"};
  if (!o.epsGiven || o.eps == c.eps) return own;
  sde::SdeConfig with = c;
  with.eps = o.eps;
  if (auto err = with.validate(); !err) return Error{"--eps: " + err.error().message};
  return sde::Sde::create(with);
}

Expected<std::pair<int, int>> parseSize(const std::string& text, const std::string& option) {
  int w = 0, h = 0;
  char x = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X'))
    return Error{option + " '" + text + "': expected WIDTHxHEIGHT, e.g. 1280x800"};
  if (w < 16 || h < 16 || w > 16384 || h > 16384)
    return Error{option + " '" + text + "': each side must be between 16 and 16384 pixels"};
  return std::pair{w, h};
}

Expected<bool> checkOutputName(const std::string& path, const std::string& option,
                               const std::string& ext, const std::string& what) {
  std::string have = std::filesystem::path(path).extension().string();
  std::transform(have.begin(), have.end(), have.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (have == ext) return true;
  return Error{option + " '" + path + "': this writes " + what + ": give a file ending in " + ext};
}

}  // namespace ss::app
