// The subcommands' entry points. Each returns the process exit code:
// 0 success, 1 bad input or a failed run (message on stderr), 2 no display / no OpenGL.
#pragma once

#include <chrono>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/options.h"
#include "core/sample/sampler_config.h"

namespace ss::train {
struct ModelSnapshot;
}
namespace ss::ui {
struct ExplorerState;
}

namespace ss::sample {
class SamplerRun;
}
namespace ss::likelihood {
struct LikelihoodConfig;
}

namespace ss::app {

// Prints "scorescope CMD: message" ("scorescope: message" for a null cmd) on stderr and
// returns `code`, the exit code of bad input or a failed run.
int fail(const char* cmd, const std::string& message, int code = 1);

// Wall seconds since `since`, for the "took N s" lines.
double secondsSince(std::chrono::steady_clock::time_point since);

// Steps `run` to its end; with `bar`, a progress bar on stderr (t, step, NFE), redrawn at
// most every 100 ms. Shared by `sample` on points and on images.
void runToEnd(sample::SamplerRun& run, const sample::SamplerConfig& cfg, double T, bool bar);

struct TrainOptions {
  int64_t steps = 4000;
  int batch = 0;  // when not given (batchGiven false): 512 for 2D, 32 for images
  double lr = 0;  // when not given (lrGiven false): 2e-3 for 2D, 5e-4 for images
  bool batchGiven = false, lrGiven = false;  // a given 0 is refused, never replaced
  double ema = 0.999;
  int warmup = 100;
  double clip = 1.0;
  int width = 128, depth = 3;
  std::string weighting;     // empty: edm for a preconditioned U-Net, else sigma2
  std::string precondition;  // images: edm (default) or none; 2D: refused
  std::string objective = "dsm";
  bool importanceSampling = false;
  std::string out = "model.pt";
  std::string net = "auto";      // auto (mlp for 2D, unet for images), mlp or unet
  std::string preset = "small";  // U-Net size: small (CPU) or large (GPU)
  // A class-conditional MLP for classifier-free guidance, its labels dropped to the null
  // class with probability cfgDropout (< 0: not given, the default 0.15).
  bool conditional = false;
  double cfgDropout = -1;
  bool json = false;
  // --from CKPT: continue that checkpoint (its data, SDE and network) for --steps more steps;
  // `given` names the options on the command line (those that would change the model are
  // refused, the optimizer and loss ones replace the checkpoint's).
  std::string from;
  std::vector<std::string> given;
};

// sample and nll: a checkpoint (--model) or the exact score (--score exact).
struct SampleOptions {
  std::string model;
  std::string score;           // "exact"
  std::string sampler = "pc";  // preset: pc, ald, ddpm, ode, euler, heun, euler_a, ddim, …
  std::string predictor, corrector, solver;  // empty: the preset's
  double snr = 0.16;
  int correctorSteps = 1;
  int steps = 1000;
  bool stepsGiven = true;  // --steps on the command line (else the preset's: 20 for ddim, …)
  std::string schedule;    // empty: the solver's default grid
  double eta = 0.0, churn = 0.0, rho = 7.0;
  double rtol = 1e-5, atol = 1e-5;
  int64_t n = 20000;
  bool noDenoise = false;
  std::string out;  // samples CSV (2D) or PNG grid (images)
  // images (sample)
  std::string inpaint, mask, maskPreset, colorize;  // image files; preset names
  int64_t inpaintIndex = -1, colorizeIndex = -1;    // or a dataset image
  int cols = 8;                                     // grid columns
  // classifier guidance (2D mixtures: the components are the classes, with the exact
  // posterior; images: the dataset's classes, with a classifier trained first)
  int64_t classLabel = -1;
  double guidance = 1.0;
  bool guidanceGiven = false;  // --guidance on the command line
  // Classifier-free guidance toward --class (2D): its weight w (exact scores on a mixture, or
  // a class-conditional checkpoint); NaN: not given.
  double cfg = std::numeric_limits<double>::quiet_NaN();
  bool cfgGiven = false;
  int64_t classifierSteps = 1500;  // images: the classifier's training steps
  bool metrics = false;
  bool json = false;
  // nll
  std::string divergence = "auto", probe = "rademacher";
  int probes = 1;
  bool nGiven = false;  // --n given (else sample: 20000 points, 64 images; nll: 5000, 256)
  std::vector<std::string> given;  // sample: the options on the command line
};

// The likelihood settings of `nll` (--rtol, --atol, --divergence, --probe, --probes, --seed),
// checked. Shared by `nll` on points and on images.
Expected<likelihood::LikelihoodConfig> likelihoodConfigFrom(const AppOptions& o,
                                                            const SampleOptions& s);

// The sampler that --sampler and its overrides describe, validated against the SDE.
Expected<sample::SamplerConfig> samplerFrom(const SampleOptions& s, const sde::SdeConfig& sde);

// The explorer state the shared and view options describe (validated).
Expected<ui::ExplorerState> explorerFrom(const AppOptions& o);

int runGuiCommand(const AppOptions& o);
int runTrain(const AppOptions& o, const TrainOptions& t);
int runRender(const AppOptions& o);
int runSample(const AppOptions& o, const SampleOptions& s);
int runNll(const AppOptions& o, const SampleOptions& s);
int printVersion(const AppOptions& o);

// Images (image_cmd.cpp): whether a sample/nll run is on images (the data names an image
// dataset, or --model holds a U-Net, returned in *snap on the resolved device).
bool isImageRun(const AppOptions& o, const SampleOptions& s,
                std::shared_ptr<const train::ModelSnapshot>* snap, std::string* error);
int runImageSample(const AppOptions& o, const SampleOptions& s,
                   std::shared_ptr<const train::ModelSnapshot> snap);
int runImageNll(const AppOptions& o, const SampleOptions& s,
                std::shared_ptr<const train::ModelSnapshot> snap);
// interpolate (interpolate_cmd.cpp): the latent interpolation strip between two dataset
// images through the probability-flow ODE, as one PNG row.
struct InterpolateOptions {
  std::string model;     // U-Net checkpoint; empty = the exact empirical score of --limit images
  std::string score;     // "exact" (the default without --model), as sample and render take it
  int64_t a = 0, b = 1;  // dataset images
  int frames = 9;        // 2..32, ends included
  bool linear = false;   // straight line instead of slerp
  double rtol = 1e-5, atol = 1e-5;  // RK45 tolerances of the encodes and decodes
  std::string out = "strip.png";
  bool json = false;
};
// Adds the subcommand with its options (and the shared ones) to `app`.
CLI::App* addInterpolateCommand(CLI::App& app, AppOptions& o, InterpolateOptions& io);
int runInterpolate(const AppOptions& o, const InterpolateOptions& io);

// score and export (model_cmds.cpp): a model's score at given points; a checkpoint written
// as a TorchScript model (docs/MODEL_FORMAT.md).
struct ModelCmdOptions {
  std::string model, out, points, name;
  double t = 0.5;
  int64_t classLabel = -1;
};
struct ModelCommands {
  CLI::App *score = nullptr, *exportModel = nullptr;
};
ModelCommands addModelCommands(CLI::App& app, AppOptions& o, ModelCmdOptions& mo);
int runScore(const AppOptions& o, const ModelCmdOptions& mo);
int runExport(const AppOptions& o, const ModelCmdOptions& mo);

// solvers (solvers_cmd.cpp): the solver lab (docs/SAMPLERS.md).
struct SolversOptions {
  SampleOptions sample;  // --model / --score
  std::string solvers = "euler,heun,ddim,dpmpp_2m,dpm_solver_3,edm_heun";
  std::string nfes = "5,10,20,50,100,200";
  double referenceTol = 1e-8;
  std::string out, plot, size = "1600x700";
};
// Which shared options the command line gave (--particles: else the lab's 10000).
struct SolversGiven {
  bool particles = false, N = false, limit = false;
};
CLI::App* addSolversCommand(CLI::App& app, AppOptions& o, SolversOptions& lo);
int runSolvers(const AppOptions& o, SolversOptions& lo, const SolversGiven& given);

}  // namespace ss::app
