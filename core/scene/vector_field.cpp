#include "core/scene/vector_field.h"

#include <torch/torch.h>

#include "core/data/toy.h"
#include "core/score/exact_score.h"
#include "core/train/snapshot.h"

namespace ss::scene {

struct FieldWorker::Cache {
  std::string key;
  std::shared_ptr<const score::ExactScore> exact;
};

namespace {

std::string cacheKey(const FieldRequest& r) {
  const auto& s = r.sde;
  return r.data + "|" + std::string(sde::toString(s.kind)) + "|" + std::to_string(s.betaMin) + "|" +
         std::to_string(s.betaMax) + "|" + std::to_string(s.sigmaMin) + "|" + std::to_string(s.sigmaMax);
}

torch::Tensor gridPoints(const FieldRequest& r, int nx, int ny);

torch::Tensor gridPoints(const FieldRequest& r) { return gridPoints(r, r.nx, r.ny); }

torch::Tensor gridPoints(const FieldRequest& req, int nx, int ny) {
  FieldRequest r = req;
  r.nx = nx;
  r.ny = ny;
  const auto& b = r.bounds;
  auto xs = torch::linspace(0.5, r.nx - 0.5, r.nx, torch::kFloat32) * ((b[2] - b[0]) / r.nx) + b[0];
  auto ys = torch::linspace(0.5, r.ny - 0.5, r.ny, torch::kFloat32) * ((b[3] - b[1]) / r.ny) + b[1];
  auto mesh = torch::meshgrid({ys, xs}, "ij");  // [ny, nx] each
  return torch::stack({mesh[1].reshape({-1}), mesh[0].reshape({-1})}, 1);  // [ny·nx, 2]
}

std::vector<float> toVector(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

void FieldWorker::compute(FieldRequest& req, RequestWorker<FieldRequest, VectorField>& w) {
  torch::NoGradGuard noGrad;
  if (req.nx < 1 || req.ny < 1 || req.nx * req.ny > 512 * 512)
    throw std::runtime_error("grid " + std::to_string(req.nx) + "x" + std::to_string(req.ny) + " is out of range");
  auto field = std::make_shared<VectorField>();
  auto x = gridPoints(req);
  if (req.model) {
    const auto& m = *req.model;
    auto xd = x.to(m.device);
    auto t = torch::full({xd.size(0)}, req.t, xd.options());
    field->learned = toVector((*m.scoreFn())(xd, t));
    field->modelStep = m.step;
  }
  const bool density = req.densityNx > 0 && req.densityNy > 0;
  if (density && static_cast<int64_t>(req.densityNx) * req.densityNy > 1024 * 1024)
    throw std::runtime_error("density grid is out of range");
  if ((req.exact || density) && !req.data.empty()) {
    const std::string key = cacheKey(req);
    if (m_cache->key != key) {
      auto toy = data::makeToy(req.data);
      if (!toy) throw std::runtime_error(toy.error().message);
      m_cache->exact = score::exactScoreFor(*toy.value(), sde::Sde::create(req.sde));
      m_cache->key = key;
    }
    if (req.exact) {
      auto t = torch::full({x.size(0)}, req.t, x.options());
      field->exact = toVector((*m_cache->exact)(x, t));
    }
    if (density) {
      auto xd = gridPoints(req, req.densityNx, req.densityNy);
      auto t = torch::full({xd.size(0)}, req.t, xd.options());
      auto logp = m_cache->exact->logProb(xd, t);
      field->logDensity = toVector(logp);
      if (req.scoreError && req.model) {
        const auto& m = *req.model;
        auto learned = (*m.scoreFn())(xd.to(m.device), t.to(m.device)).to(torch::kCPU, torch::kFloat64);
        auto exact = (*m_cache->exact)(xd, t).to(torch::kFloat64);
        auto err = torch::exp(logp.to(torch::kFloat64)) * (learned - exact).pow(2).sum(1);
        field->scoreError = toVector(err);
      }
    }
  }
  field->request = std::move(req);
  w.publish(std::move(field));
}

FieldWorker::FieldWorker()
    : m_cache(std::make_unique<Cache>()),
      m_worker([this](FieldRequest& req, RequestWorker<FieldRequest, VectorField>& w) {
        compute(req, w);
      }) {}

FieldWorker::~FieldWorker() = default;

}  // namespace ss::scene
