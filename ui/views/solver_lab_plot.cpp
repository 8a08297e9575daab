#include "ui/views/solver_lab_plot.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "ui/theme.h"

namespace ss::ui {

namespace {

// One colour per solver, in spec order (distinct on dark and high-contrast backgrounds).
ImU32 seriesColour(size_t i) {
  static const ImU32 kColours[] = {IM_COL32(240, 120, 100, 255), IM_COL32(250, 200, 80, 255),
                                   IM_COL32(120, 210, 120, 255), IM_COL32(100, 180, 255, 255),
                                   IM_COL32(200, 130, 255, 255), IM_COL32(90, 220, 220, 255),
                                   IM_COL32(230, 230, 230, 255)};
  return kColours[i % (sizeof kColours / sizeof kColours[0])];
}

// A log10 axis over [lo, hi] (both > 0) onto pixels [p, q].
struct LogAxis {
  double lo = 1, hi = 10;
  float p = 0, q = 1;
  float at(double v) const {
    const double u = (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return p + static_cast<float>(u) * (q - p);
  }
};

// The range of the positive finite values widened by `pad` (a factor) at both ends, and
// rounded out to whole decades when `decades` (a default when there are no values).
LogAxis rangeOf(const std::vector<double>& v, double pad, bool decades) {
  double lo = INFINITY, hi = -INFINITY;
  for (double x : v)
    if (x > 0 && std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  if (!(hi >= lo)) return {1e-3, 1.0};
  lo /= pad, hi *= pad;
  if (decades) {
    lo = std::pow(10.0, std::floor(std::log10(lo)));
    hi = std::pow(10.0, std::ceil(std::log10(hi)));
  }
  if (hi <= lo * 1.0001) hi = lo * 10;
  return {lo, hi};
}

std::string number(double v) {
  char s[32];
  std::snprintf(s, sizeof s, "%g", v);
  return s;
}

struct Frame {
  ImVec2 p0, p1;  // the panel
  LogAxis x, y;   // the plot area's axes
};

// Background, title, decade grid and labels; the x ticks at the budgets.
void drawFrame(ImDrawList* dl, const Frame& f, const char* title, const char* yLabel,
               const std::vector<int>& budgets) {
  const auto& c = canvasColours();
  const float fs = ImGui::GetFontSize();
  dl->AddRectFilled(f.p0, f.p1, c.background, 4.0f);
  dl->AddText(ImVec2(f.p0.x + 8, f.p0.y + 4), c.text, title);
  for (double d = f.y.lo; d <= f.y.hi * 1.0001; d *= 10) {
    const float y = f.y.at(d);
    dl->AddLine(ImVec2(f.x.p, y), ImVec2(f.x.q, y), c.grid);
    const std::string s = number(d);
    dl->AddText(ImVec2(f.x.p - ImGui::CalcTextSize(s.c_str()).x - 4, y - fs / 2), c.dimText,
                s.c_str());
  }
  for (int b : budgets) {
    const float x = f.x.at(b);
    dl->AddLine(ImVec2(x, f.y.q), ImVec2(x, f.y.p), c.grid);
    const std::string s = number(b);
    dl->AddText(ImVec2(x - ImGui::CalcTextSize(s.c_str()).x / 2, f.y.p + 2), c.dimText, s.c_str());
  }
  dl->AddRect(ImVec2(f.x.p, f.y.q), ImVec2(f.x.q, f.y.p), c.axis);
  dl->AddText(ImVec2(f.x.q - ImGui::CalcTextSize("NFE").x, f.y.p + 2 + fs), c.dimText, "NFE");
  dl->AddText(ImVec2(f.x.p + 4, f.y.q + 2), c.dimText, yLabel);
}

// Each solver's points joined in NFE order; `value` picks the plotted quantity.
void drawSeries(ImDrawList* dl, const Frame& f, const sample::SolverLabResult& lab,
                const std::function<double(const sample::SolverLabPoint&)>& value) {
  dl->PushClipRect(ImVec2(f.x.p, f.y.q), ImVec2(f.x.q, f.y.p), true);
  for (size_t i = 0; i < lab.curves.size(); ++i) {
    auto pts = lab.curves[i].points;
    std::sort(pts.begin(), pts.end(), [](auto& a, auto& b) { return a.nfe < b.nfe; });
    std::vector<ImVec2> line;
    for (const auto& p : pts)
      if (value(p) > 0 && std::isfinite(value(p)))
        line.emplace_back(f.x.at(static_cast<double>(p.nfe)), f.y.at(value(p)));
    const ImU32 col = seriesColour(i);
    dl->AddPolyline(line.data(), static_cast<int>(line.size()), col, 0, 2.0f);
    for (const auto& q : line) dl->AddCircleFilled(q, 3.5f, col);
  }
  dl->PopClipRect();
}

// The legend in the error plot's upper right (the curves fall away from it): solver, grid,
// measured order, on a translucent backing.
void drawLegend(ImDrawList* dl, const Frame& f, const sample::SolverLabResult& lab) {
  const float fs = ImGui::GetFontSize();
  const float w = ImGui::CalcTextSize("dpm_solver_3 (logsnr)  order 0.00").x + 34;
  const float x0 = f.x.q - w - 6, y0 = f.y.q + 6;
  dl->AddRectFilled(ImVec2(x0, y0 - 2),
                    ImVec2(f.x.q - 6, y0 + 2 + fs * static_cast<float>(lab.curves.size())),
                    (canvasColours().background & 0x00FFFFFFu) | 0xD0000000u, 3.0f);
  float y = y0;
  for (size_t i = 0; i < lab.curves.size(); ++i, y += fs) {
    const auto& c = lab.curves[i];
    const double order = -c.errorSlope();
    char s[96];
    if (std::isfinite(order))
      std::snprintf(s, sizeof s, "%s (%s)  order %.2f", c.solver.c_str(), c.grid.c_str(), order);
    else
      std::snprintf(s, sizeof s, "%s (%s)", c.solver.c_str(), c.grid.c_str());
    dl->AddRectFilled(ImVec2(x0 + 8, y + fs * 0.3f), ImVec2(x0 + 20, y + fs * 0.7f),
                      seriesColour(i));
    dl->AddText(ImVec2(x0 + 26, y), canvasColours().text, s);
  }
}

// The perfect-sampler band (sw2 ≤ 2.5 × floor) shaded, the floor dashed.
void drawBand(ImDrawList* dl, const Frame& f, const sample::SolverLabResult& lab) {
  if (!(lab.floor > 0)) return;
  dl->PushClipRect(ImVec2(f.x.p, f.y.q), ImVec2(f.x.q, f.y.p), true);
  dl->AddRectFilled(ImVec2(f.x.p, f.y.at(lab.band())), ImVec2(f.x.q, f.y.p),
                    IM_COL32(120, 210, 120, 40));
  const float y = f.y.at(lab.floor);
  for (float x = f.x.p; x < f.x.q; x += 12)
    dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 6, f.x.q), y), IM_COL32(120, 210, 120, 200));
  dl->PopClipRect();
  dl->AddText(ImVec2(f.x.q - ImGui::CalcTextSize("band: 2.5 × floor").x - 4,
                     f.y.at(lab.band()) - ImGui::GetFontSize() - 2),
              IM_COL32(150, 220, 150, 255), "band: 2.5 × floor");
}

}  // namespace

std::string solverLabSummary(const sample::SolverLabResult& lab) {
  char s[320];
  std::snprintf(s, sizeof s,
                "%s, %s, %s score, %lld particles; reference RK45 at tol %g (%lld NFE); %d of %d "
                "points, %.1f s%s",
                lab.data.c_str(), lab.sde.c_str(), lab.score.c_str(),
                static_cast<long long>(lab.spec.particles), lab.spec.referenceTol,
                static_cast<long long>(lab.referenceNfe), lab.pointsDone(), lab.pointsPlanned(),
                lab.seconds, lab.done ? "" : " (running)");
  return s;
}

void solverLabPlots(const sample::SolverLabResult& lab, float width, float height) {
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(width, height));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const bool wide = width > 1.4f * height;
  const float gap = 8, fs = ImGui::GetFontSize();
  const float pw = wide ? (width - gap) / 2 : width, ph = wide ? height : (height - gap) / 2;
  std::vector<double> nfes, errors, sw2s = {lab.floor, lab.band()};
  for (int b : lab.spec.nfes) nfes.push_back(b);
  for (const auto& c : lab.curves)
    for (const auto& p : c.points) {
      nfes.push_back(static_cast<double>(p.nfe));
      errors.push_back(p.error);
      sw2s.push_back(p.sw2);
    }
  LogAxis xr = rangeOf(nfes, 1.25, false);
  Frame panels[2];
  for (int k = 0; k < 2; ++k) {
    Frame& f = panels[k];
    f.p0 = wide ? ImVec2(o.x + k * (pw + gap), o.y) : ImVec2(o.x, o.y + k * (ph + gap));
    f.p1 = ImVec2(f.p0.x + pw, f.p0.y + ph);
    f.x = xr;
    f.x.p = f.p0.x + 4.5f * fs;
    f.x.q = f.p1.x - fs;
    f.y = rangeOf(k == 0 ? errors : sw2s, 1.0, true);
    f.y.p = f.p1.y - 2.4f * fs;  // bottom (pixels grow downward)
    f.y.q = f.p0.y + 2.6f * fs;
  }
  drawFrame(dl, panels[0], "endpoint error against RK45 (RMS over particles)", "error",
            lab.spec.nfes);
  drawSeries(dl, panels[0], lab, [](const sample::SolverLabPoint& p) { return p.error; });
  drawLegend(dl, panels[0], lab);
  drawFrame(dl, panels[1], "sliced W2 to the data", "sw2", lab.spec.nfes);
  drawBand(dl, panels[1], lab);
  drawSeries(dl, panels[1], lab, [](const sample::SolverLabPoint& p) { return p.sw2; });
}

}  // namespace ss::ui
