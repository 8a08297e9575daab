#include "ui/views/canvas2d.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "ui/theme.h"
#include "ui/views/layers/canvas_layer.h"
#include "ui/views/layers/draw_helpers.h"

namespace ss::ui {

namespace {

std::string formatTick(float v, float step) {
  char buf[32];
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-6f)));
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v) < step * 1e-3f ? 0.0f : v);
  return buf;
}

}  // namespace

Canvas2D::Canvas2D() : m_layers(makeCanvasLayers()) {}
Canvas2D::~Canvas2D() = default;

bool Canvas2D::ensureResources(int fbWidth, int fbHeight) {
  for (auto& layer : m_layers) {
    if (std::string e = layer->prepare(); !e.empty()) {
      m_error = e;
      return false;
    }
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

// Frames the camera: a scene's view box or the data with the unit prior disc on a fit (a
// new dataset, a double-click), the spread a(t)·data ± 2.5σ(t) when following it, or the
// compare panes' shared camera.
void Canvas2D::frameCamera(const CanvasScene& scene, const CanvasOptions& options, Vec2 plot) {
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
    auto b = cloud->bounds;
    b = {std::min(b[0], -2.5f), std::min(b[1], -2.5f), std::max(b[2], 2.5f), std::max(b[3], 2.5f)};
    m_camera.fit(options.view ? *options.view : b, plot, options.view ? 0.0f : 0.08f);
    m_fitPending = false;
  }
}

// The plot is one invisible button: drag pans, the wheel zooms about the cursor, a
// double-click fits; with a canvas tool (pan off) the pointer is reported instead.
void Canvas2D::handleInput(const CanvasScene& scene, Vec2 origin, Vec2 plot, bool interactive) {
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
  if (interactive && !m_panEnabled && !m_lineDrag) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    m_pointer.hovered = ImGui::IsItemHovered();
    m_pointer.world = pointerToWorld({mouse.x, mouse.y}, m_geometry);
    m_pointer.pressed = ImGui::IsItemActivated();
    m_pointer.held = ImGui::IsItemActive();
    m_pointer.released = ImGui::IsItemDeactivated();
    m_pointer.unitsPerPixel = m_camera.unitsPerPixel;
  }
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
  frameCamera(scene, options, plot);
  handleInput(scene, origin, plot, interactive);
  const auto* cloud = scene.cloud.get();
  ColourMode mode = ColourMode::Attribute;
  if (cloud)
    mode = options.colourMode.value_or(cloud->numClasses >= 2 && cloud->numClasses <= 10
                                           ? ColourMode::Class
                                           : ColourMode::Attribute);
  const LayerFrame frame{scene, options, origin, plot, m_camera, mode, fbScale.x, &*m_fbo, dl};
  {
    gl::StateGuard guard;
    m_fbo->bind();
    const auto& bg = ImGui::ColorConvertU32ToFloat4(colours.background);
    // Transparent exports keep the background's colour under alpha 0, so semi-transparent
    // points blend towards it, not towards black.
    glClearColor(bg.x, bg.y, bg.z, options.transparentBackground ? 0.0f : 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    for (auto& layer : m_layers) layer->drawGl(frame);
  }
  // GL's texture origin is bottom-left: flip v.
  dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(m_fbo->colour().id())),
               im(origin), ImVec2(origin.x + plot.x, origin.y + plot.y), ImVec2(0, 1),
               ImVec2(1, 0));
  drawAxes(origin, plot, options.showGrid);
  for (auto& layer : m_layers) layer->drawOverlay(frame);
  drawOverlayBoxes(frame);
  if (!cloud) {
    const char* msg = scene.placeholder.c_str();
    ImVec2 ts = ImGui::CalcTextSize(msg);
    dl->AddText(ImVec2(origin.x + 0.5f * (plot.x - ts.x), origin.y + 0.5f * plot.y), colours.text,
                msg);
  }
  ImGui::SetCursorScreenPos(ImVec2(cursor.x, cursor.y + size.y));
}

// Every layer's boxes (titles, the status line, legends, colour bars), placed together by one
// layout pass off the particles where there is room, the title and status line first, and
// drawn where it put them.
void Canvas2D::drawOverlayBoxes(const LayerFrame& frame) {
  std::vector<CanvasOverlay> items;
  for (auto& layer : m_layers) layer->overlays(frame, items);
  std::stable_sort(items.begin(), items.end(),
                   [](const CanvasOverlay& a, const CanvasOverlay& b) { return a.rank < b.rank; });
  OverlayPass pass;
  const Vec2 o = frame.origin, plot = frame.plot;
  pass.input.canvas = {o.x, o.y, o.x + plot.x, o.y + plot.y};
  pass.input.margin = 0.6f * fonts().size;
  pass.input.clearance = 0.3f * fonts().size;
  if (const auto* cloud = frame.scene.cloud.get())
    if (auto box =
            particleBox(*cloud, frame.scene.a, frame.scene.sigma, frame.camera, pass.input.canvas))
      pass.input.data.push_back(*box);
  for (const auto& item : items) pass.boxes.push_back(item.box);
  pass.placed = layoutOverlays(pass.input, pass.boxes);
  for (size_t i = 0; i < items.size(); ++i) items[i].draw(pass.placed[i]);
  m_overlayPass = std::move(pass);
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

}  // namespace ss::ui
