#include "core/scene/cfg_views.h"

#include "core/common/error.h"
#include "core/nn/score_net.h"
#include "core/score/cfg_score.h"
#include "core/train/snapshot.h"

namespace ss::scene {

std::shared_ptr<const score::ScoreFn> learnedCfg(const train::ModelSnapshot* model, int k,
                                                 double w) {
  if (!model || model->cfgClasses() == 0) return nullptr;
  if (k < 0 || k >= model->cfgClasses())  // (the class index cfgClasses() is the null class)
    throw Failure("class " + std::to_string(k) + " is outside the model's " +
                  std::to_string(model->cfgClasses()) + " classes");
  auto cond = std::make_shared<nn::ClassScoreFn>(model->ema, model->sde, k);
  return std::make_shared<score::CfgScore>(model->scoreFn(), std::move(cond), k, w);
}

std::shared_ptr<const score::ScoreFn> exactCfg(const data::ToyDistribution& toy,
                                               std::shared_ptr<const sde::Sde> sde, int k,
                                               double w) {
  const auto gm = toy.mixture();
  if (!gm) return nullptr;
  return score::exactCfgScore(*gm, std::move(sde), k, w);
}

}  // namespace ss::scene
