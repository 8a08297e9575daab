#include "core/scene/vector_field.h"

#include "core/scene/tensor_floats.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/data/toy.h"
#include "core/scene/cfg_views.h"
#include "core/score/exact_score_cache.h"
#include "core/train/snapshot.h"

namespace ss::scene {

struct FieldWorkerCache {
  score::ExactScoreCache exact;
};

namespace {

torch::Tensor gridPoints(const FieldRequest& r, int nx, int ny);

torch::Tensor gridPoints(const FieldRequest& r) { return gridPoints(r, r.nx, r.ny); }

torch::Tensor gridPoints(const FieldRequest& req, int nx, int ny) {
  FieldRequest r = req;
  r.nx = nx;
  r.ny = ny;
  const auto& b = r.bounds;
  auto xs = torch::linspace(0.5, r.nx - 0.5, r.nx, torch::kFloat32) * ((b[2] - b[0]) / r.nx) + b[0];
  auto ys = torch::linspace(0.5, r.ny - 0.5, r.ny, torch::kFloat32) * ((b[3] - b[1]) / r.ny) + b[1];
  auto mesh = torch::meshgrid({ys, xs}, "ij");                             // [ny, nx] each
  return torch::stack({mesh[1].reshape({-1}), mesh[0].reshape({-1})}, 1);  // [ny·nx, 2]
}

// Streamlines of −v for a score evaluated on the request's stream grid.
std::vector<Streamline> streamlinesOf(const FieldRequest& r, const std::vector<float>& score) {
  const GridField s{r.bounds, r.streamNx, r.streamNy, score.data()};
  const auto reverse = probabilityFlowDrift(r.sde, r.t, s, -1.0f);
  StreamlineOptions o;
  o.separation = r.streamSeparation;
  return traceStreamlines({r.bounds, r.streamNx, r.streamNy, reverse.data()}, o);
}

}  // namespace

void computeFieldWorker(FieldRequest& req, RequestWorker<FieldRequest, VectorField>& w,
                        FieldWorkerCache& cache) {
  torch::NoGradGuard noGrad;
  if (req.nx < 1 || req.ny < 1 || req.nx * req.ny > 512 * 512)
    throw std::runtime_error("grid " + std::to_string(req.nx) + "x" + std::to_string(req.ny) +
                             " is out of range");
  auto field = std::make_shared<VectorField>();
  auto x = gridPoints(req);
  std::shared_ptr<const score::ScoreFn> learnedFn;
  if (req.model) {
    learnedFn =
        req.cfgClass >= 0 ? learnedCfg(req.model.get(), req.cfgClass, req.cfgScale) : nullptr;
    if (!learnedFn) learnedFn = req.model->scoreFn();
  }
  if (req.model) {
    const auto& m = *req.model;
    auto xd = x.to(m.device);
    auto t = torch::full({xd.size(0)}, req.t, xd.options());
    field->learned = toFloats((*learnedFn)(xd, t));
    field->modelStep = m.step;
    field->modelLabel = m.label();
  }
  const bool stream =
      req.streamNx > 1 && req.streamNy > 1 && (req.streamLearned || req.streamExact);
  if (stream && static_cast<int64_t>(req.streamNx) * req.streamNy > 512 * 512)
    throw std::runtime_error("streamline grid is out of range");
  if (stream && req.streamLearned && req.model) {
    const auto& m = *req.model;
    auto xs = gridPoints(req, req.streamNx, req.streamNy).to(m.device);
    const auto t0 = std::chrono::steady_clock::now();
    field->streamLearned = streamlinesOf(
        req, toFloats((*learnedFn)(xs, torch::full({xs.size(0)}, req.t, xs.options()))));
    field->streamMillis +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    field->modelStep = m.step;
    field->modelLabel = m.label();
  }
  const bool density = req.densityNx > 0 && req.densityNy > 0;
  if (density && static_cast<int64_t>(req.densityNx) * req.densityNy > 1024 * 1024)
    throw std::runtime_error("density grid is out of range");
  const bool streamExact = stream && req.streamExact;
  if ((req.exact || density || streamExact) && !req.data.empty()) {
    const auto& entry = cache.exact.get(req.data, req.sde);
    const auto& exactScore = entry.exact;
    std::shared_ptr<const score::ScoreFn> exactFn;
    if (req.cfgClass >= 0)
      exactFn = exactCfg(*entry.toy, sde::Sde::create(req.sde), req.cfgClass, req.cfgScale);
    if (!exactFn) exactFn = exactScore;
    if (req.exact) {
      auto t = torch::full({x.size(0)}, req.t, x.options());
      field->exact = toFloats((*exactFn)(x, t));
    }
    if (streamExact) {
      if (w.superseded()) return;  // a newer view or t is waiting: skip the tracing
      auto xs = gridPoints(req, req.streamNx, req.streamNy);
      const auto t0 = std::chrono::steady_clock::now();
      field->streamExact = streamlinesOf(
          req, toFloats((*exactFn)(xs, torch::full({xs.size(0)}, req.t, xs.options()))));
      field->streamMillis +=
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }
    if (density) {
      auto xd = gridPoints(req, req.densityNx, req.densityNy);
      auto t = torch::full({xd.size(0)}, req.t, xd.options());
      auto logp = exactScore->logProb(xd, t);
      field->logDensity = toFloats(logp);
      if (req.scoreError && req.model) {
        const auto& m = *req.model;
        auto learned =
            (*m.scoreFn())(xd.to(m.device), t.to(m.device)).to(torch::kCPU, torch::kFloat64);
        auto exact = (*exactScore)(xd, t).to(torch::kFloat64);
        auto err = torch::exp(logp.to(torch::kFloat64)) * (learned - exact).pow(2).sum(1);
        field->scoreError = toFloats(err);
      }
    }
  }
  field->request = std::move(req);
  w.publish(std::move(field));
}

void setStreamGrid(FieldRequest& r, int linesAcross) {
  const float w = r.bounds[2] - r.bounds[0], h = r.bounds[3] - r.bounds[1];
  r.streamNx = 96;
  r.streamNy = std::clamp(static_cast<int>(std::lround(96 * h / std::max(w, 1e-6f))), 2, 384);
  r.streamSeparation = w / static_cast<float>(std::clamp(linesAcross, 2, 128));
}

FieldWorker::FieldWorker() : RequestWorker(withCache(computeFieldWorker)) {}

}  // namespace ss::scene
