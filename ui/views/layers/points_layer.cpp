// The particles, through the point shader into the plot's framebuffer (the forward
// marginal a(t)·x0 + σ(t)·ε on the GPU), and the mixture means as crosses over them.
#include <optional>

#include "ui/views/layers/layers.h"
#include "ui/views/point_renderer.h"

namespace ss::ui {

namespace {

class PointsLayer final : public CanvasLayer {
 public:
  std::string prepare() override {
    if (m_points) return "";
    auto points = PointRenderer::create();
    if (!points) return points.error().message;
    m_points = std::move(points.value());
    return "";
  }

  void drawGl(const LayerFrame& fr) override {
    const auto* cloud = fr.scene.cloud.get();
    if (!cloud || !m_points) return;
    m_points->upload(*cloud, fr.scene.cloudVersion);
    PointRenderer::Params p;
    p.a = fr.scene.a;
    p.sigma = fr.scene.sigma;
    p.camera = fr.camera;
    p.viewport = fr.plot;
    p.pointSize = fr.options.pointSize * fr.fbScale;
    p.alpha = fr.options.alpha;
    p.colourMode = fr.colourMode;
    p.numClasses = cloud->numClasses;
    p.dadt = fr.scene.dadt;
    p.dsdt = fr.scene.dsdt;
    p.speedMax = fr.scene.speedMax;
    m_points->draw(p);
  }

 private:
  std::optional<PointRenderer> m_points;
};

class MeansLayer final : public CanvasLayer {
 public:
  void drawOverlay(const LayerFrame& fr) override {
    const auto* cloud = fr.scene.cloud.get();
    if (!cloud || !fr.options.showMeans || cloud->mixtureMeans.empty()) return;
    const float r = 0.35f * ImGui::GetFontSize(), a = fr.scene.a;
    for (size_t k = 0; k + 1 < cloud->mixtureMeans.size(); k += 2) {
      const ImVec2 p = fr.toScreen({a * cloud->mixtureMeans[k], a * cloud->mixtureMeans[k + 1]});
      fr.drawList->AddLine(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), IM_COL32_WHITE,
                           2.0f);
      fr.drawList->AddLine(ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y - r), IM_COL32_WHITE,
                           2.0f);
    }
  }
};

}  // namespace

std::unique_ptr<CanvasLayer> makePointsLayer() { return std::make_unique<PointsLayer>(); }
std::unique_ptr<CanvasLayer> makeMeansLayer() { return std::make_unique<MeansLayer>(); }

}  // namespace ss::ui
