// CanvasTools: what a left click or drag on the 2D canvas does besides panning. Probes drop
// a particle (or a cluster) at the shown t and run the reverse SDE and PF-ODE paths on a
// ProbeWorker; encode runs a data point's ODE path up to x(T); draw and erase paint a
// dataset that "use as dataset" writes as a CSV and switches the explorer to. Owns the
// probe worker, the kept probes and the drawing. UI thread; never waits on the worker.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/scene/point_cloud.h"
#include "core/scene/probe_worker.h"
#include "ui/session/explorer_state.h"
#include "ui/views/canvas2d.h"
#include "ui/views/draw_tool.h"

namespace ss::train {
struct ModelSnapshot;
}

namespace ss::ui {

enum class CanvasTool { Pan, DropParticle, DropCluster, Encode, Draw, Erase };
const char* toString(CanvasTool tool);  // "Pan", "Drop particle", …

// `--probe` (scripted probes for screenshots): "X,Y" drops a particle, "cluster:X,Y" a
// cluster, "encode:X,Y" encodes the data point nearest (X, Y).
struct ProbeSpec {
  CanvasTool tool = CanvasTool::DropParticle;
  Vec2 at;
};
Expected<ProbeSpec> parseProbeSpec(const std::string& text);

class CanvasTools {
 public:
  static constexpr size_t kKeptProbes = 8;
  static constexpr float kSnapPixels = 8;  // encode snaps to a data point this close

  CanvasTool tool = CanvasTool::Pan;
  Brush brush;
  int clusterSize = 16;
  float clusterRadius = 0.15f;  // world units: the disc a cluster fills

  // Once per frame after the canvas drew (pointer() of that draw): a click drops or encodes,
  // a drag paints or erases. `model`: the learned snapshot, or null for the exact score.
  void handlePointer(const CanvasPointer& p, const ExplorerState& state,
                     const scene::PointCloud* cloud,
                     std::shared_ptr<const train::ModelSnapshot> model);
  // Queues a probe as a click of `kind` at `at` would (the scripted --probe flag too).
  void probe(CanvasTool kind, Vec2 at, const ExplorerState& state, const scene::PointCloud* cloud,
             std::shared_ptr<const train::ModelSnapshot> model, float unitsPerPixel);
  // Once per frame: keeps finished probes (the newest kKeptProbes) and sends the next queued.
  void poll();
  bool idle() const { return m_pending.empty() && !m_inFlight && !m_worker.busy(); }
  void clearProbes() { m_probes.clear(), m_pending.clear(); }
  // Once per frame with the shown data and (resolved) SDE: probes are paths under the data
  // and SDE they were dropped on, so a change ("Use as dataset", another dataset or SDE, a
  // scene) clears them.
  void followShown(const std::string& data, const sde::SdeConfig& sde);
  const std::deque<std::shared_ptr<const scene::ProbeResult>>& probes() const { return m_probes; }

  // The probes, the drawing (Draw/Erase tools, or while points are drawn) and the brush ring.
  void decorate(CanvasScene& scene) const;

  DrawModel& drawing() { return m_drawing; }
  const DrawModel& drawing() const { return m_drawing; }
  // Writes the drawing to a new drawn-<n>.csv under `dir` and points state.data at it (the
  // caller asks the data worker for it). Fewer than 2 points: an error, nothing changes.
  Expected<std::string> useAsDataset(ExplorerState& state, const std::string& dir);

  // The last thing worth telling the user (probe errors, what was written), and whether it
  // is an error.
  std::string message() const;
  bool messageIsError() const;

 private:
  std::deque<std::shared_ptr<const scene::ProbeResult>> m_probes;
  std::deque<scene::ProbeRequest> m_pending;
  bool m_inFlight = false;
  uint64_t m_nextId = 1, m_seenVersion = 0;
  DrawModel m_drawing;
  std::string m_message;
  bool m_messageError = false;
  std::string m_shownData;  // the data and SDE the probes were dropped on (followShown)
  sde::SdeConfig m_shownSde;
  scene::ProbeWorker m_worker;  // last: its thread stops first
};

}  // namespace ss::ui
