#include "ui/explorer2d/layer_requests.h"

#include <algorithm>
#include <cmath>

namespace ss::ui {

namespace {

constexpr double kModelDensitySnapshotSeconds = 2.5;

bool sameView(const std::array<float, 4>& a, const std::array<float, 4>& b) {
  // Half a finest-grid cell of the view's width: below what the heatmap can show.
  const float tol = 0.5f * std::max(a[2] - a[0], a[3] - a[1]) / 128.0f;
  for (int i = 0; i < 4; ++i)
    if (std::abs(a[i] - b[i]) > tol) return false;
  return true;
}

}  // namespace

std::optional<scene::FieldRequest> FieldRequester::next(
    const ExplorerState& state, const scene::PointCloud* cloud,
    std::shared_ptr<const train::ModelSnapshot> trained, const Viewport& view) {
  if (!cloud) return std::nullopt;
  auto r = fieldRequestFor(state, *cloud, std::move(trained), view);
  if (!r || r == m_last) return std::nullopt;
  m_last = r;
  return r;
}

std::string ModelDensityRequester::update(scene::DensityWorker& worker, const ExplorerState& state,
                                          const scene::PointCloud* cloud,
                                          std::shared_ptr<const train::ModelSnapshot> trained,
                                          uint64_t version, const Viewport& view, bool recording) {
  const auto& o = state.canvas;
  if (!cloud || !o.showDensity || o.densitySource != DensitySource::Model) return "";
  auto snap = std::move(trained);
  if (!snap) return "needs a trained model (start training)";
  const auto now = std::chrono::steady_clock::now();
  // While playing, t moves every frame: ask for the coarse level alone, once the last one is
  // done, so it keeps up; the refinement follows when the timeline stops.
  const bool coarse = state.playing;
  if (coarse && worker.busy()) return worker.latest() ? "" : "computing\u2026";
  const auto detail = recording ? DensityDetail::Recording
                                : (coarse ? DensityDetail::Coarse : DensityDetail::Refined);
  auto r = modelDensityRequestFor(state, *cloud, std::move(snap), view, detail);
  const bool moved = m_snapshot == 0 || std::abs(r->t - m_t) > 1e-6 ||
                     !sameView(view.bounds, m_bounds) || coarse != m_coarse ||
                     recording != m_recording;
  const bool newModel =
      !recording && version != m_snapshot && !worker.busy() &&
      std::chrono::duration<double>(now - m_asked).count() >= kModelDensitySnapshotSeconds;
  if (moved || newModel) {
    m_snapshot = version, m_t = r->t, m_bounds = view.bounds;
    m_coarse = coarse, m_recording = recording, m_asked = now;
    worker.request(std::move(*r));
  }
  if (!worker.latest()) return worker.lastError().empty() ? "computing\u2026" : worker.lastError();
  return "";
}

std::shared_ptr<const train::ClassifierSnapshot> classifierFor(
    const ExplorerState& state, const train::ClassifierTrainer& classifier, uint64_t* used) {
  if (!state.trainedClassifier || state.guideClass < 0) return nullptr;
  uint64_t version = 0;
  auto snap = classifier.snapshot(&version);
  if (!snap || snap->spec.data != state.data.data) return nullptr;
  *used = version;
  return snap;
}

bool followClassifier(const ExplorerState& state, const scene::PointCloud* cloud,
                      train::ClassifierTrainer& classifier,
                      std::optional<train::ClassifierSpec>& requested, bool retrain,
                      uint64_t guidedBy) {
  if (!cloud || !state.trainedClassifier || state.guideClass < 0) return false;
  train::ClassifierSpec spec;
  spec.data = state.data.data;
  spec.sde = resolvedSde(state, cloud);
  if (retrain || !requested || !(spec == *requested)) {
    requested = spec;
    classifier.train(spec);
    return false;
  }
  uint64_t version = 0;
  const auto snap = classifier.snapshot(&version);
  const auto st = classifier.stats();
  return snap && version != guidedBy && snap->spec == spec && st &&
         st->status == train::ClassifierStatus::Done && st->step == snap->step;
}

}  // namespace ss::ui
