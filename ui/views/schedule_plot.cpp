#include "ui/views/schedule_plot.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "ui/theme.h"

namespace ss::ui {

bool scheduleplot(const sde::SdeConfig& cfg, double* t, float height) {
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 p1(p0.x + width, p0.y + height);
  ImGui::InvisibleButton("##schedule", ImVec2(width, height));
  bool moved = false;
  if (ImGui::IsItemActive()) {
    const float u = std::clamp((ImGui::GetIO().MousePos.x - p0.x) / width, 0.0f, 1.0f);
    *t = u * cfg.T;
    moved = true;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& c = canvasColours();
  dl->AddRectFilled(p0, p1, c.background, 4.0f);
  const float pad = 4.0f;
  auto at = [&](double u, double v) {
    return ImVec2(p0.x + pad + static_cast<float>(u) * (width - 2 * pad),
                  p1.y - pad - static_cast<float>(v) * (height - 2 * pad));
  };
  const double sT = sde::marginal(cfg, cfg.T).sigma;
  constexpr int kSteps = 96;
  ImVec2 aPts[kSteps + 1], sPts[kSteps + 1];
  for (int i = 0; i <= kSteps; ++i) {
    const double u = static_cast<double>(i) / kSteps;
    const auto m = sde::marginal(cfg, u * cfg.T);
    aPts[i] = at(u, m.a);
    sPts[i] = at(u, m.sigma / sT);
  }
  const ImU32 aCol = IM_COL32(110, 190, 255, 255), sCol = IM_COL32(255, 170, 80, 255);
  dl->AddPolyline(aPts, kSteps + 1, aCol, 0, 2.0f);
  dl->AddPolyline(sPts, kSteps + 1, sCol, 0, 2.0f);
  const ImVec2 m0 = at(*t / cfg.T, 0), m1 = at(*t / cfg.T, 1);
  dl->AddLine(ImVec2(m0.x, p0.y + 2), ImVec2(m1.x, p1.y - 2), c.text, 1.5f);
  const float fs = ImGui::GetFontSize();
  dl->AddText(ImVec2(p0.x + 1.2f * pad, p0.y + pad), aCol, "a(t)");
  dl->AddText(ImVec2(p0.x + 1.2f * pad + 2.6f * fs, p0.y + pad), sCol, "σ(t)/σ(T)");
  return moved;
}

}  // namespace ss::ui
