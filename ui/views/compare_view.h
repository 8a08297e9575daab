// Compare mode of the 2D explorer: two or three reverse runs from the same prior draw on one
// timeline. CompareRuns owns a RunWorker and a RunView per pane; CompareView draws the panes
// side by side (one Canvas2D each, one shared camera) or overlaid in one pane, rings the
// picked particle in every pane and picks a particle on a click. UI thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"
#include "ui/session/explorer_state.h"
#include "ui/views/canvas2d.h"

namespace ss::ui {

class CompareRuns {
 public:
  // Requests a run for each pane whose request changed (or all on `resample`), then picks
  // every pane's frame at state.t.
  void update(const ExplorerState& state, const scene::PointCloud* cloud,
              std::shared_ptr<const train::ModelSnapshot> model, bool resample);
  std::vector<const RunView*> views() const;
  const scene::RunResult* run(size_t pane) const;
  bool busy() const;
  bool done() const;              // every pane's run is complete
  std::string lastError() const;  // the first pane's error, "pane K: …"

 private:
  std::vector<std::unique_ptr<scene::RunWorker>> m_workers;
  std::vector<RunView> m_views;
  std::vector<scene::RunRequest> m_sent;
};

class CompareView {
 public:
  // Fills `size` logical pixels at the cursor. `views[i]` is pane i's run at state.t (null
  // or without a frame: "Sampling…"); `field` (optional) is drawn in every pane. A click
  // (not a drag) in a pane stores the particle nearest to it in state.compare.picked.
  void draw(ExplorerState& state, const std::shared_ptr<const scene::PointCloud>& cloud,
            uint64_t version, const std::vector<const RunView*>& views, Vec2 size, bool interactive,
            std::shared_ptr<const scene::VectorField> field = nullptr);

  // The GUI's canvas becomes pane 0 (it keeps its camera across modes, and "fit" on it fits
  // every pane); it must outlive this view. Without one the view owns pane 0 too.
  void setLeader(Canvas2D* canvas) { m_leader = canvas; }
  void requestFit();
  bool takeUserMoved();
  // Canvas tools in compare mode. With pan off (a tool other than Pan) a left press or drag
  // in any pane goes to pointer() instead of panning or picking a particle; `decorate`
  // (optional) adds the tools' probes, drawing and brush to every pane's scene, so a probe
  // dropped in one pane shows in all of them.
  void setPanEnabled(bool on) { m_panEnabled = on; }
  void setDecorate(std::function<void(CanvasScene&)> decorate) { m_decorate = std::move(decorate); }
  // The last draw's pointer: the pane's that was pressed, held or released in, else the
  // hovered pane's (all false when the mouse is over none, or pan is on).
  const CanvasPointer& pointer() const { return m_pointer; }
  // While a pane's 2D inpainting line is dragged, its value (as Canvas2D::lineDrag()).
  std::optional<float> lineDrag() const { return m_lineDrag; }
  // The pane whose camera the others follow (visibleWorld() for score fields).
  const Canvas2D& leader() const;
  // Where each pane's plot landed in the last draw (one in overlay).
  const std::vector<PlotGeometry>& geometries() const { return m_geometry; }
  std::string error() const;

  static constexpr unsigned kRingColour = 0xFFF050FFu;  // IM_COL32(255, 80, 240, 255): magenta

 private:
  Canvas2D& pane(size_t i);
  void drawSplit(ExplorerState& state, const std::shared_ptr<const scene::PointCloud>& cloud,
                 uint64_t version, const std::vector<const RunView*>& views, Vec2 size,
                 bool interactive, const std::shared_ptr<const scene::VectorField>& field);
  void drawOverlay(ExplorerState& state, const std::shared_ptr<const scene::PointCloud>& cloud,
                   const std::vector<const RunView*>& views, Vec2 size, bool interactive,
                   const std::shared_ptr<const scene::VectorField>& field);
  void pick(ExplorerState& state, const PlotGeometry& g, const std::vector<const RunView*>& views,
            size_t first, size_t last) const;

  void collectPointer(const Canvas2D& canvas);

  Canvas2D* m_leader = nullptr;
  bool m_panEnabled = true;
  std::function<void(CanvasScene&)> m_decorate;
  CanvasPointer m_pointer;
  std::optional<float> m_lineDrag;
  std::vector<std::unique_ptr<Canvas2D>> m_panes;  // GL objects: destroyed before the context
  std::vector<PlotGeometry> m_geometry;
  // The overlay's merged cloud, rebuilt when a pane's frame changes.
  std::shared_ptr<const scene::PointCloud> m_overlay;
  std::vector<const scene::RunFrame*> m_overlayFrames;
  uint64_t m_overlayVersion = 1ull << 62;
};

// The run's metrics once done ("sw2 … (floor …)", then `separator`, "NLL … (entropy …)"),
// else "running…".
std::string paneMetrics(const scene::RunResult& run, const char* separator = "   ");

}  // namespace ss::ui
