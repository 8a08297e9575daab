// Overlays the canvas tools and 2D inpainting put on the plot: probe paths, the points
// being drawn and the brush, the probes' legend (ui/views/probe_overlay), and the known
// coordinate x_k = c as a dashed line with its label.
#include <algorithm>
#include <cstdio>

#include "ui/views/layers/layers.h"
#include "ui/views/probe_overlay.h"

namespace ss::ui {

namespace {

class ToolsLayer final : public CanvasLayer {
 public:
  void drawOverlay(const LayerFrame& fr) override {
    drawToolOverlay(fr.scene, fr.camera, fr.origin, fr.plot);
  }
  void overlays(const LayerFrame& fr, std::vector<CanvasOverlay>& out) override {
    const Vec2 size = probeLegendSize(fr.scene);
    if (size.x <= 0) return;
    CanvasOverlay o;
    o.box = {"probe legend", size.x, size.y, Corner::BottomLeft};
    o.box.gap = 0.6f * ImGui::GetFontSize();
    o.draw = [&scene = fr.scene](const OverlayPlacement& p) {
      drawProbeLegend(scene, {p.rect.x0, p.rect.y0});
    };
    out.push_back(std::move(o));
  }
};

class FixedLineLayer final : public CanvasLayer {
 public:
  void drawOverlay(const LayerFrame& fr) override {
    const auto& scene = fr.scene;
    if (scene.fixedAxis != 0 && scene.fixedAxis != 1) return;
    const Vec2 origin = fr.origin, plot = fr.plot;
    const float font = ImGui::GetFontSize();
    const Vec2 c = fr.camera.worldToPixel({scene.fixedValue, scene.fixedValue}, plot);
    const bool vertical = scene.fixedAxis == 0;
    const float len = vertical ? plot.y : plot.x, dash = 0.6f * font;
    const ImU32 col = IM_COL32(255, 210, 90, 220);
    ImDrawList* dl = fr.drawList;
    for (float u = 0; u < len; u += 2 * dash) {
      const float e = std::min(len, u + dash);
      if (vertical)
        dl->AddLine(ImVec2(origin.x + c.x, origin.y + u), ImVec2(origin.x + c.x, origin.y + e), col,
                    2.0f);
      else
        dl->AddLine(ImVec2(origin.x + u, origin.y + c.y), ImVec2(origin.x + e, origin.y + c.y), col,
                    2.0f);
    }
    char label[48];
    std::snprintf(label, sizeof label, vertical ? "x\u2081 = %.2f known" : "x\u2082 = %.2f known",
                  scene.fixedValue);
    const ImVec2 at = vertical ? ImVec2(origin.x + c.x + 6, origin.y + plot.y - 2.2f * font)
                               : ImVec2(origin.x + 8, origin.y + c.y - 1.3f * font);
    dl->AddText(at, col, label);
  }
};

}  // namespace

std::unique_ptr<CanvasLayer> makeToolsLayer() { return std::make_unique<ToolsLayer>(); }
std::unique_ptr<CanvasLayer> makeFixedLineLayer() { return std::make_unique<FixedLineLayer>(); }

}  // namespace ss::ui
