// Latent interpolation through the probability-flow ODE (MATH.md §5) for the image explorer
// and `scorescope interpolate`: a worker thread encodes two dataset images to x(T), walks
// between the two codes (slerp or a straight line) and decodes each point back to x(ε),
// publishing the strip as plain floats after the encodes and after every decoded frame. The
// newest request wins; a running one stops between decodes. Torch-free header: the UI
// includes it and never waits.
#pragma once

#include "core/scene/scene_worker.h"

namespace ss::scene {

struct InterpolationRequest {
  std::string data = "fashion-mnist";  // dataset spec (data::loadImageDataset)
  int64_t limit = 500;                 // images of the exact empirical score
  std::string model;                   // U-Net checkpoint; empty = the exact empirical score
  // A live U-Net snapshot (the trainer's EMA model); used instead of `model` when set.
  std::shared_ptr<const train::ModelSnapshot> snapshot;
  int64_t indexA = 0, indexB = 1;  // the dataset images at the ends
  int frames = 9;                  // decoded points, ends included: [2, 32]
  bool spherical = true;           // slerp between the codes (else a straight line)
  // RK45 tolerances of the encodes and decodes: the reference's 1e-5 for both scores. The
  // exact empirical score is stiff near ε (a drift Jacobian of order ½β/σ² ≈ 5·10² at ε = 1e-3),
  // so there RK45's step is bounded by stability, not accuracy, and looser tolerances save
  // little: on 200 Fashion-MNIST images, 9 frames took 692 / 830 / 1004 / 1262 evaluations at
  // 1e-2 / 1e-3 / 1e-4 / 1e-5 for a round trip of 1.5e-2 / 1.7e-3 / 5e-5 / 3e-5 (an 8-bit grey
  // level is 3.9e-3), so the tight tolerance costs a third more and keeps the ends exact.
  double rtol = 1e-5, atol = 1e-5;
};

struct InterpolationResult {
  InterpolationRequest request;
  int channels = 0, size = 0;           // C and H = W
  std::vector<float> sourceA, sourceB;  // C×H×W in [0, 1]: the dataset images themselves
  // frames[k]: the k-th decoded point (k = 0 decodes A's code, k = frames − 1 B's), C×H×W
  // clamped to [0, 1]; empty until decoded (the ends first, then left to right).
  std::vector<std::vector<float>> frames;
  int decoded = 0;  // frames filled in so far
  // max |decode(encode(x)) − x| over both ends' pixels, before clamping; < 0 until both ends
  // are decoded.
  double roundTripError = -1;
  double latentAngle = 0;         // the angle between the two codes, degrees (90 ≈ unrelated)
  int64_t nfe = 0;                // score evaluations so far, encodes and decodes
  double wallSeconds = 0;         // since the request was taken
  std::string scoreName, status;  // e.g. "exact (empirical, 500 images)", "decoding 3 of 9"
  std::string error;              // a bad index, a failed load, a 2D checkpoint…; frames empty
  std::string warning;            // what the load skipped (ImageScore::skipped), else empty
  bool done = false;
};

// request / latest / lastError / busy / waitIdle are RequestWorker's; its cache is withCache's.
class InterpolationWorker : public RequestWorker<InterpolationRequest, InterpolationResult> {
 public:
  InterpolationWorker();
};

}  // namespace ss::scene
