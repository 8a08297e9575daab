#include "ui/views/canvas_tools.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

#include "ui/session/requests.h"

namespace ss::ui {

const char* toString(CanvasTool tool) {
  switch (tool) {
    case CanvasTool::Pan:
      return "Pan";
    case CanvasTool::DropParticle:
      return "Drop particle";
    case CanvasTool::DropCluster:
      return "Drop cluster";
    case CanvasTool::Encode:
      return "Encode data point";
    case CanvasTool::Draw:
      return "Draw data";
    case CanvasTool::Erase:
      return "Erase";
  }
  return "?";
}

Expected<ProbeSpec> parseProbeSpec(const std::string& text) {
  ProbeSpec spec;
  std::string xy = text;
  if (auto colon = text.find(':'); colon != std::string::npos) {
    const std::string kind = text.substr(0, colon);
    xy = text.substr(colon + 1);
    if (kind == "cluster")
      spec.tool = CanvasTool::DropCluster;
    else if (kind == "encode")
      spec.tool = CanvasTool::Encode;
    else if (kind != "particle")
      return Error{"--probe '" + text + "': the kind must be particle, cluster or encode"};
  }
  float x = 0, y = 0;
  char tail = 0;
  if (std::sscanf(xy.c_str(), "%f,%f%c", &x, &y, &tail) != 2 || !std::isfinite(x) ||
      !std::isfinite(y))
    return Error{"--probe '" + text +
                 "': expected X,Y (e.g. 0.5,-1 or cluster:0.5,-1 or encode:2,0)"};
  spec.at = {x, y};
  return spec;
}

namespace {

// The data point nearest `at` within `radius` world units, else `at` itself.
Vec2 snapToData(Vec2 at, const scene::PointCloud* cloud, float radius) {
  if (!cloud) return at;
  Vec2 best = at;
  float bestD2 = radius * radius;
  const auto& x = cloud->x0;
  for (size_t i = 0; i + 1 < x.size(); i += 2) {
    const float dx = x[i] - at.x, dy = x[i + 1] - at.y, d2 = dx * dx + dy * dy;
    if (d2 <= bestD2) bestD2 = d2, best = {x[i], x[i + 1]};
  }
  return best;
}

}  // namespace

void CanvasTools::probe(CanvasTool kind, Vec2 at, const ExplorerState& state,
                        const scene::PointCloud* cloud,
                        std::shared_ptr<const train::ModelSnapshot> model, float unitsPerPixel) {
  auto r = probeRequestFor(
      state, cloud, std::move(model),
      kind == CanvasTool::Encode ? scene::ProbeKind::Encode : scene::ProbeKind::Drop, m_nextId++);
  if (kind == CanvasTool::Encode) {
    const Vec2 p = snapToData(at, cloud, kSnapPixels * unitsPerPixel);
    r.points = {p.x, p.y};
  } else if (kind == CanvasTool::DropCluster) {
    // A seeded disc of points around the click (uniform in area), the click itself first.
    std::mt19937_64 rng(r.seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    r.points = {at.x, at.y};
    for (int i = 1; i < clusterSize; ++i) {
      const float rho = clusterRadius * std::sqrt(u(rng)),
                  phi = 2.0f * static_cast<float>(M_PI) * u(rng);
      r.points.push_back(at.x + rho * std::cos(phi));
      r.points.push_back(at.y + rho * std::sin(phi));
    }
  } else {
    r.points = {at.x, at.y};
  }
  m_pending.push_back(std::move(r));
  poll();
}

void CanvasTools::handlePointer(const CanvasPointer& p, const ExplorerState& state,
                                const scene::PointCloud* cloud,
                                std::shared_ptr<const train::ModelSnapshot> model) {
  switch (tool) {
    case CanvasTool::Pan:
      return;
    case CanvasTool::DropParticle:
    case CanvasTool::DropCluster:
    case CanvasTool::Encode:
      if (p.pressed) probe(tool, p.world, state, cloud, std::move(model), p.unitsPerPixel);
      return;
    case CanvasTool::Draw:
      if (p.held) m_drawing.strokeTo(p.world, brush);
      if (p.released || !p.held) m_drawing.endStroke();
      return;
    case CanvasTool::Erase:
      if (p.held) m_drawing.erase(p.world, brush.radius);
      return;
  }
}

void CanvasTools::poll() {
  if (m_inFlight && !m_worker.busy()) {
    // Read after busy() turned false: the worker publishes before it goes idle.
    uint64_t version = 0;
    auto latest = m_worker.latest(&version);
    m_inFlight = false;
    if (latest && version != m_seenVersion) {
      m_seenVersion = version;
      m_probes.push_back(latest);
      while (m_probes.size() > kKeptProbes) m_probes.pop_front();
      m_message = "probe " + std::to_string(latest->id) + ": " + latest->scoreName;
      m_messageError = false;
    } else if (const std::string err = m_worker.lastError(); !err.empty()) {
      m_message = "probe failed: " + err;
      m_messageError = true;
    }
  }
  if (!m_inFlight && !m_pending.empty()) {
    m_worker.request(std::move(m_pending.front()));
    m_pending.pop_front();
    m_inFlight = true;
  }
}

void CanvasTools::followShown(const std::string& data, const sde::SdeConfig& sde) {
  if (data == m_shownData && sde == m_shownSde) return;
  if (!m_shownData.empty()) clearProbes();
  m_shownData = data;
  m_shownSde = sde;
}

void CanvasTools::decorate(CanvasScene& scene) const {
  scene.probes.assign(m_probes.begin(), m_probes.end());
  const bool drawing = tool == CanvasTool::Draw || tool == CanvasTool::Erase;
  if (drawing || m_drawing.size() > 0) {
    scene.drawnPoints = &m_drawing.points();
    if (m_drawing.distinctLabels().size() > 1 ||
        (m_drawing.size() > 0 && m_drawing.labels()[0] != 0))
      scene.drawnLabels = &m_drawing.labels();
  }
  if (drawing) scene.brushRadius = brush.radius;
}

Expected<std::string> CanvasTools::useAsDataset(ExplorerState& state, const std::string& dir) {
  if (m_drawing.size() < 2) {
    m_message = "a dataset needs at least 2 points (" + std::to_string(m_drawing.size()) +
                " drawn): paint some with the Draw tool first";
    m_messageError = true;
    return Error{m_message};
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    m_message = "cannot create " + dir + ": " + ec.message();
    m_messageError = true;
    return Error{m_message};
  }
  const std::string path = nextDrawnPath(dir);
  if (auto written = m_drawing.writeCsv(path); !written) {
    m_message = written.error().message;
    m_messageError = true;
    return Error{m_message};
  }
  state.data.data = path;
  m_message = "wrote " + std::to_string(m_drawing.size()) + " points to " + path;
  m_messageError = false;
  return path;
}

std::string CanvasTools::message() const { return m_message; }
bool CanvasTools::messageIsError() const { return m_messageError; }

}  // namespace ss::ui
