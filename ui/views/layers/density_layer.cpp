// The heatmap under the particles: the exact density, the model's (PF-ODE), or the score
// error, uploaded once per grid as a texture and blitted into the plot's framebuffer; its
// colour bar, preferably at the bottom right (a box for the canvas's layout pass).
#include <epoxy/gl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "ui/theme.h"
#include "ui/views/layers/canvas_layer.h"
#include "ui/views/layers/draw_helpers.h"
#include "ui/views/layers/layers.h"

namespace ss::ui {

namespace {

// Inferno-like keys from the canvas background up to pale yellow: density reads as light.
void heatColour(float v, unsigned char* out) {
  static const float k[5][3] = {{0.063f, 0.071f, 0.094f},
                                {0.341f, 0.063f, 0.431f},
                                {0.737f, 0.216f, 0.329f},
                                {0.976f, 0.557f, 0.035f},
                                {0.988f, 1.000f, 0.643f}};
  v = std::clamp(v, 0.0f, 1.0f) * 4.0f;
  const int i = std::min(3, static_cast<int>(v));
  const float f = v - static_cast<float>(i);
  // Kept at 55% of the way from the background to the colour map, so the particles drawn
  // on top stay the brightest thing on the canvas.
  for (int c = 0; c < 3; ++c) {
    const float m = k[i][c] + f * (k[i + 1][c] - k[i][c]);
    out[c] = static_cast<unsigned char>(std::lround(255.0f * (k[0][c] + 0.55f * (m - k[0][c]))));
  }
  out[3] = 255;
}

// What the heatmap shows: nx·ny values (row-major, y from ymin up) over world bounds.
struct HeatGrid {
  const std::vector<float>* values = nullptr;
  int w = 0, h = 0;
  std::array<float, 4> bounds{};
  bool error = false;                               // the score error, not a density
  std::shared_ptr<const scene::DensityGrid> model;  // set when it is the model's grid
  bool shown() const { return values && !values->empty(); }
};

HeatGrid heatGrid(const CanvasScene& scene, const CanvasOptions& options) {
  HeatGrid g;
  const auto& f = scene.field;
  if (f && options.showScoreError && !f->scoreError.empty())
    return {&f->scoreError, f->request.densityNx, f->request.densityNy, f->request.bounds, true,
            nullptr};
  if (!options.showDensity) return g;
  if (options.densitySource == DensitySource::Model && scene.modelDensity) {
    const auto& m = scene.modelDensity;
    return {&m->logDensity, m->nx, m->ny, m->request.bounds, false, m};
  }
  if (options.densitySource == DensitySource::Model && !scene.modelDensityPending.empty()) return g;
  if (f && !f->logDensity.empty())
    return {&f->logDensity, f->request.densityNx, f->request.densityNy, f->request.bounds, false,
            nullptr};
  return g;
}

class DensityLayer final : public CanvasLayer {
 public:
  void drawGl(const LayerFrame& fr) override;
  void overlays(const LayerFrame& fr, std::vector<CanvasOverlay>& out) override;

 private:
  bool upload(const HeatGrid& g, const LayerFrame& fr);

  std::optional<gl::Framebuffer> m_heat;               // one texel per grid cell
  std::shared_ptr<const scene::VectorField> m_source;  // what m_heat shows
  std::shared_ptr<const scene::DensityGrid> m_model;   // … or this, the model's
  bool m_log = true;
  bool m_error = false;
};

// Density: p_t / max, or (log p_t − max) / 8 nats + 1. Score error: √(e / max e). All in
// [0, 1], peak = 1. A new texture for every grid: rewriting one a pending draw still reads
// would wait for it.
bool DensityLayer::upload(const HeatGrid& g, const LayerFrame& fr) {
  const auto& values = *g.values;
  float peak = -std::numeric_limits<float>::infinity();
  for (float v : values) peak = std::max(peak, v);
  std::vector<unsigned char> rgba(static_cast<size_t>(g.w) * g.h * 4);
  for (size_t i = 0; i < values.size(); ++i) {
    float v;
    if (g.error) {
      v = peak > 0 ? std::sqrt(std::max(values[i], 0.0f) / peak) : 0.0f;
    } else {
      const float lp = values[i] - peak;
      v = fr.options.logDensity ? 1.0f + lp / 8.0f : std::exp(lp);
    }
    heatColour(std::isfinite(v) ? v : 0.0f, &rgba[i * 4]);
  }
  auto fb = gl::Framebuffer::create(g.w, g.h);
  if (!fb) return false;
  m_heat = std::move(fb.value());
  glBindTexture(GL_TEXTURE_2D, m_heat->colour().id());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, g.w, g.h, GL_RGBA, GL_UNSIGNED_BYTE,
                  rgba.data());  // row 0 = ymin
  m_source = fr.scene.field;
  m_model = g.model;
  m_log = fr.options.logDensity;
  m_error = g.error;
  return true;
}

void DensityLayer::drawGl(const LayerFrame& fr) {
  const HeatGrid g = heatGrid(fr.scene, fr.options);
  if (!g.shown() || static_cast<size_t>(g.w) * g.h != g.values->size()) return;
  if ((m_model != g.model || m_source != fr.scene.field || m_log != fr.options.logDensity ||
       m_error != g.error || !m_heat) &&
      !upload(g, fr))
    return;
  // The grid's world rectangle in the canvas framebuffer's pixels (y up, as GL's).
  const Vec2 size = fr.plot;
  const float sx = static_cast<float>(fr.fbo->width()) / size.x,
              sy = static_cast<float>(fr.fbo->height()) / size.y;
  const auto& b = g.bounds;
  const Vec2 lo = fr.camera.worldToPixel({b[0], b[1]}, size);  // bottom-left, y down
  const Vec2 hi = fr.camera.worldToPixel({b[2], b[3]}, size);
  const GLint x0 = static_cast<GLint>(std::lround(lo.x * sx)),
              x1 = static_cast<GLint>(std::lround(hi.x * sx));
  const GLint y0 = static_cast<GLint>(std::lround((size.y - lo.y) * sy));
  const GLint y1 = static_cast<GLint>(std::lround((size.y - hi.y) * sy));
  glBindFramebuffer(GL_READ_FRAMEBUFFER, m_heat->id());
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, fr.fbo->id());
  glBlitFramebuffer(0, 0, g.w, g.h, x0, y0, x1, y1, GL_COLOR_BUFFER_BIT, GL_LINEAR);
  glBindFramebuffer(GL_FRAMEBUFFER, fr.fbo->id());
}

// What the heatmap's colours mean.
const char* scaleLabel(bool error, bool model, bool log) {
  return error          ? "score error p_t·‖s_θ − ∇log p_t‖²: √ scale, 0 … max"
         : model && log ? "log p_t: peak − 8 … peak"
         : model        ? "p_t / max p_t: 0 … 1"
         : log          ? "exact log p_t: peak − 8 … peak"
                        : "exact p_t / max p_t: 0 … 1";
}

// The colour bar with its label right-aligned above it in a box `w` wide, `source` (the
// model's density: how far its refinement got) above that.
void drawColourBar(ImDrawList* dl, const OverlayPlacement& pl, const std::string& label,
                   const std::string& source) {
  const float font = ImGui::GetFontSize();
  const float barW = 10.0f * font, barH = 0.6f * font;
  const ImVec2 p0(pl.rect.x1 - barW, pl.rect.y1 - barH);
  if (pl.overData)
    legendBacking(dl, ImVec2(pl.rect.x0 - 4, pl.rect.y0 - 4),
                  ImVec2(pl.rect.x1 + 4, pl.rect.y1 + 4));
  const int n = 32;
  for (int i = 0; i < n; ++i) {
    unsigned char c[4];
    heatColour(static_cast<float>(i) / (n - 1), c);
    dl->AddRectFilled(ImVec2(p0.x + barW * i / n, p0.y),
                      ImVec2(p0.x + barW * (i + 1) / n, p0.y + barH),
                      IM_COL32(c[0], c[1], c[2], 255));
  }
  const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
  dl->AddText(ImVec2(p0.x + barW - ts.x, p0.y - 1.15f * font), canvasColours().text, label.c_str());
  if (source.empty()) return;
  const ImVec2 ss = ImGui::CalcTextSize(source.c_str());
  dl->AddText(ImVec2(p0.x + barW - ss.x, p0.y - 2.3f * font), canvasColours().text, source.c_str());
}

// The colour bar (shown too while the model's density is pending, with why), preferably at
// the bottom right, 0.8 type sizes in and 1.6 up as it always was.
void DensityLayer::overlays(const LayerFrame& fr, std::vector<CanvasOverlay>& out) {
  const auto& scene = fr.scene;
  const auto& options = fr.options;
  const HeatGrid g = heatGrid(scene, options);
  if (!g.shown() && !(options.showDensity && !scene.modelDensityPending.empty() &&
                      options.densitySource == DensitySource::Model))
    return;
  const bool model = !m_error && options.densitySource == DensitySource::Model;
  std::string label = scaleLabel(m_error, model, options.logDensity), source;
  if (model) {
    char buf[96];
    if (!g.values)
      std::snprintf(buf, sizeof buf, "model density, PF-ODE: %s",
                    scene.modelDensityPending.c_str());
    else
      std::snprintf(
          buf, sizeof buf, "model density, PF-ODE, %d\u00d7%d%s", g.w, g.h,
          (g.model && !g.model->finest()) || scene.modelDensityRefining ? ", refining\u2026" : "");
    source = buf;
  }
  const float font = ImGui::GetFontSize();
  float w = std::max(10.0f * font, ImGui::CalcTextSize(label.c_str()).x);
  if (!source.empty()) w = std::max(w, ImGui::CalcTextSize(source.c_str()).x);
  CanvasOverlay o;
  o.box = {"density scale", w, (source.empty() ? 1.75f : 2.9f) * font, Corner::BottomRight};
  o.box.gap = 0.6f * font;
  o.box.edgeX = 0.8f * font;
  o.box.edgeY = 1.6f * font;
  o.draw = [dl = fr.drawList, label = std::move(label), source = std::move(source)](
               const OverlayPlacement& pl) { drawColourBar(dl, pl, label, source); };
  out.push_back(std::move(o));
}

}  // namespace

std::unique_ptr<CanvasLayer> makeDensityLayer() { return std::make_unique<DensityLayer>(); }

}  // namespace ss::ui
