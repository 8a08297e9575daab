#include "core/scene/image_interp.h"

#include "core/scene/tensor_floats.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "core/likelihood/likelihood.h"
#include "core/scene/image_score.h"

namespace ss::scene {

struct InterpolationWorkerCache {
  ImageScoreCache scores;
};

namespace {

// The order frames are decoded in: both ends first (the round trip), then left to right.
std::vector<int> decodeOrder(int n) {
  std::vector<int> order{0, n - 1};
  for (int k = 1; k < n - 1; ++k) order.push_back(k);
  return order;
}

}  // namespace

namespace {

// The angle between two codes, in degrees.
double angleDegrees(const torch::Tensor& za, const torch::Tensor& zb) {
  auto a = za.reshape({-1}), b = zb.reshape({-1});
  const double c = (a.dot(b) / (a.norm() * b.norm()).clamp_min(1e-300)).item<double>();
  return std::acos(std::clamp(c, -1.0, 1.0)) * 180.0 / std::numbers::pi;
}

// The request's checks: frames in [2, 32], positive finite tolerances.
void validate(const InterpolationRequest& req) {
  if (req.frames < 2 || req.frames > 32)
    throw Failure("frames (" + std::to_string(req.frames) + ") must lie in [2, 32]");
  if (!(req.rtol > 0) || !(req.atol > 0) || !std::isfinite(req.rtol) || !std::isfinite(req.atol))
    throw Failure("rtol and atol must be positive and finite");
}

}  // namespace

void computeInterpolationWorker(InterpolationRequest& req,
                                RequestWorker<InterpolationRequest, InterpolationResult>& w,
                                InterpolationWorkerCache& cache) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  torch::NoGradGuard noGrad;
  auto result = std::make_shared<InterpolationResult>();
  result->request = req;
  auto publish = [&] {
    result->wallSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    w.publish(std::make_shared<const InterpolationResult>(*result));
  };
  try {
    validate(req);
    const ImageScore& s = cache.scores.load(req.data, req.limit, req.model, req.snapshot);
    result->channels = s.channels;
    result->size = s.size;
    result->scoreName = s.scoreName;
    result->warning = s.skipped;
    auto sources = cache.scores.datasetImages({req.indexA, req.indexB});  // [2, C, H, W], CPU
    result->sourceA = toFloats(sources[0]);
    result->sourceB = toFloats(sources[1]);
    result->frames.assign(req.frames, {});
    result->status =
        "encoding images " + std::to_string(req.indexA) + " and " + std::to_string(req.indexB);
    publish();

    // Encode both in float64 (the integrator's own precision), so the codes are not rounded.
    const auto x = sources.to(s.device, torch::kFloat64);
    const auto stop = [&] { return w.superseded(); };  // a newer request, or the worker closing
    auto enc = likelihood::encode(*s.score, *s.sde, x, req.rtol, req.atol, stop);
    result->nfe += enc.nfe;
    if (enc.stopped || w.superseded()) return;
    const auto z = enc.x;  // [2, C, H, W]
    result->latentAngle = angleDegrees(z[0], z[1]);
    const auto how =
        req.spherical ? likelihood::Interpolation::Spherical : likelihood::Interpolation::Linear;
    // [1, C, H, W] ends: interpolate drops a leading 1 as the batch, so passing z[0] ([C, H, W])
    // would lose C = 1 of a grey image.
    const auto path =
        likelihood::interpolate(z.narrow(0, 0, 1), z.narrow(0, 1, 1), req.frames, how);
    result->status = "encoded; decoding " + std::to_string(req.frames) + " frames";
    publish();

    double roundTrip = 0;
    TORCH_CHECK(path.dim() == 4, "interpolation path is not [frames, C, H, W]");
    for (int k : decodeOrder(req.frames)) {
      if (w.superseded()) return;
      // One frame per solve: each gets its own step sizes (the error norm spans the batch),
      // so a frame decodes the same whatever else is asked for.
      auto dec =
          likelihood::decode(*s.score, *s.sde, path[k].unsqueeze(0), req.rtol, req.atol, stop);
      if (dec.stopped) return;
      result->nfe += dec.nfe;
      const auto img = dec.x[0].to(torch::kCPU);
      if (k == 0 || k == req.frames - 1) {
        const auto src = sources[k == 0 ? 0 : 1].to(torch::kFloat64);
        roundTrip = std::max(roundTrip, (img - src).abs().max().item<double>());
      }
      if (!torch::isfinite(img).all().item<bool>())
        throw Failure("frame " + std::to_string(k) + " decoded to non-finite values");
      result->frames[k] = toFloats(img.clamp(0, 1));
      ++result->decoded;
      if (result->decoded == 2) result->roundTripError = roundTrip;
      result->done = result->decoded == req.frames;
      result->status = result->done ? "done: " + std::to_string(req.frames) + " frames"
                                    : "decoded " + std::to_string(result->decoded) + " of " +
                                          std::to_string(req.frames);
      publish();
    }
  } catch (const std::exception& e) {
    result->error = e.what();
    result->frames.clear();
    result->decoded = 0;
    result->done = true;
    result->status = "failed";
    publish();
  }
}

InterpolationWorker::InterpolationWorker() : RequestWorker(withCache(computeInterpolationWorker)) {}

}  // namespace ss::scene
