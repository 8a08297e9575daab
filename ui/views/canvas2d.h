// Canvas2D: the 2D plot every 2D mode draws into. It keeps the camera, its framebuffer and
// input; what it shows comes from its layers (ui/views/layers/): GL content into the
// framebuffer (shown as an ImGui image), then ImGui draw-list overlays and legends. The GUI and
// `scorescope render` call the same draw(), so a rendered PNG is what the window shows. Drag to
// pan, wheel to zoom about the cursor. UI thread, inside an ImGui frame, with a current GL context.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/common/non_copyable.h"
#include "core/scene/density_worker.h"
#include "core/scene/point_cloud.h"
#include "core/scene/probe_worker.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"
#include "ui/gl/objects.h"
#include "ui/session/canvas_options.h"
#include "ui/session/canvas_scene.h"
#include "ui/views/camera2d.h"
#include "ui/views/overlay_layout.h"
#include "ui/views/point_renderer.h"

namespace ss::ui {

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

class CanvasLayer;  // ui/views/layers/canvas_layer.h
struct LayerFrame;

class Canvas2D : NonCopyable {
 public:
  Canvas2D();
  ~Canvas2D();

  // Fills `size` logical pixels at the current ImGui cursor. `interactive` enables pan/zoom.
  void draw(const CanvasScene& scene, const CanvasOptions& options, Vec2 size, bool interactive);

  // Frames the data's bounds on the next draw (also done for a new cloud).
  void requestFit() { m_fitPending = true; }
  const PlotGeometry& geometry() const { return m_geometry; }
  const std::string& error() const { return m_error; }
  // Where the last draw's layout pass put its titles, status line and legends, and the data
  // region it kept them off (logical pixels, ImGui screen space).
  const OverlayPass& overlayPass() const { return m_overlayPass; }
  // The world rectangle the plot shows (xmin, ymin, xmax, ymax), as of the last draw.
  std::array<float, 4> visibleWorld() const;
  // The plot as last drawn: what its layers are computed for (ui/session/requests.h).
  Viewport viewport() const { return {visibleWorld(), m_geometry.size.x}; }
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
  void frameCamera(const CanvasScene& scene, const CanvasOptions& options, Vec2 plot);
  void handleInput(const CanvasScene& scene, Vec2 origin, Vec2 plot, bool interactive);
  void drawAxes(Vec2 origin, Vec2 size, bool grid) const;
  void drawOverlayBoxes(const LayerFrame& frame);
  bool ensureResources(int fbWidth, int fbHeight);
  void dragFixedLine(const CanvasScene& scene);  // after the plot's invisible button

  std::vector<std::unique_ptr<CanvasLayer>> m_layers;  // in drawing order (layers/)
  std::optional<gl::Framebuffer> m_fbo;
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
  OverlayPass m_overlayPass;
};

}  // namespace ss::ui
