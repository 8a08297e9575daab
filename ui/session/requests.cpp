#include "ui/session/requests.h"

#include <algorithm>
#include <cmath>

namespace ss::ui {

namespace {

// RK45 rtol = atol of the model's density: ~1e-3 nats, 2–3× fewer steps than 1e-5.
constexpr double kModelDensityTolerance = 1e-4;
// A recording's frames wait for the model's density refined to 64 cells across (a few
// seconds a frame here) rather than the 128 of a still view (~30 s).
constexpr int kRecordDensityFinest = 64;

float aspectOf(const std::array<float, 4>& b) {
  return (b[3] - b[1]) / std::max(b[2] - b[0], 1e-6f);
}

}  // namespace

double evaluationTime(const sde::SdeConfig& resolved, double t) {
  return std::clamp(t, resolved.eps, resolved.T);
}

int densityCells(float widthPx) {
  return std::clamp(static_cast<int>(std::lround(widthPx / 6.0f)), 64, 256);
}

std::optional<scene::FieldRequest> fieldRequestFor(
    const ExplorerState& state, const scene::PointCloud& cloud,
    std::shared_ptr<const train::ModelSnapshot> model, const Viewport& view) {
  const auto& o = state.canvas;
  if (!(o.showLearnedField || o.showExactField || o.showDensity || o.showScoreError))
    return std::nullopt;
  scene::FieldRequest r;
  r.model = o.showLearnedField || o.showScoreError ? std::move(model) : nullptr;
  r.exact = o.showExactField;
  r.scoreError = o.showScoreError && r.model;
  r.data = cloud.request.data;
  r.sde = resolvedSde(state, &cloud);
  r.t = evaluationTime(r.sde, state.t);
  r.bounds = view.bounds;
  if (state.classifierFree && state.guideClass >= 0 && state.mode != scene::RunMode::Forward) {
    r.cfgClass = state.guideClass;  // the fields of the guided runs (MATH.md §6)
    r.cfgScale = state.guidance;
  }
  const float aspect = aspectOf(view.bounds);
  r.nx = std::clamp(o.fieldResolution, 2, 128);
  r.ny = std::clamp(static_cast<int>(std::lround(r.nx * aspect)), 2, 128);
  // Streamlines of the learned flow, or of the exact one when asked or when there is no model.
  const bool stream =
      o.fieldStreamlines && !(o.fieldDifference && o.showLearnedField && o.showExactField);
  r.streamLearned = stream && o.showLearnedField && r.model;
  r.streamExact = stream && (o.showExactField || (o.showLearnedField && !r.model));
  if (r.streamLearned || r.streamExact) scene::setStreamGrid(r, r.nx);
  // The exact density, unless the model's replaces it (the error map still needs it).
  const bool modelDensity = o.showDensity && o.densitySource == DensitySource::Model;
  if ((o.showDensity && !modelDensity) || r.scoreError) {
    r.densityNx = densityCells(view.widthPx);
    r.densityNy = std::clamp(static_cast<int>(std::lround(r.densityNx * aspect)), 2, 4 * 256);
  }
  const bool learned = r.model && o.showLearnedField;
  if (!learned && !r.exact && !r.streamExact && !r.scoreError && r.densityNx == 0)
    return std::nullopt;
  if (!learned && !r.scoreError) r.model = nullptr;
  return r;
}

bool stillShown(const std::string& data, const sde::SdeConfig& sde, const ExplorerState& state,
                const scene::PointCloud& cloud) {
  return data == cloud.request.data && sde == resolvedSde(state, &cloud);
}

std::optional<scene::DensityRequest> modelDensityRequestFor(
    const ExplorerState& state, const scene::PointCloud& cloud,
    std::shared_ptr<const train::ModelSnapshot> model, const Viewport& view, DensityDetail detail) {
  const auto& o = state.canvas;
  if (!model || !o.showDensity || o.densitySource != DensitySource::Model) return std::nullopt;
  scene::DensityRequest r;
  r.model = std::move(model);
  r.data = cloud.request.data;  // what the model is shown over (the worker uses the model's)
  r.sde = resolvedSde(state, &cloud);
  r.t = evaluationTime(r.sde, state.t);
  r.bounds = view.bounds;
  r.rtol = r.atol = kModelDensityTolerance;
  switch (detail) {
    case DensityDetail::Coarse:
      r.finest = r.coarsest;
      break;
    case DensityDetail::Recording:
      r.finest = kRecordDensityFinest;
      break;
    case DensityDetail::FinestOnly:
      r.coarsest = r.finest;
      break;
    case DensityDetail::Refined:
      break;
  }
  return r;
}

scene::ProbeRequest probeRequestFor(const ExplorerState& state, const scene::PointCloud* cloud,
                                    std::shared_ptr<const train::ModelSnapshot> model,
                                    scene::ProbeKind kind, uint64_t id) {
  scene::ProbeRequest r;
  r.kind = kind;
  r.id = id;
  r.model = state.useModel ? std::move(model) : nullptr;
  r.data = state.data.data;
  r.sde = resolvedSde(state, cloud);
  r.sampler = state.sampler;
  r.t = state.t;
  r.seed = state.data.seed + id;
  return r;
}

scene::ImageRunRequest imageRunRequestFor(const Scene& scene) {
  scene::ImageRunRequest r = scene.images;
  r.data = scene.state.data.data;
  r.sampler = scene.state.sampler;
  if (r.model.empty()) r.model = scene.model.checkpoint;
  return r;
}

Expected<scene::ImageRunRequest> compareRunRequestFor(const scene::ImageRunRequest& run,
                                                      const std::string& preset) {
  auto p = sample::samplerPreset(preset);
  if (!p) return p.error();
  scene::ImageRunRequest r = run;
  r.sampler = p.value();
  r.sampler.steps = run.sampler.steps;
  return r;
}

scene::InterpolationRequest interpolationRequestFor(const scene::ImageRunRequest& run,
                                                    const Scene::Interpolation& strip) {
  return {.data = run.data,
          .limit = run.limit,
          .model = run.model,
          .snapshot = run.snapshot,
          .indexA = strip.a,
          .indexB = strip.b,
          .frames = std::clamp(strip.frames, 2, 32),
          .spherical = strip.spherical};
}

}  // namespace ss::ui
