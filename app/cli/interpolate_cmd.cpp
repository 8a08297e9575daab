// scorescope interpolate: the latent interpolation strip of MATH.md §5 from the command line.
// Two dataset images are encoded to x(T) through the probability-flow ODE (a U-Net checkpoint
// with --model, else the exact empirical score of the first --limit images), the codes are
// interpolated (slerp, or --linear) and every frame decoded back; the strip is written as one
// PNG row with the sources at the ends. It runs the image explorer's InterpolationWorker.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/common/runtime.h"
#include "core/data/image_dataset.h"
#include "core/scene/image_interp.h"
#include "core/train/model_open.h"
#include "core/train/snapshot.h"
#include "core/train/trainer.h"

namespace ss::app {

namespace {

constexpr int64_t kDefaultExactImages = 1000;  // as sample --score exact

// The strip as one [C, H, W'] row: A, the frames, B.
torch::Tensor stripImage(const scene::InterpolationResult& r) {
  const int64_t C = r.channels, S = r.size;
  std::vector<torch::Tensor> tiles;
  auto tile = [&](const std::vector<float>& v) {
    return torch::from_blob(const_cast<float*>(v.data()), {C, S, S}, torch::kFloat32).clone();
  };
  tiles.push_back(tile(r.sourceA));
  for (const auto& f : r.frames) tiles.push_back(tile(f));
  tiles.push_back(tile(r.sourceB));
  return data::imageGrid(torch::stack(tiles), static_cast<int>(tiles.size()));
}

}  // namespace

CLI::App* addInterpolateCommand(CLI::App& app, AppOptions& o, InterpolateOptions& io) {
  auto* sub =
      app.add_subcommand("interpolate",
                         "Latent interpolation between two dataset images through the "
                         "probability-flow ODE: encode both to "
                         "x(T), interpolate, decode each frame; writes the strip as one PNG row. "
                         "The exact score is VP with "
                         "eps = 1e-3, as in the image explorer; a model brings its own SDE, "
                         "ending at eps = 1e-3 on VP as image sampling does");
  addSharedOptions(*sub, o);
  sub->add_option("--model", io.model,
                  "U-Net checkpoint or TorchScript image model (default: the exact empirical score "
                  "of --limit images)");
  sub->add_option("--score", io.score,
                  "exact: the exact empirical score of --limit images (the default without "
                  "--model), as sample and render take it");
  sub->add_option("--a", io.a, "The first dataset image (index)")->capture_default_str();
  sub->add_option("--b", io.b, "The second dataset image (index)")->capture_default_str();
  sub->add_option("--frames", io.frames, "Decoded frames, both ends included (2-32)")
      ->capture_default_str();
  sub->add_flag("--linear", io.linear,
                "Interpolate the codes along a straight line instead of slerp");
  sub->add_option("--rtol", io.rtol, "RK45 relative tolerance")->capture_default_str();
  sub->add_option("--atol", io.atol, "RK45 absolute tolerance")->capture_default_str();
  sub->add_option("--out", io.out, "The strip as a PNG (written atomically)")
      ->capture_default_str();
  sub->add_flag("--json", io.json, "End with one JSON object on the last line");
  return sub;
}

namespace {

// The strip's request from the options: the images, frames and method, and the score (the
// checkpoint's U-Net, whose data it uses unless --data names an image set, or the exact one).
Expected<scene::InterpolationRequest> interpolationRequest(const AppOptions& o,
                                                           const InterpolateOptions& io,
                                                           const std::string& device) {
  if (!io.score.empty() && io.score != "exact")
    return Error{"unknown --score '" + io.score + "': the only choice is exact"};
  if (!io.score.empty() && !io.model.empty())
    return Error{"choose one of --model FILE (a checkpoint or TorchScript model) or --score exact"};
  scene::InterpolationRequest req;
  req.data = o.data;
  req.limit = o.limit > 0 ? o.limit : kDefaultExactImages;
  req.indexA = io.a;
  req.indexB = io.b;
  req.frames = io.frames;
  req.spherical = !io.linear;
  req.rtol = io.rtol;
  req.atol = io.atol;
  if (!io.model.empty()) {
    // The checkpoint names its data: it is used unless --data names an image dataset.
    auto snap = train::loadModelSnapshot(io.model, device, modelOpenOptions(o));
    if (!snap) return snap.error();
    if (!snap.value()->isImage()) return Error{io.model + " holds a 2D model, not an image model"};
    if (!data::isImageDatasetSpec(o.data)) req.data = snap.value()->data;
    if (device == "cpu" && !snap.value()->imported)
      req.model = io.model;  // the worker loads it (and names it) itself
    else
      req.snapshot = snap.value();  // on the GPU
  } else if (!data::isImageDatasetSpec(o.data)) {
    return Error{"'" + o.data +
                 "' is not an image dataset: give --data fashion-mnist, twemoji or a folder, "
                 "or --model FILE"};
  }
  return req;
}

}  // namespace

int runInterpolate(const AppOptions& o, const InterpolateOptions& io) {
  using Clock = std::chrono::steady_clock;
  if (!io.out.empty())
    if (auto ok = checkOutputName(io.out, "--out", ".png", "the strip as a PNG"); !ok)
      return fail("interpolate", ok.error().message);
  auto device = computeDeviceFrom(o);
  if (!device) return fail("interpolate", device.error().message);

  auto asked = interpolationRequest(o, io, device.value());
  if (!asked) return fail("interpolate", asked.error().message);
  const scene::InterpolationRequest& req = asked.value();
  if (!io.json)
    std::printf("interpolating %s images %lld and %lld (%s, %d frames) on %s\n", req.data.c_str(),
                static_cast<long long>(req.indexA), static_cast<long long>(req.indexB),
                req.spherical ? "slerp" : "linear", req.frames, device.value().c_str());

  const auto start = Clock::now();
  scene::InterpolationWorker worker;
  worker.request(req);
  const bool bar = !io.json && isatty(STDERR_FILENO);
  while (!worker.waitIdle(std::chrono::milliseconds(200)))
    if (auto r = worker.latest(); bar && r)
      std::fprintf(stderr, "\r%s, NFE %lld   ", r->status.c_str(), static_cast<long long>(r->nfe));
  if (bar) std::fprintf(stderr, "\n");
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  const auto r = worker.latest();
  if (!r) return fail("interpolate", "the worker published nothing");
  if (!r->error.empty()) return fail("interpolate", r->error);
  if (!r->warning.empty()) std::fprintf(stderr, "scorescope interpolate: %s\n", r->warning.c_str());
  if (!r->done) return fail("interpolate", "the interpolation stopped before it was done");

  if (!io.out.empty()) {
    try {
      auto written = data::writePng(io.out, stripImage(*r));
      if (!written) return fail("interpolate", written.error().message);
    } catch (const std::exception& e) {
      return fail("interpolate", e.what());
    }
  }
  if (io.json) {
    nlohmann::json j = {{"data", req.data},
                        {"score", r->scoreName},
                        {"a", req.indexA},
                        {"b", req.indexB},
                        {"method", req.spherical ? "slerp" : "linear"},
                        {"frames", static_cast<int>(r->frames.size())},
                        {"nfe", r->nfe},
                        {"roundtrip_error", r->roundTripError},
                        {"latent_angle_deg", r->latentAngle},
                        {"rtol", req.rtol},
                        {"atol", req.atol},
                        {"shape", {r->channels, r->size, r->size}},
                        {"device", device.value()},
                        {"wall_s", wall}};
    if (!io.out.empty()) j["out"] = io.out;
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("score: %s; RK45 rtol %g atol %g\n", r->scoreName.c_str(), req.rtol, req.atol);
    std::printf("%zu frames, %lld score evaluations in %.1f s; the codes are %.0f degrees apart\n",
                r->frames.size(), static_cast<long long>(r->nfe), wall, r->latentAngle);
    std::printf("round trip: max |decode(encode(x)) - x| = %.3g over both ends%s%s\n",
                r->roundTripError, io.out.empty() ? "" : "; wrote ", io.out.c_str());
  }
  return 0;
}

}  // namespace ss::app
