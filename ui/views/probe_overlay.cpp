#include "ui/views/probe_overlay.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "ui/views/point_renderer.h"

namespace ss::ui {

namespace {

constexpr size_t kMaxPolylinePoints = 400;  // per particle path: SDE paths have ~1000 steps

ImU32 withAlpha(ImU32 c, float a) {
  return (c & ~IM_COL32_A_MASK) |
         (static_cast<ImU32>(std::clamp(a, 0.0f, 1.0f) * 255) << IM_COL32_A_SHIFT);
}

struct Mapper {
  const Camera2D& camera;
  Vec2 origin, size;
  ImVec2 operator()(float x, float y) const {
    const Vec2 p = camera.worldToPixel({x, y}, size);
    return ImVec2(p.x + origin.x, p.y + origin.y);
  }
};

// One particle's path as a polyline (subsampled, the ends kept), its start ringed and its end
// a dot; `latent` marks the end as the code x(T) instead (a square).
void drawPath(ImDrawList* dl, const Mapper& map, const scene::ProbePath& path, int64_t n, int64_t i,
              ImU32 colour, float width, bool latent) {
  const size_t records = path.records();
  if (records == 0 || path.xy.size() < records * n * 2) return;
  const size_t stride =
      std::max<size_t>(1, (records + kMaxPolylinePoints - 1) / kMaxPolylinePoints);
  std::vector<ImVec2> pts;
  pts.reserve(records / stride + 2);
  for (size_t r = 0; r < records; r += stride)
    pts.push_back(map(path.xy[(r * n + i) * 2], path.xy[(r * n + i) * 2 + 1]));
  const size_t lastAt = ((records - 1) * n + i) * 2;
  const ImVec2 end = map(path.xy[lastAt], path.xy[lastAt + 1]);
  if ((records - 1) % stride != 0) pts.push_back(end);
  // A dark halo under the line keeps it readable over a dense cloud of any colour.
  dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), IM_COL32(8, 9, 12, 190),
                  ImDrawFlags_None, width + 2.5f);
  dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), colour, ImDrawFlags_None, width);
  const float font = ImGui::GetFontSize();
  const ImVec2 start = pts.front();
  dl->AddCircle(start, 0.32f * font, IM_COL32(255, 255, 255, 230), 14, 1.5f);
  if (latent) {
    const float r = 0.3f * font;
    dl->AddRectFilled(ImVec2(end.x - r, end.y - r), ImVec2(end.x + r, end.y + r),
                      withAlpha(colour, 1.0f));
    dl->AddRect(ImVec2(end.x - r, end.y - r), ImVec2(end.x + r, end.y + r),
                IM_COL32(20, 20, 20, 255));
  } else {
    dl->AddCircleFilled(end, 0.22f * font, withAlpha(colour, 1.0f), 12);
    dl->AddCircle(end, 0.22f * font, IM_COL32(20, 20, 20, 255), 12, 1.0f);
  }
}

void drawProbe(ImDrawList* dl, const Mapper& map, const scene::ProbeResult& p) {
  const auto& c = probeColours();
  // Clusters draw thinner and fainter, so sixteen paths stay readable.
  const bool cluster = p.n > 1;
  const float width = cluster ? 1.3f : 2.2f, alpha = cluster ? 0.75f : 0.95f;
  for (int64_t i = 0; i < p.n; ++i) {
    if (p.kind == scene::ProbeKind::Encode) {
      drawPath(dl, map, p.ode, p.n, i, withAlpha(c.encode, alpha), width, true);
      continue;
    }
    drawPath(dl, map, p.sde, p.n, i, withAlpha(c.sde, alpha), width, false);
    drawPath(dl, map, p.ode, p.n, i, withAlpha(c.ode, alpha), width, false);
  }
}

// One entry per kind of path shown.
std::vector<std::pair<ImU32, const char*>> legendEntries(const CanvasScene& scene) {
  bool drop = false, encode = false;
  for (const auto& p : scene.probes) (p->kind == scene::ProbeKind::Encode ? encode : drop) = true;
  std::vector<std::pair<ImU32, const char*>> entries;
  const auto& c = probeColours();
  if (drop)
    entries.push_back({c.sde, "probe: reverse SDE"}), entries.push_back({c.ode, "probe: PF-ODE"});
  if (encode) entries.push_back({c.encode, "encode: PF-ODE to x(T) (square)"});
  return entries;
}

}  // namespace

const ProbeColours& probeColours() {
  // SDE pale yellow, ODE cyan, both on a dark halo: apart from the class colours of the
  // particles, the white trails, the gold Tweedie ghosts and each other.
  static const ProbeColours c{IM_COL32(255, 240, 130, 255), IM_COL32(70, 200, 255, 255),
                              IM_COL32(170, 235, 90, 255), IM_COL32(255, 170, 40, 255)};
  return c;
}

void drawToolOverlay(const CanvasScene& scene, const Camera2D& camera, Vec2 origin, Vec2 size) {
  if (scene.probes.empty() && !scene.drawnPoints && scene.brushRadius <= 0) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImVec2(origin.x, origin.y), ImVec2(origin.x + size.x, origin.y + size.y), true);
  const Mapper map{camera, origin, size};
  if (scene.drawnPoints) {
    const auto& xy = *scene.drawnPoints;
    const float r = std::max(1.5f, 0.14f * ImGui::GetFontSize());
    const auto* labels = scene.drawnLabels && scene.drawnLabels->size() * 2 == xy.size()
                             ? scene.drawnLabels
                             : nullptr;
    const float* pal = categoricalPalette();
    for (size_t i = 0; i + 1 < xy.size(); i += 2) {
      ImU32 col = probeColours().drawn;
      if (labels) {  // painted classes in the canvas's class colours
        const int k = (*labels)[i / 2] % 10;
        col = ImGui::ColorConvertFloat4ToU32(
            ImVec4(pal[3 * k], pal[3 * k + 1], pal[3 * k + 2], 1.0f));
      }
      dl->AddCircleFilled(map(xy[i], xy[i + 1]), r, col, 6);
    }
  }
  for (const auto& p : scene.probes)
    if (p) drawProbe(dl, map, *p);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool inside = mouse.x >= origin.x && mouse.y >= origin.y && mouse.x < origin.x + size.x &&
                      mouse.y < origin.y + size.y;
  if (scene.brushRadius > 0 && inside)
    dl->AddCircle(mouse, scene.brushRadius / std::max(camera.unitsPerPixel, 1e-9f),
                  IM_COL32(255, 255, 255, 200), 48, 1.5f);
  dl->PopClipRect();
}

Vec2 probeLegendSize(const CanvasScene& scene) {
  const auto entries = legendEntries(scene);
  if (entries.empty()) return {0, 0};
  const float font = ImGui::GetFontSize(), line = 1.35f * font, swatch = 1.6f * font;
  float w = 0;
  for (const auto& e : entries) w = std::max(w, ImGui::CalcTextSize(e.second).x);
  return {0.6f * font + swatch + 0.5f * font + w + 0.6f * font,
          0.5f * font + line * static_cast<float>(entries.size())};
}

void drawProbeLegend(const CanvasScene& scene, Vec2 at) {
  const auto entries = legendEntries(scene);
  const Vec2 box = probeLegendSize(scene);
  if (entries.empty()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize(), line = 1.35f * font, swatch = 1.6f * font;
  const ImVec2 p0(at.x, at.y);
  dl->AddRectFilled(p0, ImVec2(p0.x + box.x, p0.y + box.y), IM_COL32(0, 0, 0, 150), 0.3f * font);
  for (size_t k = 0; k < entries.size(); ++k) {
    const float y = p0.y + 0.25f * font + line * k + 0.5f * line;
    const float x = p0.x + 0.6f * font;
    dl->AddLine(ImVec2(x, y), ImVec2(x + swatch, y), entries[k].first, 2.5f);
    dl->AddText(ImVec2(x + swatch + 0.5f * font, y - 0.5f * font), IM_COL32(235, 235, 235, 255),
                entries[k].second);
  }
}

}  // namespace ss::ui
