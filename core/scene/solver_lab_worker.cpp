#include "core/scene/solver_lab_worker.h"

#include <torch/torch.h>

#include "core/sample/solver_lab_run.h"
#include "core/score/exact_score_cache.h"
#include "core/train/snapshot.h"

namespace ss::scene {

namespace {

struct SolverLabCache {
  score::ExactScoreCache exact;
};

void computeSolverLab(SolverLabRequest& req,
                      RequestWorker<SolverLabRequest, sample::SolverLabResult>& w,
                      SolverLabCache& cache) {
  torch::NoGradGuard noGrad;
  if (auto ok = req.spec.validate(); !ok) throw std::runtime_error(ok.error().message);
  const auto& cached = cache.exact.get(req.data, req.sde);
  sample::SolverLabInputs in{cached.exact,
                             sde::Sde::create(req.sde),
                             cached.toy,
                             torch::kCPU,
                             true,
                             req.data,
                             std::string(sde::toString(req.sde.kind))};
  if (req.model && train::snapshotFits(*req.model, req.data, req.sde)) {
    in.score = req.model->scoreFn();
    in.sde = req.model->sde;
    in.device = req.model->device;
    in.float64 = false;  // a network's own precision
  }
  sample::runSolverLab(
      req.spec, in,
      [&](const sample::SolverLabResult& r) {
        w.publish(std::make_shared<const sample::SolverLabResult>(r));
      },
      [&] { return w.superseded(); });
}

}  // namespace

SolverLabWorker::SolverLabWorker() : RequestWorker(withCache(computeSolverLab)) {}

}  // namespace ss::scene
