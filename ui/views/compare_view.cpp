#include "ui/views/compare_view.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "ui/theme.h"
#include "ui/views/point_renderer.h"

namespace ss::ui {

namespace {

// Whether two requests describe the same run (the model pointer aside: a newer snapshot
// re-runs only on "Sample now", as in the single-run modes).
bool sameRun(const scene::RunRequest& a, const scene::RunRequest& b) {
  const auto& x = a.sampler;
  const auto& y = b.sampler;
  return a.mode == b.mode && a.data == b.data && a.sde == b.sde && a.particles == b.particles &&
         a.seed == b.seed && (a.model == nullptr) == (b.model == nullptr) && x.kind == y.kind &&
         x.predictor == y.predictor && x.corrector == y.corrector && x.snr == y.snr &&
         x.correctorSteps == y.correctorSteps && x.steps == y.steps && x.solver == y.solver &&
         x.rtol == y.rtol && x.atol == y.atol && x.denoise == y.denoise &&
         x.schedule == y.schedule && x.rho == y.rho && x.eta == y.eta && x.churn == y.churn;
}

ImU32 paneColour(size_t i) {
  const float* pal = categoricalPalette();
  const size_t k = (i % 10) * 3;
  return ImGui::ColorConvertFloat4ToU32(ImVec4(pal[k], pal[k + 1], pal[k + 2], 1.0f));
}

// The picked particle's position in a run's shown frame, in window pixels (false: none).
bool pickedAt(const RunView* v, int64_t picked, const PlotGeometry& g, ImVec2* out) {
  if (!v || !v->frame || picked < 0 || static_cast<size_t>(2 * picked + 1) >= v->frame->x.size())
    return false;
  const float* x = &v->frame->x[static_cast<size_t>(2 * picked)];
  const Vec2 p = g.camera.worldToPixel({x[0], x[1]}, g.size);
  *out = ImVec2(p.x + g.origin.x, p.y + g.origin.y);
  return true;
}

// A ring around the picked particle; `label` (overlay: the run's number) beside it.
void drawRing(ImVec2 at, ImU32 colour, const PlotGeometry& g, const char* label = nullptr,
              ImU32 labelColour = 0) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImVec2(g.origin.x, g.origin.y),
                   ImVec2(g.origin.x + g.size.x, g.origin.y + g.size.y), true);
  const float r = 0.75f * ImGui::GetFontSize();
  dl->AddCircle(at, r, IM_COL32(0, 0, 0, 200), 24, 5.0f);
  dl->AddCircle(at, r, colour, 24, 2.5f);
  if (label) {
    const ImVec2 p(at.x + 0.8f * r, at.y - 1.9f * r);
    const ImVec2 ts = ImGui::CalcTextSize(label);
    dl->AddRectFilled(ImVec2(p.x - 3, p.y - 1), ImVec2(p.x + ts.x + 3, p.y + ts.y + 1),
                      IM_COL32(16, 19, 26, 200), 3.0f);
    dl->AddText(p, labelColour, label);
  }
  dl->PopClipRect();
}

ImU32 withAlpha(ImU32 colour, float alpha) {
  return (colour & ~IM_COL32_A_MASK) |
         (static_cast<ImU32>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f) << IM_COL32_A_SHIFT);
}

// The picked particle's path up to the shown time (when it is one of the traced particles),
// older parts dimmer: an SDE path is Brownian, so only its last 0.15·T is bright. A small
// diamond marks its prior draw x(T), the same point in every pane.
void drawPickedPath(const RunView* v, int64_t picked, const PlotGeometry& g, ImU32 colour) {
  if (!v || !v->run || !v->frame) return;
  const auto& r = *v->run;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImVec2(g.origin.x, g.origin.y),
                   ImVec2(g.origin.x + g.size.x, g.origin.y + g.size.y), true);
  auto pixel = [&](const float* x) {
    const Vec2 p = g.camera.worldToPixel({x[0], x[1]}, g.size);
    return ImVec2(p.x + g.origin.x, p.y + g.origin.y);
  };
  const size_t k = static_cast<size_t>(r.traced), records = r.traceTimes.size();
  if (picked < r.traced && records >= 2 && r.traces.size() >= records * k * 2) {
    const bool sde = r.request.mode == scene::RunMode::ReverseSde;
    const double span = std::max(std::abs(r.traceTimes.front() - r.traceTimes.back()), 1e-12);
    ImVec2 prev;
    for (size_t i = 0; i < records && r.traceTimes[i] >= v->frame->t - 1e-12; ++i) {
      const ImVec2 cur = pixel(&r.traces[(i * k + static_cast<size_t>(picked)) * 2]);
      const float age = static_cast<float>((r.traceTimes[i] - v->frame->t) / span);
      const float alpha =
          sde ? 0.15f + 0.8f * std::max(0.0f, 1.0f - age / 0.15f) : 0.4f + 0.55f * (1.0f - age);
      if (i > 0) dl->AddLine(prev, cur, withAlpha(colour, alpha), 1.6f);
      prev = cur;
    }
  }
  const auto& start = r.frames.empty() ? nullptr : r.frames.front();
  if (start && picked >= 0 && static_cast<size_t>(2 * picked + 1) < start->x.size()) {
    const ImVec2 c = pixel(&start->x[static_cast<size_t>(2 * picked)]);
    const float d = 0.3f * ImGui::GetFontSize();
    dl->AddQuad(ImVec2(c.x, c.y - d), ImVec2(c.x + d, c.y), ImVec2(c.x, c.y + d),
                ImVec2(c.x - d, c.y), colour, 2.0f);
  }
  dl->PopClipRect();
}

// The pane's title, abbreviated where the large font would overflow a narrow pane.
std::string paneTitle(const ComparePane& pane, float width) {
  std::string title = paneLabel(pane, false);  // the score is named below it
  const Fonts& f = fonts();
  if (f.large->CalcTextSizeA(f.large->FontSize, FLT_MAX, 0.0f, title.c_str()).x <
      width - 6.0f * f.size)
    return title;
  for (auto [from, to] : {std::pair{"reverse SDE", "SDE"},
                          {"Euler–Maruyama", "EM"},
                          {"annealed Langevin", "ALD"},
                          {"reverse diffusion", "rev. diffusion"}}) {
    if (const size_t at = title.find(from); at != std::string::npos)
      title.replace(at, std::strlen(from), to);
  }
  return title;
}

}  // namespace

std::string paneMetrics(const scene::RunResult& run, const char* separator) {
  if (!run.done) return "running…";
  const auto& m = run.metrics;
  if (!m.valid) return "done";
  char buf[160];
  int len = std::snprintf(buf, sizeof buf, "sw2 %.4f (floor %.4f)", m.sw2, m.sw2Floor);
  if (m.hasDensity && len > 0 && static_cast<size_t>(len) < sizeof buf)
    len += std::snprintf(buf + len, sizeof buf - len, "%sNLL %.3f (entropy %.3f)", separator,
                         m.nllTrue, m.entropy);
  if (std::isfinite(m.straightness) && len > 0 && static_cast<size_t>(len) < sizeof buf)
    std::snprintf(buf + len, sizeof buf - len, "%sstraightness %.3f", separator, m.straightness);
  return buf;
}

// [SECTION] CompareRuns

void CompareRuns::update(const ExplorerState& state, const scene::PointCloud* cloud,
                         std::shared_ptr<const train::ModelSnapshot> model, bool resample) {
  const size_t n = state.compare.panes.size();
  if (m_workers.size() != n) {
    m_workers.resize(n);
    m_views.resize(n);
    m_sent.resize(n);
    for (auto& w : m_workers)
      if (!w) w = std::make_unique<scene::RunWorker>();
  }
  for (size_t i = 0; i < n; ++i) {
    if (!cloud) continue;
    scene::RunRequest r = paneRequestFor(state, i, cloud, model);
    sample::SamplerConfig check =
        r.sampler;  // an invalid pane keeps its last run (the panel says why)
    check.kind = r.mode == scene::RunMode::ProbabilityFlow ? sample::SamplerKind::Ode
                                                           : sample::SamplerKind::Pc;
    const bool valid = check.validate(r.sde).ok();
    if (valid && (resample || !sameRun(r, m_sent[i]) || m_sent[i].data.empty())) {
      m_sent[i] = r;
      m_workers[i]->request(std::move(r));
    }
    m_views[i].update(m_workers[i]->latest(), state.t, cloud, state.compare.panes[i].mode);
  }
}

std::vector<const RunView*> CompareRuns::views() const {
  std::vector<const RunView*> v;
  for (const auto& view : m_views) v.push_back(&view);
  return v;
}

const scene::RunResult* CompareRuns::run(size_t pane) const {
  return pane < m_views.size() ? m_views[pane].run.get() : nullptr;
}

bool CompareRuns::busy() const {
  return std::any_of(m_workers.begin(), m_workers.end(), [](const auto& w) { return w->busy(); });
}

bool CompareRuns::done() const {
  return !m_views.empty() && !busy() &&
         std::all_of(m_views.begin(), m_views.end(),
                     [](const RunView& v) { return v.run && v.run->done; });
}

std::string CompareRuns::lastError() const {
  for (size_t i = 0; i < m_workers.size(); ++i)
    if (std::string e = m_workers[i]->lastError(); !e.empty())
      return "pane " + std::to_string(i + 1) + ": " + e;
  return {};
}

// [SECTION] CompareView

Canvas2D& CompareView::pane(size_t i) {
  if (i == 0 && m_leader) return *m_leader;
  while (m_panes.size() <= i) m_panes.push_back(std::make_unique<Canvas2D>());
  return *m_panes[i];
}

const Canvas2D& CompareView::leader() const {
  static const Canvas2D none;
  return m_leader ? *m_leader : m_panes.empty() ? none : *m_panes[0];
}

void CompareView::requestFit() { pane(0).requestFit(); }

bool CompareView::takeUserMoved() {
  bool moved = false;
  if (m_leader) moved |= m_leader->takeUserMoved();
  for (auto& p : m_panes) moved |= p->takeUserMoved();
  return moved;
}

std::string CompareView::error() const {
  if (m_leader && !m_leader->error().empty()) return m_leader->error();
  for (const auto& p : m_panes)
    if (!p->error().empty()) return p->error();
  return {};
}

void CompareView::draw(ExplorerState& state, const std::shared_ptr<const scene::PointCloud>& cloud,
                       uint64_t version, const std::vector<const RunView*>& views, Vec2 size,
                       bool interactive, std::shared_ptr<const scene::VectorField> field) {
  m_geometry.clear();
  m_pointer = {};
  m_lineDrag.reset();
  if (state.compare.overlay)
    drawOverlay(state, cloud, views, size, interactive, field);
  else
    drawSplit(state, cloud, version, views, size, interactive, field);
}

void CompareView::collectPointer(const Canvas2D& canvas) {
  const CanvasPointer& p = canvas.pointer();
  const auto acting = [](const CanvasPointer& q) { return q.pressed || q.held || q.released; };
  if (!acting(m_pointer) && (acting(p) || (p.hovered && !m_pointer.hovered))) m_pointer = p;
  if (!m_lineDrag) m_lineDrag = canvas.lineDrag();
}

void CompareView::drawSplit(ExplorerState& state,
                            const std::shared_ptr<const scene::PointCloud>& cloud, uint64_t version,
                            const std::vector<const RunView*>& views, Vec2 size, bool interactive,
                            const std::shared_ptr<const scene::VectorField>& field) {
  const size_t n = std::max<size_t>(1, state.compare.panes.size());
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float w = std::floor(size.x / static_cast<float>(n));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (size_t i = 0; i < n; ++i) {
    const ImVec2 at(start.x + w * static_cast<float>(i), start.y);
    ImGui::SetCursorScreenPos(at);
    const RunView* view = i < views.size() ? views[i] : nullptr;
    CanvasScene scene = makeCanvasScene(paneState(state, i), cloud, version, view);
    if (i < state.compare.panes.size()) scene.title = paneTitle(state.compare.panes[i], w);
    if (view && view->frame && view->run) {
      // Panes are narrow: "exact mixture (no trained model for this data and SDE yet)" → "… (no
      // model yet)".
      std::string score = view->run->scoreName;
      if (const size_t cut = score.find(" (no trained model"); cut != std::string::npos)
        score = score.substr(0, cut) + " (no model yet)";
      char buf[200];
      std::snprintf(buf, sizeof buf, "t = %.3f   NFE %lld   score: %s\n", view->frame->t,
                    static_cast<long long>(view->frame->nfe), score.c_str());
      // A narrow pane puts the NLL on its own line.
      scene.subtitle =
          buf + paneMetrics(*view->run, w < 44.0f * ImGui::GetFontSize() ? "\n" : "   ");
    }
    // One colour key, at the far right, where the pane is wide enough beside the captions.
    scene.legend = i + 1 == n && w > 38.0f * ImGui::GetFontSize();
    scene.field = field;
    if (m_decorate) m_decorate(scene);
    Canvas2D& canvas = pane(i);
    canvas.setPanEnabled(m_panEnabled);
    // Pane 0 frames the data; the others take its camera, and hand back a pan or zoom.
    canvas.setCameraOverride(i == 0 ? std::nullopt : std::optional(pane(0).camera()));
    dl->PushClipRect(at, ImVec2(at.x + w, at.y + size.y), true);
    ImGui::PushID(static_cast<int>(i));
    canvas.draw(scene, state.canvas, {w, size.y}, interactive);
    ImGui::PopID();
    dl->PopClipRect();
    collectPointer(canvas);
    const Camera2D& c = canvas.camera();
    if (i > 0) {
      const Camera2D& lead = pane(0).camera();
      if (c.center.x != lead.center.x || c.center.y != lead.center.y ||
          c.unitsPerPixel != lead.unitsPerPixel)
        pane(0).setCamera(c);
    }
    const PlotGeometry& g = canvas.geometry();
    m_geometry.push_back(g);
    if (state.canvas.showTrails) drawPickedPath(view, state.compare.picked, g, kRingColour);
    ImVec2 ring;
    if (pickedAt(view, state.compare.picked, g, &ring)) drawRing(ring, kRingColour, g);
    if (interactive && m_panEnabled) pick(state, g, views, i, i + 1);
  }
  // Panes left over from a larger count follow the leader when they come back.
  ImGui::SetCursorScreenPos(ImVec2(start.x, start.y + size.y));
}

namespace {

// Every run's particles as one cloud, interleaved (particle i of each run in turn) so no run
// is painted over the other; the class is the run. Keeps the data's facts from `cloud`.
std::shared_ptr<scene::PointCloud> interleavedCloud(
    const std::vector<const scene::RunFrame*>& frames, const std::vector<const RunView*>& views,
    const std::shared_ptr<const scene::PointCloud>& cloud) {
  const size_t n = frames.size();
  auto c = std::make_shared<scene::PointCloud>();
  int64_t per = std::numeric_limits<int64_t>::max();
  for (auto* f : frames) per = std::min<int64_t>(per, static_cast<int64_t>(f->x.size() / 2));
  c->n = per * static_cast<int64_t>(n);
  c->x0.resize(static_cast<size_t>(c->n) * 2);
  c->label.resize(static_cast<size_t>(c->n));
  for (int64_t p = 0; p < per; ++p)
    for (size_t i = 0; i < n; ++i) {
      const size_t j = static_cast<size_t>(p) * n + i;
      c->x0[2 * j] = frames[i]->x[2 * p];
      c->x0[2 * j + 1] = frames[i]->x[2 * p + 1];
      c->label[j] = static_cast<int>(i);
    }
  c->noise.assign(c->x0.size(), 0.0f);
  c->colour.assign(static_cast<size_t>(c->n), 0.5f);
  c->numClasses = static_cast<int>(n);
  c->name = views[0]->cloud ? views[0]->cloud->name : "";
  c->request.data = cloud ? cloud->request.data : views[0]->run->request.data;
  if (cloud) c->copyDataFacts(*cloud);
  return c;
}

}  // namespace

void CompareView::drawOverlay(ExplorerState& state,
                              const std::shared_ptr<const scene::PointCloud>& cloud,
                              const std::vector<const RunView*>& views, Vec2 size, bool interactive,
                              const std::shared_ptr<const scene::VectorField>& field) {
  const size_t n = std::min(views.size(), state.compare.panes.size());
  std::vector<const scene::RunFrame*> frames;
  for (size_t i = 0; i < n; ++i)
    frames.push_back(views[i] && views[i]->frame ? views[i]->frame.get() : nullptr);
  const bool ready =
      n > 0 && std::all_of(frames.begin(), frames.end(), [](auto* f) { return f != nullptr; });
  if (!ready) {
    m_overlay.reset();
    m_overlayFrames.clear();
  } else if (frames != m_overlayFrames) {
    m_overlay = interleavedCloud(frames, views, cloud);
    m_overlayFrames = frames;
    ++m_overlayVersion;
  }
  // The scene of pane 0 (its captions and t), with the merged cloud and one class per run.
  const RunView* first = n > 0 ? views[0] : nullptr;
  CanvasScene scene = makeCanvasScene(paneState(state, 0), cloud, 1, first);
  scene.run = nullptr;  // trails: the picked particle's path in each run's colour, below
  scene.field = field;
  if (m_overlay) {
    scene.cloud = m_overlay;
    scene.cloudVersion = m_overlayVersion;
    char buf[160];
    std::snprintf(buf, sizeof buf, "t = %.3f   %zu runs from the same prior draw", first->frame->t,
                  n);
    scene.subtitle = buf;
    for (size_t i = 0; i < n; ++i)
      if (views[i]->run)
        scene.subtitle.append("\n")
            .append(std::to_string(i + 1))
            .append(": ")
            .append(paneMetrics(*views[i]->run));
  } else {
    scene.cloud.reset();
  }
  scene.classHeader = "run";
  for (size_t i = 0; i < n; ++i) {
    scene.classNames.push_back(std::to_string(i + 1) + ": " + paneLabel(state.compare.panes[i]));
  }
  if (m_decorate) m_decorate(scene);
  CanvasOptions options = state.canvas;
  options.colourMode = ColourMode::Class;
  Canvas2D& canvas = pane(0);
  canvas.setCameraOverride(std::nullopt);
  canvas.setPanEnabled(m_panEnabled);
  ImGui::PushID(0);
  canvas.draw(scene, options, size, interactive);
  ImGui::PopID();
  collectPointer(canvas);
  const PlotGeometry& g = canvas.geometry();
  m_geometry.push_back(g);
  for (size_t i = 0; i < n && options.showTrails; ++i)
    drawPickedPath(views[i], state.compare.picked, g, paneColour(i));
  for (size_t i = 0; i < n; ++i) {
    // The ring is the pick's colour in every mode; its label names the run in the run's colour.
    ImVec2 ring;
    const std::string label = std::to_string(i + 1);
    if (pickedAt(views[i], state.compare.picked, g, &ring))
      drawRing(ring, kRingColour, g, label.c_str(), paneColour(i));
  }
  if (interactive && m_panEnabled) pick(state, g, views, 0, n);
}

void CompareView::pick(ExplorerState& state, const PlotGeometry& g,
                       const std::vector<const RunView*>& views, size_t first, size_t last) const {
  // A click is a release without a drag (a drag pans).
  const ImGuiIO& io = ImGui::GetIO();
  if (!ImGui::IsMouseReleased(ImGuiMouseButton_Left) || !ImGui::IsWindowHovered()) return;
  const ImVec2 d = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left);
  if (d.x != 0.0f || d.y != 0.0f) return;
  const Vec2 local{io.MousePos.x - g.origin.x, io.MousePos.y - g.origin.y};
  if (local.x < 0 || local.y < 0 || local.x > g.size.x || local.y > g.size.y) return;
  const Vec2 w = g.camera.pixelToWorld(local, g.size);
  float best = std::numeric_limits<float>::max();
  int64_t index = -1;
  for (size_t i = first; i < last && i < views.size(); ++i) {
    if (!views[i] || !views[i]->frame) continue;
    const auto& x = views[i]->frame->x;
    for (size_t p = 0; p + 1 < x.size(); p += 2) {
      const float dd = (x[p] - w.x) * (x[p] - w.x) + (x[p + 1] - w.y) * (x[p + 1] - w.y);
      if (dd < best) best = dd, index = static_cast<int64_t>(p / 2);
    }
  }
  if (index >= 0) state.compare.picked = index;
}

}  // namespace ss::ui
