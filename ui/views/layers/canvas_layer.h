// The 2D canvas's layers: each draws one kind of content (heatmaps, particles, score arrows,
// streamlines, trails, PC moves, canvas tools, the inpainting line, captions and legends)
// from the scene and options of a draw, and owns what it keeps between draws (GL textures,
// caches). Canvas2D keeps the camera, the framebuffer and input, and runs three passes over
// its layers in registration order (layer_registry.cpp): GL content into the plot's
// framebuffer, overlays over the plot, then the boxes each layer reports (titles, the status
// line, legends, colour bars), placed together by one layout pass (ui/views/overlay_layout)
// and drawn where it put them. Adding a layer is one new file and one line there. UI thread,
// inside an ImGui frame, with a current GL context.
#pragma once

#include <imgui.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ui/gl/objects.h"
#include "ui/session/canvas_options.h"
#include "ui/session/canvas_scene.h"
#include "ui/views/camera2d.h"
#include "ui/views/overlay_layout.h"

namespace ss::ui {

// One draw of the canvas as its layers see it.
struct LayerFrame {
  const CanvasScene& scene;
  const CanvasOptions& options;
  Vec2 origin;  // top-left of the plot, logical pixels in ImGui's screen space
  Vec2 plot;    // the plot's size, logical pixels
  const Camera2D& camera;
  ColourMode colourMode;       // how particles are coloured in this draw
  float fbScale = 1;           // framebuffer pixels per logical pixel (x)
  const gl::Framebuffer* fbo;  // the plot's framebuffer (bound during the GL pass)
  ImDrawList* drawList;        // the window's draw list (overlays and legends)

  // A world point in ImGui screen space.
  ImVec2 toScreen(Vec2 world) const {
    const Vec2 p = camera.worldToPixel(world, plot);
    return ImVec2(p.x + origin.x, p.y + origin.y);
  }
  void clipToPlot() const {
    drawList->PushClipRect(ImVec2(origin.x, origin.y), ImVec2(origin.x + plot.x, origin.y + plot.y),
                           true);
  }
};

// A box a layer puts over the plot (a legend, a colour bar, a caption): its measured size and
// preferred corner, and how to draw it at the place the layout pass gives it.
struct CanvasOverlay {
  OverlayBox box;
  int rank = 2;  // who chooses first: 0 the title, 1 the status line, 2 the rest (layer order)
  std::function<void(const OverlayPlacement&)> draw;
};

class CanvasLayer {
 public:
  virtual ~CanvasLayer() = default;
  // GL resources, made once before the first draw; an error makes the canvas unavailable.
  virtual std::string prepare() { return ""; }
  virtual void drawGl(const LayerFrame&) {}       // into the bound framebuffer, y up
  virtual void drawOverlay(const LayerFrame&) {}  // over the plot, in draw-list order
  // Its boxes (legends, captions), added to `out`; drawn after every layer's overlay.
  virtual void overlays(const LayerFrame&, std::vector<CanvasOverlay>& /*out*/) {}
};

// Every layer, in drawing order.
std::vector<std::unique_ptr<CanvasLayer>> makeCanvasLayers();

}  // namespace ss::ui
