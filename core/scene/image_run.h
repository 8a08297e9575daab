// Image sampler runs for the image explorer: a worker thread samples a grid of images with
// the exact empirical score of a dataset subset or a trained U-Net checkpoint, optionally
// inpainting or colorizing a dataset image, and publishes recorded frames (x_t and its
// Tweedie estimate x̂₀) progressively as plain floats. The newest request wins; a running
// one stops between steps. Torch-free header: the UI includes it and never waits.
#pragma once

#include "core/sample/masks.h"
#include "core/scene/scene_worker.h"

namespace ss::scene {

// The same test as data::isImageDatasetSpec (which lives in a torch header): "fashion-mnist",
// "fashion-mnist:train|test", "twemoji", "folder:PATH" or an existing directory.
bool looksLikeImageDataset(const std::string& spec);

enum class ImageTask { Unconditional, Inpaint, Colorize };
const char* toString(ImageTask task);  // "unconditional", "inpaint", "colorize"

struct ImageRunRequest {
  std::string data = "fashion-mnist";  // dataset spec (data::loadImageDataset)
  int64_t limit = 500;                 // images of the exact empirical score
  std::string model;                   // U-Net checkpoint; empty = the exact empirical score
  // A live U-Net snapshot (the trainer's EMA model); used instead of `model` when set.
  std::shared_ptr<const train::ModelSnapshot> snapshot;
  sample::SamplerConfig sampler;  // steps etc.; the SDE is VP (ε = 1e-3) or the model's
  int64_t n = 64;                 // images in the grid
  uint64_t seed = 0;              // prior draw; seed + 1 drives the sampler's noise
  ImageTask task = ImageTask::Unconditional;
  sample::MaskPreset mask = sample::MaskPreset::LeftHalf;  // Inpaint
  // Inpaint: a painted H×W mask (row-major, 1 = known) used instead of `mask` when non-empty;
  // its size must match the images' (an error in the result otherwise).
  std::vector<uint8_t> customMask;
  int64_t imageIndex = 0;  // Inpaint / Colorize: the dataset image observed
  std::string imageFile;   // or this image file (PNG, JPEG…), resized to the data's
  int maxFrames = 120;     // recorded frames, evenly over the steps
  // Class guidance (MATH.md §6): s + w ∇ log p_t(guideClass | x) with a trained classifier's
  // snapshot; off while guideClass < 0 or there is no classifier.
  int guideClass = -1;
  double guidance = 1.0;
  std::shared_ptr<const train::ClassifierSnapshot> classifier;
};

// One recorded moment: every image of the grid and its Tweedie estimate.
struct ImageFrame {
  double t = 0, sigma = 0;  // time and σ(t) of the run's SDE
  int64_t step = 0, nfe = 0;
  std::vector<float> x;   // n×C×H×W in [0, 1] (clamped)
  std::vector<float> x0;  // x̂₀ = (x + σ² s(x, t)) / a, n×C×H×W in [0, 1] (clamped)
};

struct ImageRunResult {
  ImageRunRequest request;
  int channels = 0, size = 0;  // C and H = W
  int64_t n = 0;
  double T = 1.0;
  sde::SdeConfig sde;  // the run's SDE (the exact score's VP, or the model's), resolved
  std::vector<std::shared_ptr<const ImageFrame>> frames;  // in run order (t falls)
  std::vector<float> observation;  // C×H×W in [0, 1] when conditioned (unknown pixels grey)
  std::vector<float> source;       // C×H×W in [0, 1] when conditioned: the dataset image itself
  std::vector<uint8_t> mask;       // H×W, 1 = known: the mask inpainting used (else empty)
  std::string scoreName, status;   // e.g. "exact (empirical, 500 images)", "done: 1000 steps"
  double secondsLeft = -1;         // while running at a known pace (fixed-step samplers), else -1
  std::string error;               // a failed load or run; then frames may be empty
  std::string warning;             // what the load skipped (ImageScore::skipped), else empty
  double loadProgress = 0;         // the dataset load's fraction done (1 once loaded)
  bool done = false;
  // The recorded frame nearest to t (null when there is none yet).
  std::shared_ptr<const ImageFrame> frameAt(double t) const;
};

// request / latest / lastError / busy / waitIdle are RequestWorker's; its cache is withCache's.
class ImageRunWorker : public RequestWorker<ImageRunRequest, ImageRunResult> {
 public:
  ImageRunWorker();
};

}  // namespace ss::scene
