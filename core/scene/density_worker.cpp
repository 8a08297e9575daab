// Each level is one batched likelihood solve over all of its grid points (one RK45 error norm
// for the batch, as the likelihood does), so a level costs about one solve of the finest
// level's stiffness, and the coarse levels are cheap previews.
#include "core/scene/density_worker.h"

#include "core/scene/tensor_floats.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/data/toy.h"
#include "core/likelihood/likelihood.h"
#include "core/score/exact_score_cache.h"
#include "core/train/snapshot.h"

namespace ss::scene {

struct DensityWorkerCache {
  score::ExactScoreCache exact;
};

namespace {

// Cell centres of an nx × ny grid over the bounds: [ny·nx, 2] float64, row-major, y up.
torch::Tensor gridPoints(const std::array<float, 4>& b, int nx, int ny) {
  auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  auto xs = torch::linspace(0.5, nx - 0.5, nx, opts) * ((double(b[2]) - b[0]) / nx) + b[0];
  auto ys = torch::linspace(0.5, ny - 0.5, ny, opts) * ((double(b[3]) - b[1]) / ny) + b[1];
  auto mesh = torch::meshgrid({ys, xs}, "ij");  // [ny, nx] each
  return torch::stack({mesh[1].reshape({-1}), mesh[0].reshape({-1})}, 1);
}

void validate(const DensityRequest& r) {
  const auto& b = r.bounds;
  if (!(b[2] > b[0]) || !(b[3] > b[1]) || !std::isfinite(b[0]) || !std::isfinite(b[1]) ||
      !std::isfinite(b[2]) || !std::isfinite(b[3]))
    throw std::runtime_error("density: the view bounds are empty or not finite");
  if (r.coarsest < 2 || r.finest < r.coarsest || r.finest > 512)
    throw std::runtime_error("density: grid sizes " + std::to_string(r.coarsest) + "…" +
                             std::to_string(r.finest) + " are out of range (2…512, coarse ≤ fine)");
  if (!std::isfinite(r.t) || r.t < 0) throw std::runtime_error("density: t must be finite and ≥ 0");
}

}  // namespace

std::vector<std::array<int, 2>> densityLevels(const DensityRequest& r) {
  const auto& b = r.bounds;
  const double w = double(b[2]) - b[0], h = double(b[3]) - b[1];
  if (!(w > 0) || !(h > 0) || r.coarsest < 2 || r.finest < r.coarsest) return {};
  std::vector<int> sides;
  for (int n = r.finest; n >= r.coarsest; n /= 2) sides.insert(sides.begin(), n);
  std::vector<std::array<int, 2>> out;
  for (int n : sides) {
    // The longer side gets n cells, the other keeps the cells square (at least 2).
    const int other =
        std::max(2, static_cast<int>(std::lround(n * std::min(w, h) / std::max(w, h))));
    out.push_back(w >= h ? std::array<int, 2>{n, other} : std::array<int, 2>{other, n});
  }
  return out;
}

VectorField withModelDensity(VectorField field, const DensityGrid& grid) {
  field.request.densityNx = grid.nx;
  field.request.densityNy = grid.ny;
  field.logDensity = grid.logDensity;
  field.scoreError.clear();  // on the exact grid: it no longer matches the density's size
  // Callers ask both for one view; where they differ, the heatmap must sit where it was computed.
  field.request.bounds = grid.request.bounds;
  return field;
}

void computeDensityWorker(DensityRequest& req, RequestWorker<DensityRequest, DensityGrid>& w,
                          DensityWorkerCache& cache) {
  validate(req);
  std::shared_ptr<const score::ScoreFn> score;
  std::shared_ptr<const sde::Sde> sde;
  likelihood::LogDensity terminal;
  torch::Device device = torch::kCPU;
  if (req.model) {
    score = req.model->scoreFn();
    sde = req.model->sde;
    device = req.model->device;
  } else {
    auto exact = cache.exact.get(req.data, req.sde).exact;
    score = exact;
    sde = sde::Sde::create(req.sde);
    // The exact p_T, so the grid differs from the exact log p_t only by integration error.
    terminal = [exact, T = sde->T()](const torch::Tensor& z) {
      return exact->logProb(z, torch::full({z.size(0)}, T, z.options()));
    };
  }
  likelihood::LikelihoodConfig cfg;
  cfg.rtol = req.rtol;
  cfg.atol = req.atol;
  cfg.divergence = likelihood::Divergence::Exact;
  cfg.stop = [&w] { return w.superseded(); };
  const auto levels = densityLevels(req);
  const double t = std::clamp(req.t, sde->eps(), sde->T());
  for (size_t i = 0; i < levels.size(); ++i) {
    const auto [nx, ny] = levels[i];
    const auto start = std::chrono::steady_clock::now();
    auto x = gridPoints(req.bounds, nx, ny).to(device);
    auto r = likelihood::logLikelihoodAt(*score, *sde, x, t, cfg, terminal);
    if (r.stopped) return;  // a newer request is waiting
    auto grid = std::make_shared<DensityGrid>();
    grid->request = req;
    grid->nx = nx;
    grid->ny = ny;
    grid->logDensity = toFloats(r.logp);
    grid->level = static_cast<int>(i);
    grid->levels = static_cast<int>(levels.size());
    grid->modelStep = req.model ? req.model->step : -1;
    grid->nfe = r.nfe;
    grid->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    w.publish(std::move(grid));
    if (w.superseded()) return;
  }
}

DensityWorker::DensityWorker() : RequestWorker(withCache(computeDensityWorker)) {}

}  // namespace ss::scene
