// A reverse run's traced particles: their trails up to the shown time with the Tweedie
// estimate x̂₀ as a ghost ahead of each; and in PC step-through, the shown step's moves as
// arrows (drift solid, noise dashed) with their legend.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "ui/theme.h"
#include "ui/views/layers/draw_helpers.h"
#include "ui/views/layers/layers.h"

namespace ss::ui {

namespace {

// The last trace record at or before the shown time (reverse runs go from T down, forward
// runs up from 0); 0 when there is nothing to draw.
size_t lastRecord(const scene::RunResult& r, double runT) {
  const size_t records = r.traceTimes.size(), k = static_cast<size_t>(r.traced);
  if (k == 0 || records < 2 || r.traces.size() < records * k * 2) return 0;
  const bool reverse = r.traceTimes.front() > r.traceTimes.back();
  size_t last = 0;
  while (last + 1 < records && (reverse ? r.traceTimes[last + 1] >= runT - 1e-12
                                        : r.traceTimes[last + 1] <= runT + 1e-12))
    ++last;
  return last;
}

class TrailsLayer final : public CanvasLayer {
 public:
  void drawOverlay(const LayerFrame& fr) override {
    if (!fr.scene.run || !fr.options.showTrails) return;
    const auto& r = *fr.scene.run;
    const size_t last = lastRecord(r, fr.scene.runT);
    if (last == 0) return;
    fr.clipToPlot();
    for (size_t p = 0; p < static_cast<size_t>(r.traced); ++p) drawTrail(fr, r, p, last);
    fr.drawList->PopClipRect();
  }

 private:
  // Fade with age. ODE paths are smooth: keep all of it, older parts dimmer. SDE paths are
  // Brownian: a comet tail over the last 0.12·T, so the picture does not fill with scribble.
  static void drawTrail(const LayerFrame& fr, const scene::RunResult& r, size_t p, size_t last) {
    const size_t k = static_cast<size_t>(r.traced);
    const bool sde = r.request.mode == scene::RunMode::ReverseSde;
    const double span = std::abs(r.traceTimes.front() - r.traceTimes.back());
    const double tail = sde ? 0.12 * span : span;
    const float font = ImGui::GetFontSize();
    auto at = [&](size_t i) {
      const float* v = &r.traces[(i * k + p) * 2];
      return fr.toScreen({v[0], v[1]});
    };
    ImDrawList* dl = fr.drawList;
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
    if (r.tweedie.size() != r.traces.size()) return;
    const float* g = &r.tweedie[(last * k + p) * 2];
    if (!std::isfinite(g[0]) || !std::isfinite(g[1])) return;
    const ImVec2 ghost = fr.toScreen({g[0], g[1]});
    dl->AddLine(prev, ghost, IM_COL32(255, 214, 102, 90), 1.0f);
    dl->AddCircle(ghost, 0.3f * font, IM_COL32(255, 214, 102, 220), 12, 1.5f);
  }
};

// Step-through: corrector moves cyan, predictor moves magenta (apart from the white trails,
// the gold Tweedie rings and the white/orange score arrows).
constexpr ImU32 kCorrectorColour = IM_COL32(80, 210, 255, 255);
constexpr ImU32 kPredictorColour = IM_COL32(255, 80, 190, 255);

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

class MovesLayer final : public CanvasLayer {
 public:
  void drawOverlay(const LayerFrame& fr) override;
  void overlays(const LayerFrame& fr, std::vector<CanvasOverlay>& out) override;
};

// The moves of the shown move's PC step up to it (earlier ones faded), each particle's as
// an arrow from where it was to the move's mean x̄ (the drift part, solid) and a dashed
// segment on to where it ended (the noise part). Traced particles on top, thicker.
void MovesLayer::drawOverlay(const LayerFrame& fr) {
  if (!fr.scene.run || fr.scene.move < 0) return;
  const auto& r = *fr.scene.run;
  const size_t m = static_cast<size_t>(r.moveParticles), cur = static_cast<size_t>(fr.scene.move);
  if (m == 0 || cur >= r.moves.size()) return;
  size_t first = cur;
  while (first > 0 && r.moves[first - 1]->step == r.moves[cur]->step) --first;
  const size_t traced = std::min(m, static_cast<size_t>(std::max(r.traced, 0)));
  const float font = ImGui::GetFontSize();
  ImDrawList* dl = fr.drawList;
  fr.clipToPlot();
  auto px = [&](const std::vector<float>& v, size_t p) {
    return fr.toScreen({v[2 * p], v[2 * p + 1]});
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

// What the two colours and line styles mean (preferably at the bottom left, above the
// score-arrow legend); the move's equation as a tooltip.
void MovesLayer::overlays(const LayerFrame& fr, std::vector<CanvasOverlay>& out) {
  const auto& scene = fr.scene;
  if (!scene.run || scene.move < 0) return;
  const auto& r = *scene.run;
  const bool ready = static_cast<size_t>(scene.move) < r.moves.size();
  const ss::scene::RunMove* mv = ready ? r.moves[static_cast<size_t>(scene.move)].get() : nullptr;
  const float font = ImGui::GetFontSize(), sw = 2.2f * font, rowH = 1.25f * font;
  char eps[48] = "";
  if (mv && mv->corrector && std::isfinite(mv->stepSize))
    std::snprintf(eps, sizeof eps, "   (now ε = %.3g)", mv->stepSize);
  std::array<std::string, 3> rows = {
      std::string("corrector (Langevin): solid ε s, dashed √(2ε) z") + eps,
      std::string(predictorName(r.request.sampler.predictor)) +
          ": solid the drift (to the mean), dashed the noise",
      ready ? "arrows: this PC step's moves so far (hover for the equation)"
            : "computing this move…"};
  float w = 0;
  for (const auto& t : rows) w = std::max(w, ImGui::CalcTextSize(t.c_str()).x);
  w += sw + 0.8f * font;
  CanvasOverlay o;
  o.box = {"moves legend", w + 8, 3 * rowH + 4, Corner::BottomLeft};
  o.box.gap = 0.6f * font;
  o.draw = [&fr, rows = std::move(rows), mv, w, sw, rowH](const OverlayPlacement& pl) {
    const float font = ImGui::GetFontSize();
    const ImVec2 p(pl.rect.x0, pl.rect.y0), q(p.x + w + 8, p.y + 3 * rowH + 4);
    ImDrawList* dl = fr.drawList;
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
    if (!fr.scene.moveEquation.empty() &&
        ImGui::IsMouseHoveringRect(ImVec2(p.x - 4, p.y - 4), q, false))
      ImGui::SetTooltip("%s", fr.scene.moveEquation.c_str());
  };
  out.push_back(std::move(o));
}

}  // namespace

std::unique_ptr<CanvasLayer> makeTrailsLayer() { return std::make_unique<TrailsLayer>(); }
std::unique_ptr<CanvasLayer> makeMovesLayer() { return std::make_unique<MovesLayer>(); }

}  // namespace ss::ui
