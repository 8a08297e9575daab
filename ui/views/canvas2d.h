// Canvas2D: the 2D plot every 2D mode draws into. Particles go through OpenGL into the
// canvas's own framebuffer (shown as an ImGui image); axes, ticks, captions and legends are
// ImGui draw-list overlays. The GUI and `scorescope render` call the same draw(), so a
// rendered PNG is what the window shows. Drag to pan, wheel to zoom about the cursor.
// UI thread, inside an ImGui frame, with a current GL context.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/scene/point_cloud.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"
#include "ui/gl/objects.h"
#include "ui/views/camera2d.h"
#include "ui/views/point_renderer.h"

namespace ss::ui {

struct CanvasScene {
  std::shared_ptr<const scene::PointCloud> cloud;  // may be null while loading
  uint64_t cloudVersion = 0;
  float a = 1, sigma = 0;  // marginal at the shown t
  std::string title;       // large caption, e.g. "8gaussians · VP SDE"
  std::string subtitle;    // e.g. "t = 0.30   a(t) = 0.72   σ(t) = 0.69"
  std::string colourLegend;  // what the continuous colour encodes
  std::shared_ptr<const scene::VectorField> field;  // score arrows (may be null)
  std::shared_ptr<const scene::RunResult> run;      // reverse modes: trails of traced particles
  double runT = 0;                                  // the shown frame's time
  std::string placeholder = "Loading data…";        // shown while there is no cloud
  // Class legend: names for classes 1..k (compare overlay: one run per class), header above.
  std::vector<std::string> classNames;
  std::string classHeader = "class";
  bool legend = true;  // the colour legend at the top right
  // 2D inpainting: the known coordinate (0 = x₁, 1 = x₂) and its value, drawn as a dashed
  // line with its label; -1 = none.
  int fixedAxis = -1;
  float fixedValue = 0;
};

struct CanvasOptions {
  float pointSize = 4.0f;  // logical pixels
  float alpha = 0.8f;
  std::optional<ColourMode> colourMode;  // empty: by class when there are 2..10 classes
  bool showGrid = true;
  bool showMeans = false;  // mixture means as crosses
  bool followSpread = false;  // re-frame every frame to a(t)·data ± 2.5σ(t) (VE grows to σmax)
  bool showLearnedField = true;  // arrows of the learned score (when a model exists)
  bool showExactField = false;   // arrows of the exact score beside it
  bool showTrails = true;        // reverse modes: paths of the traced particles up to t
  int fieldResolution = 24;      // arrows across the view
  bool showDensity = false;      // heatmap of the exact p_t under the particles
  bool logDensity = true;        // colour by log p_t (8 nats below the peak → dark)
  bool showScoreError = false;   // heatmap of p_t·‖s_θ − ∇log p_t‖² instead (needs a model)
  // The world box (xmin, ymin, xmax, ymax) a fit frames (a scene's camera); empty: the
  // data's bounds with the unit prior disc.
  std::optional<std::array<float, 4>> view;
  // Exports: no background behind the plot (PNG alpha 0 where nothing is drawn).
  bool transparentBackground = false;
};

// Where the last draw placed the plot, for tests and picking.
struct PlotGeometry {
  Vec2 origin;  // top-left of the plot area, logical pixels in the ImGui window space
  Vec2 size;    // logical pixels
  Camera2D camera;
};

class Canvas2D {
 public:
  // Fills `size` logical pixels at the current ImGui cursor. `interactive` enables pan/zoom.
  void draw(const CanvasScene& scene, const CanvasOptions& options, Vec2 size, bool interactive);

  // Frames the data's bounds on the next draw (also done for a new cloud).
  void requestFit() { m_fitPending = true; }
  const PlotGeometry& geometry() const { return m_geometry; }
  const std::string& error() const { return m_error; }
  // The world rectangle the plot shows (xmin, ymin, xmax, ymax), as of the last draw.
  std::array<float, 4> visibleWorld() const;
  // True once after the user panned or zoomed (the app then stops following the spread).
  bool takeUserMoved() { return std::exchange(m_userMoved, false); }
  // Compare panes share one camera: with an override the draw uses it instead of framing the
  // data (a double-click still fits; pan/zoom still move this canvas's copy, read by camera()).
  void setCameraOverride(std::optional<Camera2D> camera) { m_override = camera; }
  const Camera2D& camera() const { return m_camera; }
  void setCamera(const Camera2D& camera) {
    m_camera = camera;
    m_fitPending = false;
  }

 private:
  void drawAxes(Vec2 origin, Vec2 size, bool grid) const;
  void drawCaptions(const CanvasScene& scene, const CanvasOptions& options, Vec2 origin, Vec2 size,
                    ColourMode mode) const;
  bool ensureResources(int fbWidth, int fbHeight);
  bool heatShown(const CanvasScene& scene, const CanvasOptions& options) const;
  void drawDensity(const CanvasScene& scene, const CanvasOptions& options);  // into the bound FBO
  void drawDensityLegend(const CanvasOptions& options, Vec2 origin, Vec2 size) const;
  void drawTrails(const CanvasScene& scene, Vec2 origin, Vec2 size) const;
  void drawField(const CanvasScene& scene, const CanvasOptions& options, Vec2 origin, Vec2 size) const;

  std::optional<PointRenderer> m_points;
  std::optional<gl::Framebuffer> m_fbo;
  std::optional<gl::Framebuffer> m_heat;        // the density heatmap, one texel per grid cell
  std::shared_ptr<const scene::VectorField> m_heatSource;  // what m_heat shows
  bool m_heatLog = true;
  bool m_heatError = false;
  float m_heatPeak = 0;                         // max p_t (or log p_t) of the shown grid
  Camera2D m_camera;
  std::optional<Camera2D> m_override;
  PlotGeometry m_geometry;
  bool m_fitPending = true;
  bool m_userMoved = false;
  std::string m_fittedData;
  std::string m_error;
};

}  // namespace ss::ui
