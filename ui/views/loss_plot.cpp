#include "ui/views/loss_plot.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/theme.h"

namespace ss::ui {

void lossPlot(const std::vector<int64_t>& steps, const std::vector<float>& raw,
              const std::vector<float>& smoothed, float height) {
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 p1(p0.x + width, p0.y + height);
  ImGui::Dummy(ImVec2(width, height));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& c = canvasColours();
  dl->AddRectFilled(p0, p1, c.background, 4.0f);
  const size_t n = std::min({steps.size(), raw.size(), smoothed.size()});
  if (n < 2) {
    dl->AddText(ImVec2(p0.x + 8, p0.y + 8), c.dimText, "loss: no steps yet");
    return;
  }
  bool positive = true;
  float lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(raw[i])) continue;
    positive &= raw[i] > 0 && smoothed[i] > 0;
    lo = std::min({lo, raw[i], smoothed[i]});
    hi = std::max({hi, raw[i], smoothed[i]});
  }
  auto tr = [&](float v) { return positive ? std::log10(v) : v; };
  float ylo = tr(lo), yhi = tr(hi);
  if (!(yhi > ylo)) yhi = ylo + 1;
  const float pad = 6, fs = ImGui::GetFontSize();
  const double s0 = static_cast<double>(steps.front()),
               s1 = static_cast<double>(std::max(steps.back(), steps.front() + 1));
  auto at = [&](size_t i, float v) {
    const float u = static_cast<float>((steps[i] - s0) / (s1 - s0));
    const float w = (tr(v) - ylo) / (yhi - ylo);
    return ImVec2(p0.x + pad + u * (width - 2 * pad), p1.y - pad - w * (height - 2 * pad - fs));
  };
  dl->PushClipRect(p0, p1, true);
  std::vector<ImVec2> pts(n);
  for (size_t i = 0; i < n; ++i) pts[i] = at(i, std::isfinite(raw[i]) ? raw[i] : hi);
  dl->AddPolyline(pts.data(), static_cast<int>(n), IM_COL32(120, 170, 255, 90), 0, 1.0f);
  for (size_t i = 0; i < n; ++i) pts[i] = at(i, smoothed[i]);
  dl->AddPolyline(pts.data(), static_cast<int>(n), IM_COL32(120, 190, 255, 255), 0, 2.0f);
  dl->PopClipRect();
  char label[96];
  std::snprintf(label, sizeof label, "loss%s  %.3g … %.3g", positive ? " (log)" : "", lo, hi);
  dl->AddText(ImVec2(p0.x + pad, p0.y + 2), c.dimText, label);
}

}  // namespace ss::ui
