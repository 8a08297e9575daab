#include "ui/views/mask_painter.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/panels/widgets.h"
#include "ui/theme.h"

namespace ss::ui {

namespace {

using Point = MaskEditor::Point;

constexpr sample::MaskPreset kPresets[] = {
    sample::MaskPreset::LeftHalf,     sample::MaskPreset::RightHalf, sample::MaskPreset::TopHalf,
    sample::MaskPreset::BottomHalf,   sample::MaskPreset::CentreBox, sample::MaskPreset::Random50,
    sample::MaskPreset::EveryOtherRow};
// Overlay texels per image pixel along each axis: the hatch's resolution.
constexpr int kHatch = 4;

ImTextureID textureId(const gl::Texture2D& t) {
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t.id()));
}

// Uploads w×h RGBA8 into `t`, (re)creating it when the size changed; texels unfiltered.
void upload(gl::Texture2D& t, int w, int h, const std::vector<unsigned char>& rgba) {
  gl::uploadRgba(t, w, h, rgba.data(), /*nearest=*/true);
}

float radioWidth(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x +
         ImGui::CalcTextSize(label).x;
}

ImU32 tint(float alpha) {
  return IM_COL32(MaskPainter::kTint[0], MaskPainter::kTint[1], MaskPainter::kTint[2],
                  static_cast<int>(std::lround(255 * alpha)));
}

}  // namespace

void MaskPainter::uploadImage(const std::vector<float>& source, int channels, int size) {
  if (source == m_imageUploaded && m_image) return;
  const size_t plane = static_cast<size_t>(size) * size;
  std::vector<unsigned char> rgba(plane * 4, 255);
  for (size_t i = 0; i < plane; ++i)
    for (int k = 0; k < 3; ++k) {
      const float v = source[std::min(k, channels - 1) * plane + i];
      rgba[i * 4 + k] = static_cast<unsigned char>(std::lround(255.0f * std::clamp(v, 0.0f, 1.0f)));
    }
  upload(m_image, size, size, rgba);
  m_imageUploaded = source;
}

// Unknown pixels: the tint in diagonal stripes of two alphas; known pixels: transparent.
void MaskPainter::uploadOverlay() {
  if (m_overlayRevision == m_mask.revision() && m_overlay) return;
  const int w = m_mask.width() * kHatch, h = m_mask.height() * kHatch;
  std::vector<unsigned char> rgba(static_cast<size_t>(w) * h * 4, 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      if (m_mask.at(x / kHatch, y / kHatch)) continue;
      unsigned char* p = &rgba[(static_cast<size_t>(y) * w + x) * 4];
      const float a = (x + y) % kHatch < kHatch / 2 ? kAlphaStrong : kAlphaWeak;
      p[0] = kTint[0], p[1] = kTint[1], p[2] = kTint[2];
      p[3] = static_cast<unsigned char>(std::lround(255 * a));
    }
  upload(m_overlay, w, h, rgba);
  m_overlayRevision = m_mask.revision();
}

bool MaskPainter::draw(const scene::ImageRunResult* run, float width, float height) {
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const bool reopened = ImGui::GetFrameCount() > m_lastFrame + 1;
  m_lastFrame = ImGui::GetFrameCount();
  const bool inpaint = run && run->request.task == scene::ImageTask::Inpaint && run->size > 0;
  const int S = inpaint ? run->size : 0;
  bool send = false;
  // Start from the run's mask (a preset, sent, when it has none: e.g. the painted mask did not
  // fit a model of another size); re-opened, from the run's mask again (Undo brings the
  // painting back).
  const bool fits = inpaint && run->mask.size() == static_cast<size_t>(S) * S;
  if (inpaint && (m_mask.width() != S || m_mask.height() != S)) {
    m_mask.reset(S, S);
    if (!m_mask.assign(run->mask)) {
      m_mask.fillPreset(kPresets[m_preset], run->request.seed);
      send = true;
    }
  } else if (reopened && fits && run->mask != m_mask.pixels()) {
    m_mask.checkpoint();
    m_mask.assign(run->mask);
  }
  if (!inpaint || run->source.size() < static_cast<size_t>(S) * S) {
    ImGui::TextDisabled("mask painter: waiting for the inpainting run to load the image…");
    if (run && !run->error.empty()) errorText(run->error);
    return send;
  }
  m_right = start.x + width;
  send |= toolbar(S, run->request.seed);

  // Legend: the swatches and the share of known pixels.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float sw = ImGui::GetTextLineHeight();
  const ImU32 dim = canvasColours().dimText;
  ImVec2 p = ImGui::GetCursorScreenPos();
  dl->AddRectFilled(p, ImVec2(p.x + sw, p.y + sw), IM_COL32(128, 128, 128, 255));
  dl->AddRect(p, ImVec2(p.x + sw, p.y + sw), dim);
  ImGui::Dummy(ImVec2(sw, sw));
  ImGui::SameLine();
  ImGui::TextUnformatted("known");
  ImGui::SameLine();
  p = ImGui::GetCursorScreenPos();
  dl->AddRectFilled(p, ImVec2(p.x + sw, p.y + sw), IM_COL32(128, 128, 128, 255));
  dl->AddRectFilled(p, ImVec2(p.x + sw, p.y + sw), tint(0.5f * (kAlphaStrong + kAlphaWeak)));
  dl->AddRect(p, ImVec2(p.x + sw, p.y + sw), dim);
  ImGui::Dummy(ImVec2(sw, sw));
  ImGui::SameLine();
  ImGui::TextUnformatted("unknown");
  char share[32];
  std::snprintf(share, sizeof share, "%.0f %% known",
                100.0 * m_mask.count(1) / (static_cast<double>(S) * S));
  sameLineIfFits(ImGui::CalcTextSize("100 % known").x + 2 * sw, m_right);  // the widest: no jumps
  if (ImGui::GetCursorScreenPos().x > start.x + 1) ImGui::Dummy(ImVec2(sw, 0)), ImGui::SameLine();
  ImGui::TextDisabled("%s", share);

  const float used = ImGui::GetCursorScreenPos().y - start.y;
  const float side = std::max(4.0f * S, std::min(width, height - used - 4));
  uploadImage(run->source, run->channels, S);
  uploadOverlay();
  const bool finished = canvas(side, S);
  return send || (finished && rerunOnRelease);
}

bool MaskPainter::toolbar(int size, uint64_t seed) {
  bool send = false;
  const char* names[] = {"Brush", "Eraser", "Rectangle", "Lasso"};
  const char* tips[] = {
      "Paint pixels unknown (to generate); right-drag paints them known",
      "Paint pixels known (kept from the image); right-drag paints them unknown",
      "Drag a box of unknown pixels; right-drag for known",
      "Draw a closed outline of unknown pixels (closed on release); right-drag for known"};
  for (int i = 0; i < 4; ++i) {
    if (i > 0) sameLineIfFits(radioWidth(names[i]), m_right);
    if (ImGui::RadioButton(names[i], tool == static_cast<MaskTool>(i)))
      tool = static_cast<MaskTool>(i);
    tooltip(tips[i]);
  }
  // Always shown (disabled for the other tools) so that the image does not jump.
  ImGui::BeginDisabled(tool != MaskTool::Brush && tool != MaskTool::Eraser);
  ImGui::SetNextItemWidth(
      std::min(12 * ImGui::GetFontSize(),
               m_right - ImGui::GetCursorScreenPos().x - 6 * ImGui::GetFontSize()));
  ImGui::SliderFloat("brush size", &radius, 0.5f, std::max(2.0f, size / 4.0f), "%.1f px");
  ImGui::EndDisabled();
  tooltip("Brush and eraser radius in image pixels");
  auto edit = [&](auto&& op) {
    m_mask.checkpoint();
    op();
    send |= rerunOnRelease;
  };
  ImGui::BeginDisabled(!m_mask.canUndo());
  if (ImGui::Button("Undo")) m_mask.undo(), send |= rerunOnRelease;
  ImGui::EndDisabled();
  tooltip("Undo the last edit (Ctrl+Z)");
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && ImGui::GetIO().KeyCtrl &&
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z)) && m_mask.undo())
    send |= rerunOnRelease;
  sameLineIfFits(buttonWidth("Invert"), m_right);
  if (ImGui::Button("Invert")) edit([&] { m_mask.invert(); });
  tooltip("Known pixels become unknown and back");
  sameLineIfFits(buttonWidth("Clear"), m_right);
  if (ImGui::Button("Clear")) edit([&] { m_mask.clear(); });
  tooltip("Everything unknown: an unconditional sample");
  sameLineIfFits(9 * ImGui::GetFontSize(), m_right);
  ImGui::SetNextItemWidth(
      std::min(9 * ImGui::GetFontSize(), m_right - ImGui::GetCursorScreenPos().x));
  if (ImGui::BeginCombo("##preset", "presets…")) {
    for (int i = 0; i < static_cast<int>(std::size(kPresets)); ++i)
      if (ImGui::Selectable(sample::toString(kPresets[i]).c_str(), i == m_preset)) {
        m_preset = i;
        edit([&] { m_mask.fillPreset(kPresets[i], seed); });
      }
    ImGui::EndCombo();
  }
  tooltip("Replace the mask by a preset (random-50 follows the seed)");
  if (ImGui::Button("Inpaint")) send = true;
  tooltip("Sample the unknown pixels given the known ones; the grid fills in live");
  ImGui::SameLine();
  ImGui::Checkbox("re-run on release", &rerunOnRelease);
  tooltip("Start a new run after every finished stroke or edit");
  return send;
}

// The pointer on the mask at `at` (image pixels), the button held while `active`: a press
// starts a stroke (the right button paints the other value), a drag extends it, a release
// applies a rectangle or lasso. Returns true when a stroke finished.
bool MaskPainter::stroke(Point at, bool active) {
  const bool brush = tool == MaskTool::Brush || tool == MaskTool::Eraser;
  bool finished = false;
  if (ImGui::IsItemActivated()) {
    const bool right =
        ImGui::IsMouseDown(ImGuiMouseButton_Right) && !ImGui::IsMouseDown(ImGuiMouseButton_Left);
    const uint8_t paint = tool == MaskTool::Eraser ? 1 : 0;
    m_value = right ? 1 - paint : paint;
    m_dragging = true;
    m_path = {at};
    if (brush) {
      m_mask.checkpoint();
      m_mask.brush(at, at, radius, m_value);
    }
  } else if (m_dragging && active) {
    const Point last = m_path.back();
    const float moved = std::hypot(at.x - last.x, at.y - last.y);
    if (brush && moved > 0) {
      m_mask.brush(last, at, radius, m_value);
      m_path.back() = at;
    } else if (tool == MaskTool::Lasso && moved >= 0.25f) {
      m_path.push_back(at);
    }
  }
  if (m_dragging && !active) {  // released
    if (tool == MaskTool::Rectangle) {
      m_mask.checkpoint();
      m_mask.rectangle(m_path.front(), at, m_value);
    } else if (tool == MaskTool::Lasso) {
      m_path.push_back(at);
      if (m_path.size() >= 3) {
        m_mask.checkpoint();
        m_mask.lasso(m_path, m_value);
      }
    }
    m_dragging = false;
    m_path.clear();
    finished = true;
  }
  return finished;
}

// Live previews: the box snapped to the pixels it covers, the lasso's polyline, the brush.
void MaskPainter::drawPreview(ImVec2 p0, ImVec2 p1, Point at, bool pointerOn) const {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float zoom = m_zoom;
  auto toScreen = [&](Point q) { return ImVec2(p0.x + q.x * zoom, p0.y + q.y * zoom); };
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool brush = tool == MaskTool::Brush || tool == MaskTool::Eraser;
  const ImU32 white = IM_COL32(255, 255, 255, 230), shadow = IM_COL32(0, 0, 0, 200);
  dl->PushClipRect(p0, p1, true);
  if (m_dragging && tool == MaskTool::Rectangle) {
    const Point a = m_path.front();
    const float x0 = std::ceil(std::min(a.x, at.x) - 0.5f),
                x1 = std::floor(std::max(a.x, at.x) - 0.5f) + 1;
    const float y0 = std::ceil(std::min(a.y, at.y) - 0.5f),
                y1 = std::floor(std::max(a.y, at.y) - 0.5f) + 1;
    dl->AddRect(toScreen({x0, y0}), toScreen({x1, y1}), shadow, 0, 0, 3.0f);
    dl->AddRect(toScreen({x0, y0}), toScreen({x1, y1}), white, 0, 0, 1.5f);
  }
  if (m_dragging && tool == MaskTool::Lasso && !m_path.empty()) {
    std::vector<ImVec2> pts;
    for (const auto& q : m_path) pts.push_back(toScreen(q));
    pts.push_back(mouse);
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), shadow, 0, 3.0f);
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), white, 0, 1.5f);
    dl->AddLine(mouse, pts.front(), IM_COL32(255, 255, 255, 110), 1.0f);  // where it will close
  }
  if (brush && pointerOn) dl->AddCircle(mouse, radius * zoom, white, 0, 1.5f);
  dl->PopClipRect();
}

bool MaskPainter::canvas(float side, int S) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float zoom = side / S;
  if (zoom >= 1) zoom = std::floor(zoom);
  const float px = zoom * S;
  const ImVec2 cursor = ImGui::GetCursorScreenPos();
  const ImVec2 p0(cursor.x + std::floor(std::max(0.0f, (side - px) / 2)), cursor.y);
  const ImVec2 p1(p0.x + px, p0.y + px);
  m_origin = p0;
  m_zoom = zoom;
  ImGui::SetCursorScreenPos(p0);
  ImGui::InvisibleButton("##mask", ImVec2(px, px),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
  dl->AddImage(textureId(m_image), p0, p1);
  dl->AddImage(textureId(m_overlay), p0, p1);
  dl->AddRect(ImVec2(p0.x - 1, p0.y - 1), ImVec2(p1.x + 1, p1.y + 1), canvasColours().dimText);

  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const Point at{(mouse.x - p0.x) / zoom, (mouse.y - p0.y) / zoom};
  const bool finished = stroke(at, active);

  drawPreview(p0, p1, at, hovered || active);
  return finished;
}

}  // namespace ss::ui
