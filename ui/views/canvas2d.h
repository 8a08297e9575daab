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

#include "core/scene/density_worker.h"
#include "core/scene/point_cloud.h"
#include "core/scene/probe_worker.h"
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
  // Speed colouring: dx/dt = dadt·x0 + dsdt·ε (forward: a′(t), σ′(t); a run cloud: 0, 1,
  // its velocity kept in ε), coloured up to speedMax (the speeds' 99th percentile).
  float dadt = 0, dsdt = 0, speedMax = 0;
  std::string title;                                // large caption, e.g. "8gaussians · VP SDE"
  std::string subtitle;                             // e.g. "t = 0.30   a(t) = 0.72   σ(t) = 0.69"
  std::string colourLegend;                         // what the continuous colour encodes
  std::shared_ptr<const scene::VectorField> field;  // score arrows (may be null)
  std::shared_ptr<const scene::RunResult> run;      // reverse modes: trails of traced particles
  double runT = 0;                                  // the shown frame's time
  std::string placeholder = "Loading data…";        // shown while there is no cloud
  // Class legend: names for classes 1..k (compare overlay: one run per class), header above.
  std::vector<std::string> classNames;
  std::string classHeader = "class";
  bool legend = true;  // the colour legend at the top right
  // The model's log p_t from the PF-ODE (DensityWorker), drawn instead of the exact density
  // when CanvasOptions::densitySource is Model. Null there: the field's logDensity is the
  // model's (render fills it so), unless `modelDensityPending` says why there is none yet
  // (the GUI: "computing…", "needs a trained model"); the legend shows it.
  std::shared_ptr<const scene::DensityGrid> modelDensity;
  std::string modelDensityPending;
  bool modelDensityRefining = false;  // a newer grid is being computed (the GUI)
  // 2D inpainting: the known coordinate (0 = x₁, 1 = x₂) and its value, drawn as a dashed
  // line with its label; -1 = none.
  int fixedAxis = -1;
  float fixedValue = 0;
  // PC step-through: the run's move to draw as arrows (−1: none), and its update's equation
  // (the legend's tooltip).
  int move = -1;
  std::string moveEquation;
  // Canvas tools (ui/views/canvas_tools.h): probe paths (oldest first), the points being
  // drawn (n×2 world units, borrowed for this draw; null: none) and the brush ring's radius
  // in world units at the pointer (0: none).
  std::vector<std::shared_ptr<const scene::ProbeResult>> probes;
  const std::vector<float>* drawnPoints = nullptr;
  const std::vector<int>* drawnLabels =
      nullptr;  // their classes (palette colours); null: one colour
  float brushRadius = 0;
};

// How score arrows encode magnitude: length ∝ magnitude up to a cell (colour = which field),
// all the same length with the magnitude as colour, or true length s·Δ in world units.
enum class FieldLength { Scaled, Normalized, True };
const char* toString(FieldLength length);  // "scaled", "normalized", "true"
std::optional<FieldLength> parseFieldLength(const std::string& name);

// Where the density heatmap comes from: the closed form of the data (instant), or the
// trained model through the probability-flow ODE (a worker refines it coarse to fine).
enum class DensitySource { Exact, Model };
const char* toString(DensitySource s);  // "exact", "model"

struct CanvasOptions {
  float pointSize = 4.0f;  // logical pixels
  float alpha = 0.8f;
  std::optional<ColourMode> colourMode;  // empty: by class when there are 2..10 classes
  bool showGrid = true;
  bool showMeans = false;     // mixture means as crosses
  bool followSpread = false;  // re-frame every frame to a(t)·data ± 2.5σ(t) (VE grows to σmax)
  bool showLearnedField = true;   // arrows of the learned score (when a model exists)
  bool showExactField = false;    // arrows of the exact score beside it
  bool showTrails = true;         // reverse modes: paths of the traced particles up to t
  int fieldResolution = 24;       // arrows across the view
  bool fieldDifference = false;   // with both fields: draw s_θ − ∇log p_t instead of the two
  bool fieldStreamlines = false;  // probability-flow streamlines instead of score arrows
  FieldLength fieldLength = FieldLength::Scaled;
  float arrowScale = 0.05f;  // FieldLength::True: an arrow is s·Δ world units, Δ = arrowScale
  bool showDensity = false;  // heatmap of the exact p_t under the particles
  bool logDensity = true;    // colour by log p_t (8 nats below the peak → dark)
  DensitySource densitySource = DensitySource::Exact;
  bool showScoreError = false;  // heatmap of p_t·‖s_θ − ∇log p_t‖² instead (needs a model)
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

// The pointer over the plot while a canvas tool is active (pan off), in world units.
struct CanvasPointer {
  bool hovered = false;     // the mouse is over the plot
  Vec2 world;               // where it is, world units
  bool pressed = false;     // the left button went down on the plot this frame
  bool held = false;        // the left button is held since a press on the plot (a drag)
  bool released = false;    // the button went up this frame, ending a press on the plot
  float unitsPerPixel = 0;  // world units per logical pixel (snap and brush radii)
};

// A mouse position (logical pixels, ImGui screen space) → world units on the plot's camera.
inline Vec2 pointerToWorld(Vec2 mouse, const PlotGeometry& g) {
  return g.camera.pixelToWorld({mouse.x - g.origin.x, mouse.y - g.origin.y}, g.size);
}

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
  // Pan (the default) drags the view; off, a left drag is reported by pointer() for a canvas
  // tool instead. The wheel zooms either way.
  void setPanEnabled(bool on) { m_panEnabled = on; }
  const CanvasPointer& pointer() const { return m_pointer; }
  // 2D inpainting: while the user drags the known coordinate's dashed line (grabbed within
  // half a line of type), its new value in world units; it then neither pans nor feeds a tool.
  std::optional<float> lineDrag() const { return m_lineDrag; }
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
  void drawDensityLegend(const CanvasScene& scene, const CanvasOptions& options, Vec2 origin,
                         Vec2 size) const;
  void drawTrails(const CanvasScene& scene, Vec2 origin, Vec2 size) const;
  void drawMoves(const CanvasScene& scene, Vec2 origin, Vec2 size) const;  // step-through arrows
  void drawMoveLegend(const CanvasScene& scene, Vec2 origin, Vec2 size) const;
  void drawField(const CanvasScene& scene, const CanvasOptions& options, Vec2 origin,
                 Vec2 size) const;
  void drawStreamlines(const CanvasScene& scene, const CanvasOptions& options, Vec2 origin,
                       Vec2 size) const;
  void dragFixedLine(const CanvasScene& scene);  // after the plot's invisible button

  std::optional<PointRenderer> m_points;
  std::optional<gl::Framebuffer> m_fbo;
  std::optional<gl::Framebuffer> m_heat;  // the density heatmap, one texel per grid cell
  std::shared_ptr<const scene::VectorField> m_heatSource;  // what m_heat shows
  std::shared_ptr<const scene::DensityGrid> m_heatModel;   // … or this, the model's
  bool m_heatLog = true;
  bool m_heatError = false;
  float m_heatPeak = 0;  // max p_t (or log p_t) of the shown grid
  Camera2D m_camera;
  std::optional<Camera2D> m_override;
  PlotGeometry m_geometry;
  bool m_fitPending = true;
  bool m_userMoved = false;
  bool m_panEnabled = true;
  CanvasPointer m_pointer;
  std::optional<float> m_lineDrag;
  std::string m_fittedData;
  std::string m_error;
};

}  // namespace ss::ui
