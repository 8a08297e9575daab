#include "ui/views/canvas2d.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "ui/theme.h"
#include "ui/views/probe_overlay.h"

namespace ss::ui {

namespace {

ImVec2 im(Vec2 v) { return ImVec2(v.x, v.y); }

std::string formatTick(float v, float step) {
  char buf[32];
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-6f)));
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v) < step * 1e-3f ? 0.0f : v);
  return buf;
}

}  // namespace

bool Canvas2D::ensureResources(int fbWidth, int fbHeight) {
  if (!m_points) {
    auto r = PointRenderer::create();
    if (!r) {
      m_error = r.error().message;
      return false;
    }
    m_points = std::move(r.value());
  }
  if (!m_fbo || m_fbo->width() != fbWidth || m_fbo->height() != fbHeight) {
    auto fb = gl::Framebuffer::create(fbWidth, fbHeight);
    if (!fb) {
      m_error = fb.error().message;
      return false;
    }
    m_fbo = std::move(fb.value());
  }
  return true;
}

void Canvas2D::draw(const CanvasScene& scene, const CanvasOptions& options, Vec2 size,
                    bool interactive) {
  const float font = ImGui::GetFontSize();
  const ImVec2 cursor = ImGui::GetCursorScreenPos();
  // Margins for the tick labels on the left and at the bottom.
  const Vec2 origin{cursor.x + 3.6f * font, cursor.y + 0.4f * font};
  const Vec2 plot{std::max(size.x - 3.6f * font - 0.6f * font, 16.0f),
                  std::max(size.y - 2.2f * font, 16.0f)};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& colours = canvasColours();
  if (!options.transparentBackground)
    dl->AddRectFilled(cursor, ImVec2(cursor.x + size.x, cursor.y + size.y), colours.background);

  const ImVec2 fbScale = ImGui::GetIO().DisplayFramebufferScale;
  const int fbW = std::max(1, static_cast<int>(std::lround(plot.x * fbScale.x)));
  const int fbH = std::max(1, static_cast<int>(std::lround(plot.y * fbScale.y)));
  if (!ensureResources(fbW, fbH)) {
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "Canvas unavailable: %s", m_error.c_str());
    return;
  }

  const auto* cloud = scene.cloud.get();
  if (cloud && cloud->request.data != m_fittedData) {
    m_fittedData = cloud->request.data;
    m_fitPending = true;
  }
  if (m_override && !m_fitPending) {
    m_camera = *m_override;
  } else if (cloud && options.followSpread) {
    const auto& b = cloud->bounds;
    const float r = 2.5f * scene.sigma;
    m_camera.fit({scene.a * b[0] - r, scene.a * b[1] - r, scene.a * b[2] + r, scene.a * b[3] + r},
                 plot);
    m_fitPending = false;
  } else if (cloud && m_fitPending) {
    // Frame the data together with the unit prior disc, so every t stays in view.
    auto b = cloud->bounds;
    b = {std::min(b[0], -2.5f), std::min(b[1], -2.5f), std::max(b[2], 2.5f), std::max(b[3], 2.5f)};
    m_camera.fit(options.view ? *options.view : b, plot, options.view ? 0.0f : 0.08f);
    m_fitPending = false;
  }

  // Interaction: the plot is one invisible button; drag pans, the wheel zooms about the cursor.
  ImGui::SetCursorScreenPos(im(origin));
  ImGui::InvisibleButton("##plot", im(plot));
  m_geometry = {origin, plot, m_camera};
  if (interactive)
    dragFixedLine(scene);
  else
    m_lineDrag.reset();
  if (interactive) {
    ImGuiIO& io = ImGui::GetIO();
    if (m_panEnabled && !m_lineDrag && ImGui::IsItemActive() &&
        ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f) &&
        (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f)) {
      m_camera.panPixels({io.MouseDelta.x, io.MouseDelta.y});
      m_userMoved = true;
    }
    if (ImGui::IsItemHovered() && io.MouseWheel != 0.0f) {
      const Vec2 mouse{io.MousePos.x - origin.x, io.MousePos.y - origin.y};
      m_camera.zoomAbout(mouse, plot, std::pow(1.15f, io.MouseWheel));
      m_userMoved = true;
    }
    if (m_panEnabled && ImGui::IsItemHovered() &&
        ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left))
      m_fitPending = true;
  }
  m_geometry = {origin, plot, m_camera};
  m_pointer = {};
  if (interactive && !m_panEnabled &&
      !m_lineDrag) {  // a canvas tool reads the pointer instead of panning
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    m_pointer.hovered = ImGui::IsItemHovered();
    m_pointer.world = pointerToWorld({mouse.x, mouse.y}, m_geometry);
    m_pointer.pressed = ImGui::IsItemActivated();
    m_pointer.held = ImGui::IsItemActive();
    m_pointer.released = ImGui::IsItemDeactivated();
    m_pointer.unitsPerPixel = m_camera.unitsPerPixel;
  }

  ColourMode mode = ColourMode::Attribute;
  if (cloud) {
    mode = options.colourMode.value_or(cloud->numClasses >= 2 && cloud->numClasses <= 10
                                           ? ColourMode::Class
                                           : ColourMode::Attribute);
  }
  {
    gl::StateGuard guard;
    m_fbo->bind();
    const auto& bg = ImGui::ColorConvertU32ToFloat4(colours.background);
    // Transparent exports keep the background's colour under alpha 0, so semi-transparent
    // points blend towards it, not towards black.
    glClearColor(bg.x, bg.y, bg.z, options.transparentBackground ? 0.0f : 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    if (heatShown(scene, options)) drawDensity(scene, options);
    if (cloud) {
      m_points->upload(*cloud, scene.cloudVersion);
      PointRenderer::Params p;
      p.a = scene.a;
      p.sigma = scene.sigma;
      p.camera = m_camera;
      p.viewport = plot;
      p.pointSize = options.pointSize * fbScale.x;
      p.alpha = options.alpha;
      p.colourMode = mode;
      p.numClasses = cloud->numClasses;
      p.dadt = scene.dadt;
      p.dsdt = scene.dsdt;
      p.speedMax = scene.speedMax;
      m_points->draw(p);
    }
  }
  // GL's texture origin is bottom-left: flip v.
  dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(m_fbo->colour().id())),
               im(origin), ImVec2(origin.x + plot.x, origin.y + plot.y), ImVec2(0, 1),
               ImVec2(1, 0));
  drawAxes(origin, plot, options.showGrid);
  if (cloud && options.showMeans && !cloud->mixtureMeans.empty()) {
    for (size_t k = 0; k + 1 < cloud->mixtureMeans.size(); k += 2) {
      Vec2 p = m_camera.worldToPixel(
          {scene.a * cloud->mixtureMeans[k], scene.a * cloud->mixtureMeans[k + 1]}, plot);
      p = {p.x + origin.x, p.y + origin.y};
      const float r = 0.35f * font;
      dl->AddLine(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), IM_COL32_WHITE, 2.0f);
      dl->AddLine(ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y - r), IM_COL32_WHITE, 2.0f);
    }
  }
  if (scene.field) drawField(scene, options, origin, plot);
  if (scene.run && options.showTrails) drawTrails(scene, origin, plot);
  if (scene.run && scene.move >= 0) drawMoves(scene, origin, plot);
  drawToolOverlay(scene, m_camera, origin, plot);      // probes, drawn points, the brush
  if (scene.fixedAxis == 0 || scene.fixedAxis == 1) {  // the inpainting condition x_k = c
    const Vec2 c = m_camera.worldToPixel({scene.fixedValue, scene.fixedValue}, plot);
    const bool vertical = scene.fixedAxis == 0;
    const float len = vertical ? plot.y : plot.x, dash = 0.6f * font;
    const ImU32 col = IM_COL32(255, 210, 90, 220);
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
  if (heatShown(scene, options) || (options.showDensity && !scene.modelDensityPending.empty() &&
                                    options.densitySource == DensitySource::Model))
    drawDensityLegend(scene, options, origin, plot);
  if (scene.run && scene.move >= 0) drawMoveLegend(scene, origin, plot);
  drawCaptions(scene, options, origin, plot, mode);
  if (!cloud) {
    const char* msg = scene.placeholder.c_str();
    ImVec2 ts = ImGui::CalcTextSize(msg);
    dl->AddText(ImVec2(origin.x + 0.5f * (plot.x - ts.x), origin.y + 0.5f * plot.y), colours.text,
                msg);
  }
  ImGui::SetCursorScreenPos(ImVec2(cursor.x, cursor.y + size.y));
}

void Canvas2D::dragFixedLine(const CanvasScene& scene) {
  if (scene.fixedAxis != 0 && scene.fixedAxis != 1) {
    m_lineDrag.reset();
    return;
  }
  const bool vertical = scene.fixedAxis == 0;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const Vec2 at = m_camera.worldToPixel({scene.fixedValue, scene.fixedValue}, m_geometry.size);
  // Within half a line of type of the line: a press there grabs it.
  const bool near =
      (vertical ? std::abs(mouse.x - m_geometry.origin.x - at.x)
                : std::abs(mouse.y - m_geometry.origin.y - at.y)) <= 0.5f * ImGui::GetFontSize();
  if (!m_lineDrag && near && ImGui::IsItemActivated()) m_lineDrag = scene.fixedValue;
  if (m_lineDrag && !ImGui::IsItemActive()) m_lineDrag.reset();
  if (m_lineDrag) {
    const Vec2 world = pointerToWorld({mouse.x, mouse.y}, m_geometry);
    m_lineDrag = vertical ? world.x : world.y;
  }
  if (m_lineDrag || (near && ImGui::IsItemHovered())) {
    ImGui::SetMouseCursor(vertical ? ImGuiMouseCursor_ResizeEW : ImGuiMouseCursor_ResizeNS);
    ImGui::SetTooltip("drag: the known %s", vertical ? "x\u2081" : "x\u2082");
  }
}

std::array<float, 4> Canvas2D::visibleWorld() const {
  const Vec2 tl = m_geometry.camera.pixelToWorld({0, 0}, m_geometry.size);
  const Vec2 br = m_geometry.camera.pixelToWorld(m_geometry.size, m_geometry.size);
  return {tl.x, br.y, br.x, tl.y};
}

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

}  // namespace

const char* toString(DensitySource s) { return s == DensitySource::Model ? "model" : "exact"; }

namespace {

// What the heatmap shows: nx·ny values (row-major, y from ymin up) over world bounds.
struct HeatGrid {
  const std::vector<float>* values = nullptr;
  int w = 0, h = 0;
  std::array<float, 4> bounds{};
  bool error = false;                               // the score error, not a density
  std::shared_ptr<const scene::DensityGrid> model;  // set when it is the model's grid
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

}  // namespace

bool Canvas2D::heatShown(const CanvasScene& scene, const CanvasOptions& options) const {
  const HeatGrid g = heatGrid(scene, options);
  return g.values && !g.values->empty();
}

void Canvas2D::drawDensity(const CanvasScene& scene, const CanvasOptions& options) {
  const HeatGrid g = heatGrid(scene, options);
  const int w = g.w, h = g.h;
  const bool error = g.error;
  const std::vector<float>& values = *g.values;
  if (static_cast<size_t>(w) * h != values.size()) return;
  if (m_heatModel != g.model || m_heatSource != scene.field || m_heatLog != options.logDensity ||
      m_heatError != error || !m_heat) {
    // Density: p_t / max, or (log p_t − max) / 8 nats + 1. Score error: √(e / max e).
    // All in [0, 1], peak = 1.
    float peak = -std::numeric_limits<float>::infinity();
    for (float v : values) peak = std::max(peak, v);
    std::vector<unsigned char> rgba(static_cast<size_t>(w) * h * 4);
    for (size_t i = 0; i < values.size(); ++i) {
      float v;
      if (error) {
        v = peak > 0 ? std::sqrt(std::max(values[i], 0.0f) / peak) : 0.0f;
      } else {
        const float lp = values[i] - peak;
        v = options.logDensity ? 1.0f + lp / 8.0f : std::exp(lp);
      }
      heatColour(std::isfinite(v) ? v : 0.0f, &rgba[i * 4]);
    }
    {  // a new texture for every grid: rewriting one a pending draw still reads would wait for it
      auto fb = gl::Framebuffer::create(w, h);
      if (!fb) return;
      m_heat = std::move(fb.value());
    }
    glBindTexture(GL_TEXTURE_2D, m_heat->colour().id());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE,
                    rgba.data());  // row 0 = ymin
    m_heatSource = scene.field;
    m_heatModel = g.model;
    m_heatLog = options.logDensity;
    m_heatError = error;
    m_heatPeak = peak;
  }
  // The grid's world rectangle in the canvas framebuffer's pixels (y up, as GL's).
  const Vec2 size = m_geometry.size;
  const float sx = static_cast<float>(m_fbo->width()) / size.x,
              sy = static_cast<float>(m_fbo->height()) / size.y;
  const auto& b = g.bounds;
  const Vec2 lo = m_camera.worldToPixel({b[0], b[1]}, size);  // bottom-left, y down
  const Vec2 hi = m_camera.worldToPixel({b[2], b[3]}, size);
  const GLint x0 = static_cast<GLint>(std::lround(lo.x * sx)),
              x1 = static_cast<GLint>(std::lround(hi.x * sx));
  const GLint y0 = static_cast<GLint>(std::lround((size.y - lo.y) * sy));
  const GLint y1 = static_cast<GLint>(std::lround((size.y - hi.y) * sy));
  glBindFramebuffer(GL_READ_FRAMEBUFFER, m_heat->id());
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, m_fbo->id());
  glBlitFramebuffer(0, 0, w, h, x0, y0, x1, y1, GL_COLOR_BUFFER_BIT, GL_LINEAR);
  glBindFramebuffer(GL_FRAMEBUFFER, m_fbo->id());
}

void Canvas2D::drawDensityLegend(const CanvasScene& scene, const CanvasOptions& options,
                                 Vec2 origin, Vec2 size) const {
  // A colour bar at the bottom right: what the heatmap's colours mean.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const float barW = 10.0f * font, barH = 0.6f * font;
  const ImVec2 p0(origin.x + size.x - barW - 0.8f * font, origin.y + size.y - 2.2f * font);
  const int n = 32;
  for (int i = 0; i < n; ++i) {
    unsigned char c[4];
    heatColour(static_cast<float>(i) / (n - 1), c);
    dl->AddRectFilled(ImVec2(p0.x + barW * i / n, p0.y),
                      ImVec2(p0.x + barW * (i + 1) / n, p0.y + barH),
                      IM_COL32(c[0], c[1], c[2], 255));
  }
  const bool model = !m_heatError && options.densitySource == DensitySource::Model;
  const char* label = m_heatError ? "score error p_t·‖s_θ − ∇log p_t‖²: √ scale, 0 … max"
                      : model && options.logDensity ? "log p_t: peak − 8 … peak"
                      : model                       ? "p_t / max p_t: 0 … 1"
                      : options.logDensity          ? "exact log p_t: peak − 8 … peak"
                                                    : "exact p_t / max p_t: 0 … 1";
  const ImVec2 ts = ImGui::CalcTextSize(label);
  dl->AddText(ImVec2(p0.x + barW - ts.x, p0.y - 1.15f * font), canvasColours().text, label);
  if (!model) return;
  // The source and how far its refinement got, above the scale.
  char source[96];
  const HeatGrid g = heatGrid(scene, options);
  if (!g.values)
    std::snprintf(source, sizeof source, "model density, PF-ODE: %s",
                  scene.modelDensityPending.c_str());
  else
    std::snprintf(
        source, sizeof source, "model density, PF-ODE, %d\u00d7%d%s", g.w, g.h,
        (g.model && !g.model->finest()) || scene.modelDensityRefining ? ", refining\u2026" : "");
  const ImVec2 ss = ImGui::CalcTextSize(source);
  dl->AddText(ImVec2(p0.x + barW - ss.x, p0.y - 2.3f * font), canvasColours().text, source);
}

void Canvas2D::drawTrails(const CanvasScene& scene, Vec2 origin, Vec2 size) const {
  const auto& r = *scene.run;
  const size_t records = r.traceTimes.size(), k = static_cast<size_t>(r.traced);
  if (k == 0 || records < 2 || r.traces.size() < records * k * 2) return;
  // Records up to the shown time: reverse runs go from T down, forward runs up from 0.
  const bool reverse = r.traceTimes.front() > r.traceTimes.back();
  size_t last = 0;
  while (last + 1 < records && (reverse ? r.traceTimes[last + 1] >= scene.runT - 1e-12
                                        : r.traceTimes[last + 1] <= scene.runT + 1e-12))
    ++last;
  if (last == 0) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(im(origin), ImVec2(origin.x + size.x, origin.y + size.y), true);
  // Fade with age. ODE paths are smooth: keep all of it, older parts dimmer. SDE paths are
  // Brownian: a comet tail over the last 0.12·T, so the picture does not fill with scribble.
  const bool sde = r.request.mode == scene::RunMode::ReverseSde;
  const double span = std::abs(r.traceTimes.front() - r.traceTimes.back());
  const double tail = sde ? 0.12 * span : span;
  const float font = ImGui::GetFontSize();
  for (size_t p = 0; p < k; ++p) {
    auto at = [&](size_t i) {
      const float* v = &r.traces[(i * k + p) * 2];
      Vec2 q = m_camera.worldToPixel({v[0], v[1]}, size);
      return ImVec2(q.x + origin.x, q.y + origin.y);
    };
    ImVec2 prev = at(0);
    for (size_t i = 1; i <= last; ++i) {
      const ImVec2 cur = at(i);
      const double age = std::abs(r.traceTimes[last] - r.traceTimes[i]) / std::max(tail, 1e-12);
      if (age < 1.0) {
        const float alpha = sde ? 0.85f * static_cast<float>(1.0 - age)
                                : 0.25f + 0.6f * static_cast<float>(1.0 - age);
        dl->AddLine(prev, cur, IM_COL32(255, 255, 255, static_cast<int>(255 * alpha)),
                    sde ? 1.2f : 1.5f);
      }
      prev = cur;
    }
    dl->AddCircleFilled(prev, 0.22f * font, IM_COL32(255, 255, 255, 230));
    // The Tweedie estimate x̂₀ as a hollow ghost ahead of the particle, joined by a faint line.
    if (r.tweedie.size() == r.traces.size()) {
      const float* g = &r.tweedie[(last * k + p) * 2];
      if (std::isfinite(g[0]) && std::isfinite(g[1])) {
        Vec2 q = m_camera.worldToPixel({g[0], g[1]}, size);
        const ImVec2 ghost(q.x + origin.x, q.y + origin.y);
        dl->AddLine(prev, ghost, IM_COL32(255, 214, 102, 90), 1.0f);
        dl->AddCircle(ghost, 0.3f * font, IM_COL32(255, 214, 102, 220), 12, 1.5f);
      }
    }
  }
  dl->PopClipRect();
}

const char* toString(FieldLength length) {
  switch (length) {
    case FieldLength::Normalized:
      return "normalized";
    case FieldLength::True:
      return "true";
    default:
      return "scaled";
  }
}

std::optional<FieldLength> parseFieldLength(const std::string& name) {
  for (auto l : {FieldLength::Scaled, FieldLength::Normalized, FieldLength::True})
    if (name == toString(l)) return l;
  return std::nullopt;
}

namespace {

// Magnitude ramp for normalized arrows, u in [0, 1]: blue (small) → cyan → yellow → red
// (large); every key stays bright enough to read on the dark canvas.
ImU32 magnitudeColour(float u, int alpha = 235) {
  static const float k[4][3] = {{70, 120, 240}, {60, 205, 220}, {245, 225, 80}, {240, 80, 60}};
  u = std::clamp(std::isfinite(u) ? u : 0.0f, 0.0f, 1.0f) * 3.0f;
  const int i = std::min(2, static_cast<int>(u));
  const float f = u - static_cast<float>(i);
  auto c = [&](int ch) {
    return static_cast<int>(std::lround(k[i][ch] + f * (k[i + 1][ch] - k[i][ch])));
  };
  return IM_COL32(c(0), c(1), c(2), alpha);
}

// "1.2", "35", "0.004": short labels for the legends' scales.
std::string shortNumber(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", v);
  return buf;
}

// 1, 2 or 5 × 10^k nearest below v.
float niceBelow(float v) {
  const float p = std::pow(10.0f, std::floor(std::log10(v)));
  return v >= 5 * p ? 5 * p : v >= 2 * p ? 2 * p : p;
}

void arrowHead(ImDrawList* dl, ImVec2 tip, float ux, float uy, float head, ImU32 colour,
               float width) {
  dl->AddLine(tip, ImVec2(tip.x - head * (ux - 0.5f * uy), tip.y - head * (uy + 0.5f * ux)), colour,
              width);
  dl->AddLine(tip, ImVec2(tip.x - head * (ux + 0.5f * uy), tip.y - head * (uy - 0.5f * ux)), colour,
              width);
}

// Legend lines stacked upwards from the plot's bottom-left corner, each on a dark backing;
// returns the top of the block.
float legendLines(const std::vector<std::string>& lines, Vec2 origin, Vec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = fonts().size;
  ImVec2 p(origin.x + 0.6f * font, origin.y + size.y - 1.6f * font);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    const ImVec2 ts = ImGui::CalcTextSize(it->c_str());
    dl->AddRectFilled(ImVec2(p.x - 4, p.y - 2), ImVec2(p.x + ts.x + 4, p.y + ts.y + 2),
                      IM_COL32(16, 19, 26, 190), 4.0f);
    dl->AddText(p, canvasColours().text, it->c_str());
    p.y -= ts.y + 6;
  }
  return p.y + font;
}

}  // namespace

namespace {

// Step-through: corrector moves cyan, predictor moves magenta (apart from the white trails,
// the gold Tweedie rings and the white/orange score arrows).
constexpr ImU32 kCorrectorColour = IM_COL32(80, 210, 255, 255);
constexpr ImU32 kPredictorColour = IM_COL32(255, 80, 190, 255);

ImU32 faded(ImU32 c, float alpha) {
  return (c & ~IM_COL32_A_MASK) |
         (static_cast<ImU32>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f) << IM_COL32_A_SHIFT);
}

void arrowTo(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float width, float maxHead) {
  dl->AddLine(a, b, col, width);
  const float hx = b.x - a.x, hy = b.y - a.y, hl = std::hypot(hx, hy);
  if (hl < 4.0f) return;
  const float ux = hx / hl, uy = hy / hl, head = std::min(0.4f * hl, maxHead);
  dl->AddLine(b, ImVec2(b.x - head * (ux - 0.5f * uy), b.y - head * (uy + 0.5f * ux)), col, width);
  dl->AddLine(b, ImVec2(b.x - head * (ux + 0.5f * uy), b.y - head * (uy - 0.5f * ux)), col, width);
}

void dashedLine(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float width, float dash) {
  const float len = std::hypot(b.x - a.x, b.y - a.y);
  if (len < 0.5f) return;
  const float ux = (b.x - a.x) / len, uy = (b.y - a.y) / len;
  for (float u = 0; u < len; u += 2 * dash) {
    const float e = std::min(len, u + dash);
    dl->AddLine(ImVec2(a.x + ux * u, a.y + uy * u), ImVec2(a.x + ux * e, a.y + uy * e), col, width);
  }
}

const char* predictorName(sample::Predictor p) {
  switch (p) {
    case sample::Predictor::EulerMaruyama:
      return "Euler–Maruyama predictor";
    case sample::Predictor::ReverseDiffusion:
      return "reverse-diffusion predictor";
    case sample::Predictor::Ancestral:
      return "ancestral predictor";
    case sample::Predictor::None:
      break;
  }
  return "predictor";
}

}  // namespace

// The moves of the shown move's PC step up to it (earlier ones faded), each particle's as
// an arrow from where it was to the move's mean x̄ (the drift part, solid) and a dashed
// segment on to where it ended (the noise part). Traced particles on top, thicker.
void Canvas2D::drawMoves(const CanvasScene& scene, Vec2 origin, Vec2 size) const {
  const auto& r = *scene.run;
  const size_t m = static_cast<size_t>(r.moveParticles), cur = static_cast<size_t>(scene.move);
  if (m == 0 || cur >= r.moves.size()) return;
  size_t first = cur;
  while (first > 0 && r.moves[first - 1]->step == r.moves[cur]->step) --first;
  const size_t traced = std::min(m, static_cast<size_t>(std::max(r.traced, 0)));
  const float font = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(im(origin), ImVec2(origin.x + size.x, origin.y + size.y), true);
  auto px = [&](const std::vector<float>& v, size_t p) {
    const Vec2 q = m_camera.worldToPixel({v[2 * p], v[2 * p + 1]}, size);
    return ImVec2(q.x + origin.x, q.y + origin.y);
  };
  for (int pass = 0; pass < 2; ++pass) {  // the extra particles first, the traced ones on top
    const size_t p0 = pass == 0 ? traced : 0, p1 = pass == 0 ? m : traced;
    for (size_t i = first; i <= cur; ++i) {
      const auto& mv = *r.moves[i];
      if (mv.from.size() < 2 * m || mv.mean.size() < 2 * m || mv.x.size() < 2 * m) continue;
      const float alpha = (pass == 0 ? 0.5f : 1.0f) * (i == cur ? 1.0f : 0.35f);
      const ImU32 col = faded(mv.corrector ? kCorrectorColour : kPredictorColour, alpha);
      const float width = pass == 0 ? 1.1f : 2.2f;
      for (size_t p = p0; p < p1; ++p) {
        const ImVec2 a = px(mv.from, p), b = px(mv.mean, p), c = px(mv.x, p);
        arrowTo(dl, a, b, col, width, pass == 0 ? 0.3f * font : 0.5f * font);
        dashedLine(dl, b, c, col, 0.6f * width + 0.4f, 0.25f * font);
        if (pass == 1 && i == cur) dl->AddCircleFilled(c, 0.22f * font, col);
      }
    }
  }
  dl->PopClipRect();
}

// Bottom left, above the score-arrow legend: what the two colours and line styles mean; the
// move's equation as a tooltip.
void Canvas2D::drawMoveLegend(const CanvasScene& scene, Vec2 origin, Vec2 size) const {
  const auto& r = *scene.run;
  const bool ready = static_cast<size_t>(scene.move) < r.moves.size();
  const ss::scene::RunMove* mv = ready ? r.moves[static_cast<size_t>(scene.move)].get() : nullptr;
  const float font = ImGui::GetFontSize(), sw = 2.2f * font, rowH = 1.25f * font;
  char eps[48] = "";
  if (mv && mv->corrector && std::isfinite(mv->stepSize))
    std::snprintf(eps, sizeof eps, "   (now ε = %.3g)", mv->stepSize);
  const std::string rows[3] = {std::string("corrector (Langevin): solid ε s, dashed √(2ε) z") + eps,
                               std::string(predictorName(r.request.sampler.predictor)) +
                                   ": solid the drift (to the mean), dashed the noise",
                               ready
                                   ? "arrows: this PC step's moves so far (hover for the equation)"
                                   : "computing this move…"};
  float w = 0;
  for (const auto& t : rows) w = std::max(w, ImGui::CalcTextSize(t.c_str()).x);
  w += sw + 0.8f * font;
  const ImVec2 p(origin.x + 0.6f * font, origin.y + size.y - 2.2f * font - 3 * rowH);
  const ImVec2 q(p.x + w + 8, p.y + 3 * rowH + 4);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(p.x - 4, p.y - 4), q, IM_COL32(16, 19, 26, 200), 4.0f);
  const auto& colours = canvasColours();
  for (int i = 0; i < 2; ++i) {
    const ImU32 col = i == 0 ? kCorrectorColour : kPredictorColour;
    const bool current = mv && mv->corrector == (i == 0);
    const float y = p.y + i * rowH + 0.5f * font;
    dl->AddLine(ImVec2(p.x, y), ImVec2(p.x + 0.55f * sw, y), col, current ? 2.6f : 1.6f);
    dashedLine(dl, ImVec2(p.x + 0.6f * sw, y), ImVec2(p.x + sw, y), col, 1.3f, 0.2f * font);
    dl->AddText(ImVec2(p.x + sw + 0.5f * font, p.y + i * rowH),
                current ? colours.text : colours.dimText, rows[i].c_str());
  }
  dl->AddText(ImVec2(p.x, p.y + 2 * rowH), colours.dimText, rows[2].c_str());
  if (!scene.moveEquation.empty() && ImGui::IsMouseHoveringRect(ImVec2(p.x - 4, p.y - 4), q, false))
    ImGui::SetTooltip("%s", scene.moveEquation.c_str());
}

void Canvas2D::drawField(const CanvasScene& scene, const CanvasOptions& options, Vec2 origin,
                         Vec2 size) const {
  const auto& f = *scene.field;
  const auto& r = f.request;
  const size_t cells = static_cast<size_t>(r.nx) * r.ny;
  const bool learned = options.showLearnedField && f.learned.size() == 2 * cells;
  const bool exact = options.showExactField && f.exact.size() == 2 * cells;
  const bool difference = options.fieldDifference && learned && exact;
  if (options.fieldStreamlines && !difference) return drawStreamlines(scene, options, origin, size);
  if (!learned && !exact) return;
  std::vector<float> diff;
  if (difference) {
    diff.resize(2 * cells);
    for (size_t i = 0; i < 2 * cells; ++i) diff[i] = f.learned[i] - f.exact[i];
  }
  // The field coloured by magnitude in normalized mode: the difference, else the learned
  // score, else the exact one. With both, the exact arrows stay orange as the reference.
  const std::vector<float>& primary = difference ? diff : learned ? f.learned : f.exact;
  auto magnitudes = [&](const std::vector<float>& v, std::vector<float>& out) {
    for (size_t i = 0; i < cells; ++i) {
      const float m = std::hypot(v[2 * i], v[2 * i + 1]);
      if (m > 0 && std::isfinite(m)) out.push_back(m);
    }
  };
  std::vector<float> mags;
  mags.reserve(2 * cells);
  if (difference)
    magnitudes(diff, mags);
  else {
    if (learned) magnitudes(f.learned, mags);
    if (exact) magnitudes(f.exact, mags);
  }
  if (mags.empty()) mags.push_back(0.0f);
  // Scaled: magnitude relative to the field's typical size (median × 2), clamped to 0.9 of a
  // cell, direction exact. Normalized: a log colour scale over the 2nd…98th percentile.
  std::nth_element(mags.begin(), mags.begin() + mags.size() / 2, mags.end());
  const float ref = std::max(2.0f * mags[mags.size() / 2], 1e-12f);
  float lo = 0, hi = 1;
  if (options.fieldLength == FieldLength::Normalized) {
    std::vector<float> pm;
    magnitudes(primary, pm);
    if (pm.empty()) pm.push_back(1.0f);
    std::sort(pm.begin(), pm.end());
    lo = std::max(pm[pm.size() * 2 / 100], 1e-12f);
    hi = std::max(pm[pm.size() * 98 / 100], lo * 1.001f);
  }
  const float cellW = (r.bounds[2] - r.bounds[0]) / r.nx,
              cellH = (r.bounds[3] - r.bounds[1]) / r.ny;
  const float maxLen = 0.9f * std::min(cellW, cellH);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(im(origin), ImVec2(origin.x + size.x, origin.y + size.y), true);
  auto arrows = [&](const std::vector<float>& v, ImU32 colour, float width, bool ramp) {
    for (int j = 0; j < r.ny; ++j)
      for (int i = 0; i < r.nx; ++i) {
        const size_t k = static_cast<size_t>(j) * r.nx + i;
        const float vx = v[2 * k], vy = v[2 * k + 1];
        const float m = std::hypot(vx, vy);
        if (!(m > 0) || !std::isfinite(m)) continue;
        const float len = options.fieldLength == FieldLength::True ? m * options.arrowScale
                          : options.fieldLength == FieldLength::Normalized
                              ? 0.85f * maxLen
                              : maxLen * std::min(1.0f, m / ref);
        const ImU32 c = ramp ? magnitudeColour(std::log(m / lo) / std::log(hi / lo)) : colour;
        const Vec2 w0{r.bounds[0] + (i + 0.5f) * cellW, r.bounds[1] + (j + 0.5f) * cellH};
        const Vec2 w1{w0.x + vx / m * len, w0.y + vy / m * len};
        Vec2 a = m_camera.worldToPixel(w0, size), b = m_camera.worldToPixel(w1, size);
        a = {a.x + origin.x, a.y + origin.y};
        b = {b.x + origin.x, b.y + origin.y};
        dl->AddLine(im(a), im(b), c, width);
        const float hx = b.x - a.x, hy = b.y - a.y, hl = std::hypot(hx, hy);
        if (hl >= 3.0f)
          arrowHead(dl, im(b), hx / hl, hy / hl, std::min(0.35f * hl, 7.0f), c, width);
      }
  };
  const bool normalized = options.fieldLength == FieldLength::Normalized;
  if (difference) {
    arrows(diff, IM_COL32(255, 120, 170, 235), 1.8f, normalized);
  } else {
    if (exact) arrows(f.exact, IM_COL32(255, 170, 60, 220), 2.0f, normalized && !learned);
    if (learned) arrows(f.learned, IM_COL32(235, 240, 255, 230), 1.6f, normalized);
  }
  dl->PopClipRect();

  std::vector<std::string> lines;
  const std::string step = " (step " + std::to_string(f.modelStep) + ")";
  const char* tint = normalized ? "" : difference ? "pink: " : "white: ";
  if (difference)
    lines.push_back(std::string(tint) + "learned − exact score, s_θ − ∇log p_t" + step);
  else {
    std::string text;
    if (learned) text += std::string(tint) + "learned score" + step;
    if (exact)
      text += std::string(text.empty() ? "" : "   ") + (normalized && !learned ? "" : "orange: ") +
              "exact score";
    lines.push_back(text);
  }
  if (options.fieldDifference && options.showLearnedField && options.showExactField && !learned)
    lines.push_back("the difference s_θ − ∇log p_t needs a trained model");
  if (options.fieldLength == FieldLength::True)
    lines.push_back("true length: arrow = s·Δ, Δ = " + shortNumber(options.arrowScale) +
                    " (world units per unit score)");
  const float top = legendLines(lines, origin, size);
  const float font = fonts().size;
  if (normalized) {
    // Colour bar for the magnitude, above the legend lines.
    const float barW = 10.0f * font, barH = 0.6f * font;
    const ImVec2 p0(origin.x + 0.6f * font, top - 2.1f * font);
    dl->AddRectFilled(ImVec2(p0.x - 4, p0.y - 1.2f * font),
                      ImVec2(p0.x + barW + 4, p0.y + barH + 4), IM_COL32(16, 19, 26, 190), 4.0f);
    const int n = 32;
    for (int i = 0; i < n; ++i)
      dl->AddRectFilled(ImVec2(p0.x + barW * i / n, p0.y),
                        ImVec2(p0.x + barW * (i + 1) / n + 0.5f, p0.y + barH),
                        magnitudeColour((i + 0.5f) / n, 255));
    const std::string label = "‖" + std::string(difference ? "s_θ − ∇log p_t" : "s") +
                              "‖, log: " + shortNumber(lo) + " … " + shortNumber(hi);
    dl->AddText(ImVec2(p0.x, p0.y - 1.15f * font), canvasColours().text, label.c_str());
  } else if (options.fieldLength == FieldLength::True) {
    // A reference arrow: a round magnitude about four font sizes long.
    const float upp = m_camera.unitsPerPixel;
    const float mag =
        niceBelow(std::max(4.0f * font * upp / std::max(options.arrowScale, 1e-9f), 1e-9f));
    const float px = mag * options.arrowScale / upp;
    const ImVec2 a(origin.x + 0.6f * font, top - 1.0f * font), b(a.x + px, a.y);
    const std::string label = "‖s‖ = " + shortNumber(mag);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->AddRectFilled(ImVec2(a.x - 4, a.y - 0.6f * font),
                      ImVec2(b.x + 0.6f * font + ts.x + 4, a.y + 0.6f * font),
                      IM_COL32(16, 19, 26, 190), 4.0f);
    dl->AddLine(a, b, canvasColours().text, 1.6f);
    arrowHead(dl, b, 1, 0, std::min(0.35f * px, 7.0f), canvasColours().text, 1.6f);
    dl->AddText(ImVec2(b.x + 0.5f * font, a.y - 0.5f * ts.y), canvasColours().text, label.c_str());
  }
}

void Canvas2D::drawStreamlines(const CanvasScene& scene, const CanvasOptions& options, Vec2 origin,
                               Vec2 size) const {
  const auto& f = *scene.field;
  const bool learned = options.showLearnedField && !f.streamLearned.empty();
  const bool exact = options.showExactField && !f.streamExact.empty();
  if (!learned && !exact) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = fonts().size;
  dl->PushClipRect(im(origin), ImVec2(origin.x + size.x, origin.y + size.y), true);
  // Lines are ordered along −v: arrowheads every few font sizes of screen length show where
  // particles go as t decreases.
  const float spacing = 7.0f * font, head = 0.45f * font;
  auto draw = [&](const std::vector<scene::Streamline>& lines, ImU32 colour, float width) {
    std::vector<ImVec2> pts;
    for (const auto& l : lines) {
      pts.clear();
      for (size_t i = 0; i < l.size(); ++i) {
        const Vec2 q = m_camera.worldToPixel({l.xy[2 * i], l.xy[2 * i + 1]}, size);
        pts.emplace_back(q.x + origin.x, q.y + origin.y);
      }
      if (pts.size() < 2) continue;
      dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), colour,
                      l.closed ? ImDrawFlags_Closed : 0, width);
      float total = 0;
      for (size_t i = 1; i < pts.size(); ++i)
        total += std::hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
      // The first head half a spacing in (or mid-line for short lines).
      float next = std::min(0.5f * spacing, 0.5f * total), run = 0;
      for (size_t i = 1; i < pts.size(); ++i) {
        const float dx = pts[i].x - pts[i - 1].x, dy = pts[i].y - pts[i - 1].y,
                    d = std::hypot(dx, dy);
        run += d;
        if (run < next || d <= 0) continue;
        arrowHead(dl, pts[i], dx / d, dy / d, head, colour, width);
        next = run + spacing;
      }
    }
  };
  if (exact) draw(f.streamExact, IM_COL32(255, 170, 60, 210), 1.5f);
  if (learned) draw(f.streamLearned, IM_COL32(235, 240, 255, 220), 1.3f);
  dl->PopClipRect();
  std::string text;
  if (learned)
    text += "white: learned" + std::string(" (step ") + std::to_string(f.modelStep) + ")";
  if (exact) text += std::string(text.empty() ? "" : "   ") + "orange: exact";
  legendLines({"probability-flow streamlines, v = f − ½g²s;  " + text,
               "arrowheads: reverse time, −v (where particles move as t decreases)"},
              origin, size);
}

void Canvas2D::drawAxes(Vec2 origin, Vec2 size, bool grid) const {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& colours = canvasColours();
  const Vec2 tl = m_camera.pixelToWorld({0, 0}, size);
  const Vec2 br = m_camera.pixelToWorld(size, size);
  const float step = niceTickStep(std::max(br.x - tl.x, tl.y - br.y), 9.0f);
  const float font = ImGui::GetFontSize();
  const ImVec2 end(origin.x + size.x, origin.y + size.y);
  dl->PushClipRect(ImVec2(origin.x - 4.0f * font, origin.y - font),
                   ImVec2(end.x + font, end.y + 2.0f * font));
  for (float x = std::ceil(tl.x / step) * step; x <= br.x; x += step) {
    const float px = origin.x + m_camera.worldToPixel({x, 0}, size).x;
    const bool axis = std::fabs(x) < 0.5f * step;
    if (grid || axis)
      dl->AddLine(ImVec2(px, origin.y), ImVec2(px, end.y), axis ? colours.axis : colours.grid,
                  axis ? 1.5f : 1.0f);
    dl->AddLine(ImVec2(px, end.y), ImVec2(px, end.y + 0.25f * font), colours.axis);
    const std::string label = formatTick(x, step);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->AddText(ImVec2(px - 0.5f * ts.x, end.y + 0.25f * font), colours.dimText, label.c_str());
  }
  for (float y = std::ceil(br.y / step) * step; y <= tl.y; y += step) {
    const float py = origin.y + m_camera.worldToPixel({0, y}, size).y;
    const bool axis = std::fabs(y) < 0.5f * step;
    if (grid || axis)
      dl->AddLine(ImVec2(origin.x, py), ImVec2(end.x, py), axis ? colours.axis : colours.grid,
                  axis ? 1.5f : 1.0f);
    dl->AddLine(ImVec2(origin.x - 0.25f * font, py), ImVec2(origin.x, py), colours.axis);
    const std::string label = formatTick(y, step);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->AddText(ImVec2(origin.x - ts.x - 0.4f * font, py - 0.5f * ts.y), colours.dimText,
                label.c_str());
  }
  dl->AddRect(im(origin), end, colours.axis);
  dl->PopClipRect();
}

void Canvas2D::drawCaptions(const CanvasScene& scene, const CanvasOptions& options, Vec2 origin,
                            Vec2 size, ColourMode mode) const {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& colours = canvasColours();
  const Fonts& f = fonts();
  const float pad = 0.6f * f.size;
  // A translucent backing keeps captions legible over dense particles.
  auto backed = [&](ImFont* font, float px, ImVec2 at, unsigned colour, const std::string& text) {
    const ImVec2 ts = font->CalcTextSizeA(px, FLT_MAX, 0.0f, text.c_str());
    dl->AddRectFilled(ImVec2(at.x - 4, at.y - 2), ImVec2(at.x + ts.x + 4, at.y + ts.y + 2),
                      IM_COL32(16, 19, 26, 170), 4.0f);
    dl->AddText(font, px, at, colour, text.c_str());
    return ts;
  };
  ImVec2 at(origin.x + pad, origin.y + pad);
  float captionRight =
      at.x;  // the caption block's extent: a legend that would cover it moves below
  if (!scene.title.empty()) {
    const ImVec2 ts = backed(f.large, f.large->FontSize, at, colours.text, scene.title);
    captionRight = std::max(captionRight, at.x + ts.x);
    at.y += ts.y + 0.3f * f.size;
  }
  if (!scene.subtitle.empty()) {
    const ImVec2 ts = backed(f.regular, f.size, at, colours.text, scene.subtitle);
    captionRight = std::max(captionRight, at.x + ts.x);
    at.y += ts.y;
  }
  // The legend's top: beside the captions when it clears them, else under them.
  auto legendTop = [&](float left) {
    return left - 6 < captionRight + pad ? at.y + pad : origin.y + pad;
  };

  const auto* cloud = scene.cloud.get();
  if (!cloud) return;
  // Legend, top-right: class swatches, or a colour bar for a continuous attribute.
  const float sw = 0.8f * f.size;
  if (!scene.legend) return;
  if (mode == ColourMode::Class && cloud->numClasses >= 2) {
    const int k = std::min(cloud->numClasses, 10);
    const float rowH = f.size * 1.2f;
    float w = 5.5f * f.size;
    for (const auto& name : scene.classNames)
      w = std::max(w, 1.6f * sw + ImGui::CalcTextSize(name.c_str()).x);
    ImVec2 p(origin.x + size.x - w - pad, 0);
    p.y = legendTop(p.x);
    dl->AddRectFilled(ImVec2(p.x - 6, p.y - 4), ImVec2(p.x + w, p.y + rowH * (k + 1) + 2),
                      IM_COL32(16, 19, 26, 190), 4.0f);
    dl->AddText(ImVec2(p.x, p.y), colours.dimText, scene.classHeader.c_str());
    const float* pal = categoricalPalette();
    for (int i = 0; i < k; ++i) {
      const float y = p.y + rowH * (i + 1);
      dl->AddCircleFilled(
          ImVec2(p.x + 0.5f * sw, y + 0.5f * f.size), 0.4f * sw,
          ImGui::ColorConvertFloat4ToU32(ImVec4(pal[3 * i], pal[3 * i + 1], pal[3 * i + 2], 1)));
      const std::string name = static_cast<size_t>(i) < scene.classNames.size()
                                   ? scene.classNames[i]
                                   : std::to_string(i + 1);
      dl->AddText(ImVec2(p.x + 1.4f * sw, y), colours.text, name.c_str());
    }
  } else if (mode == ColourMode::Attribute || mode == ColourMode::Speed) {
    const std::string label = scene.colourLegend.empty() ? "colour: attribute" : scene.colourLegend;
    const float w = std::max(7.0f * f.size, ImGui::CalcTextSize(label.c_str()).x),
                h = 0.6f * f.size;
    ImVec2 p(origin.x + size.x - w - pad, 0);
    p.y = legendTop(p.x);
    const bool speed = mode == ColourMode::Speed;
    const float boxH = (speed ? 3.4f : 2.4f) * f.size;
    dl->AddRectFilled(ImVec2(p.x - 6, p.y - 4), ImVec2(p.x + w + 4, p.y + boxH + 4),
                      IM_COL32(16, 19, 26, 190), 4.0f);
    dl->AddText(p, colours.dimText, label.c_str());
    if (speed) {  // the bar's ends: 0 and the speed at its top
      char top[32];
      std::snprintf(top, sizeof top, "%.3g", scene.speedMax);
      const float y = p.y + 1.3f * f.size + h + 0.2f * f.size;
      dl->AddText(ImVec2(p.x, y), colours.dimText, "0");
      dl->AddText(ImVec2(p.x + w - ImGui::CalcTextSize(top).x, y), colours.dimText, top);
    }
    // Matches the shader's viridis keys (lifted by 0.15 at the dark end).
    static const ImVec4 keys[5] = {{0.267f, 0.005f, 0.329f, 1},
                                   {0.229f, 0.322f, 0.546f, 1},
                                   {0.128f, 0.567f, 0.551f, 1},
                                   {0.369f, 0.789f, 0.383f, 1},
                                   {0.993f, 0.906f, 0.144f, 1}};
    const float y0 = p.y + 1.3f * f.size;
    const int steps = 32;
    for (int i = 0; i < steps; ++i) {
      const float u = 0.15f + 0.85f * (i + 0.5f) / steps;
      const float s = u * 4.0f;
      const int j = std::min(static_cast<int>(s), 3);
      const float fr = s - j;
      const ImVec4 c(keys[j].x + (keys[j + 1].x - keys[j].x) * fr,
                     keys[j].y + (keys[j + 1].y - keys[j].y) * fr,
                     keys[j].z + (keys[j + 1].z - keys[j].z) * fr, 1);
      dl->AddRectFilled(ImVec2(p.x + w * i / steps, y0),
                        ImVec2(p.x + w * (i + 1) / steps + 0.5f, y0 + h),
                        ImGui::ColorConvertFloat4ToU32(c));
    }
  }
}

}  // namespace ss::ui
