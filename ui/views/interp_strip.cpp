#include "ui/views/interp_strip.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>

#include "ui/theme.h"

namespace ss::ui {

namespace {

constexpr ImU32 kSourceFrame = IM_COL32(110, 180, 255, 255);
constexpr ImU32 kErrorText = IM_COL32(255, 115, 107, 255);

// The row in image pixels (zoom 1): the frames with a small gap, the sources apart by a
// larger one. S = the image size.
struct RowUnits {
  float tile, gap, sourceGap, width;
};
RowUnits rowUnits(int size, int frames) {
  const float S = static_cast<float>(std::max(1, size));
  const float gap = std::max(1.0f, S / 8.0f), sourceGap = std::max(3.0f, S / 2.0f);
  return {S, gap, sourceGap, (frames + 2) * S + std::max(0, frames - 1) * gap + 2 * sourceGap};
}

float lines(int n) { return n * ImGui::GetTextLineHeightWithSpacing(); }

// The zoom (pixels per image pixel; an integer when ≥ 1) of the row in width × rowHeight.
float rowZoom(const RowUnits& u, float width, float rowHeight) {
  float zoom = std::min((width - 16) / u.width, rowHeight / u.tile);
  if (zoom >= 1.0f) zoom = std::floor(zoom);
  return std::max(zoom, 0.25f);
}

std::string caption(const scene::InterpolationResult& r) {
  char buf[320];
  const auto& q = r.request;
  std::snprintf(buf, sizeof buf,
                "%s from image %lld to image %lld through x(T), %d frames   score: %s",
                q.spherical ? "slerp" : "linear", static_cast<long long>(q.indexA),
                static_cast<long long>(q.indexB), q.frames, r.scoreName.c_str());
  return buf;
}

std::string numbers(const scene::InterpolationResult& r) {
  char buf[320], rt[64];
  if (r.roundTripError >= 0)
    std::snprintf(rt, sizeof rt, "%.2g", r.roundTripError);
  else
    std::snprintf(rt, sizeof rt, "…");
  std::snprintf(buf, sizeof buf,
                "NFE %lld   round trip max|x' - x| = %s   angle(z_A, z_B) = %.0f°   %s (%.1f s)",
                static_cast<long long>(r.nfe), rt, r.latentAngle, r.status.c_str(), r.wallSeconds);
  return buf;
}

// The caption: what was asked, then the numbers (or the error); returns where it ends.
float drawCaption(const scene::InterpolationResult& r, ImVec2 origin, float width) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = canvasColours().text, dim = canvasColours().dimText;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float wrap = std::max(8 * line, width - 16);
  ImFont* font = ImGui::GetFont();
  const float fs = ImGui::GetFontSize();
  const std::string first = caption(r);
  const std::string second = r.error.empty() ? numbers(r) : "failed: " + r.error;
  float y = origin.y + 4;
  dl->AddText(font, fs, ImVec2(origin.x + 8, y), text, first.c_str(), nullptr, wrap);
  y += font->CalcTextSizeA(fs, FLT_MAX, wrap, first.c_str()).y + (line - fs);
  dl->AddText(font, fs, ImVec2(origin.x + 8, y), r.error.empty() ? dim : kErrorText, second.c_str(),
              nullptr, wrap);
  y += font->CalcTextSizeA(fs, FLT_MAX, wrap, second.c_str()).y + (line - fs) + 4;
  return y;
}

}  // namespace

float InterpolationStrip::fitHeight(const scene::InterpolationResult& result, float width,
                                    float maxHeight) {
  const float header = lines(2) + 8, footer = lines(1) + 4;
  if (result.size <= 0) return std::min(maxHeight, header + footer);
  const auto u = rowUnits(result.size, result.request.frames);
  const float zoom = rowZoom(u, width, std::max(1.0f, maxHeight - header - footer));
  return std::min(maxHeight, header + footer + zoom * u.tile + 8);
}

// The atlas: A, frames 0…n−1, B in one row; re-uploaded when any tile's pixels change.
void InterpolationStrip::refreshAtlas(const scene::InterpolationResult& r) {
  const int n = r.request.frames;
  const size_t pixels = static_cast<size_t>(r.channels) * r.size * r.size;
  // Each publish is a new result (a new wall time and NFE), so those and the address tell a
  // new one from the one already uploaded without comparing the pixels every frame.
  const Key key{&r, r.decoded, r.nfe, r.wallSeconds};
  if (!(key == m_key) || m_atlas.size != r.size) {
    m_key = key;
    std::vector<std::vector<float>> shown;
    shown.reserve(n + 2);
    shown.push_back(r.sourceA);
    for (int k = 0; k < n; ++k)
      shown.push_back(k < static_cast<int>(r.frames.size()) ? r.frames[k] : std::vector<float>{});
    shown.push_back(r.sourceB);
    std::vector<float> packed(shown.size() * pixels, 0.0f);
    for (size_t i = 0; i < shown.size(); ++i)
      if (shown[i].size() == pixels)
        std::copy(shown[i].begin(), shown[i].end(), packed.begin() + i * pixels);
    m_atlas.upload(packed, static_cast<int64_t>(shown.size()), r.channels, r.size,
                   static_cast<int>(shown.size()));
    m_shown = std::move(shown);
  }
}

void InterpolationStrip::draw(const scene::InterpolationResult& r, float width, float height) {
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 dim = canvasColours().dimText;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  float y = drawCaption(r, origin, width);
  const int n = r.request.frames;
  const size_t pixels = static_cast<size_t>(r.channels) * r.size * r.size;
  if (!r.error.empty() || r.size <= 0 || n < 2 || r.sourceA.size() != pixels ||
      r.sourceB.size() != pixels) {
    ImGui::Dummy(ImVec2(width, height));
    return;
  }

  refreshAtlas(r);

  // The row, centred, at an integer zoom; labels under it.
  const auto u = rowUnits(r.size, n);
  const float rowH = std::max(1.0f, origin.y + height - y - line - 8);
  const float zoom = rowZoom(u, width, rowH);
  const float tile = u.tile * zoom, gap = u.gap * zoom, sourceGap = u.sourceGap * zoom;
  const float rowW = u.width * zoom;
  const float x0 = origin.x + std::max(8.0f, (width - rowW) / 2);
  const float top = y + std::max(0.0f, (rowH - tile) / 2);
  auto tileAt = [&](int i, float x) {
    ImVec2 uv0, uv1;
    m_atlas.tileUv(i, &uv0, &uv1);
    dl->AddImage(m_atlas.id(), ImVec2(x, top), ImVec2(x + tile, top + tile), uv0, uv1);
  };
  const float frameW = std::clamp(std::floor(zoom / 3), 2.0f, 4.0f);  // the sources' frame
  auto label = [&](float x, const char* s, ImU32 colour) {
    const float w = ImGui::CalcTextSize(s).x;
    dl->AddText(ImVec2(x + (tile - w) / 2, top + tile + frameW + 4), colour, s);
  };
  // A rectangle of thickness frameW just outside the tile at x.
  auto frame = [&](float x) {
    const float h = frameW / 2;
    dl->AddRect(ImVec2(x - h, top - h), ImVec2(x + tile + h, top + tile + h), kSourceFrame, 0, 0,
                frameW);
  };
  char buf[32];
  // Source A, framed.
  tileAt(0, x0);
  frame(x0);
  std::snprintf(buf, sizeof buf, "A #%lld", static_cast<long long>(r.request.indexA));
  label(x0, buf, kSourceFrame);
  // The decoded frames, placeholders where not yet decoded.
  const bool roomForS = ImGui::CalcTextSize("0.00").x <= tile + gap;
  for (int k = 0; k < n; ++k) {
    const float x = x0 + tile + sourceGap + k * (tile + gap);
    if (m_shown[k + 1].size() == pixels) {
      tileAt(k + 1, x);
    } else {
      dl->AddRectFilled(ImVec2(x, top), ImVec2(x + tile, top + tile), IM_COL32(255, 255, 255, 18));
      dl->AddRect(ImVec2(x, top), ImVec2(x + tile, top + tile), dim);
      const ImVec2 dots = ImGui::CalcTextSize("…");
      if (dots.x < tile)
        dl->AddText(ImVec2(x + (tile - dots.x) / 2, top + (tile - dots.y) / 2), dim, "…");
    }
    if (roomForS) {
      std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(k) / (n - 1));
      label(x, buf, dim);
    }
  }
  // Source B, framed.
  const float xb = x0 + tile + sourceGap + n * tile + (n - 1) * gap + sourceGap;
  tileAt(n + 1, xb);
  frame(xb);
  std::snprintf(buf, sizeof buf, "B #%lld", static_cast<long long>(r.request.indexB));
  label(xb, buf, kSourceFrame);
  ImGui::Dummy(ImVec2(width, height));
}

}  // namespace ss::ui
