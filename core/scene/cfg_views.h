// Classifier-free guidance for the views (MATH.md §6): the score runs and fields use when
// a scene guides toward a class without a classifier. A class-conditional snapshot gives the
// learned CFG field (its conditional and null-class outputs); otherwise a Gaussian mixture's
// exact scores give the exact one. Internal to core/scene (LibTorch); any thread.
#pragma once

#include <memory>

#include "core/data/toy.h"
#include "core/score/score_fn.h"
#include "core/sde/sde.h"

namespace ss::train {
struct ModelSnapshot;
}

namespace ss::scene {

// The learned CFG score toward class k with weight w when `model` is class-conditional
// (cfgClasses() > 0), else null. Throws ss::Failure on k outside its classes or a bad w.
std::shared_ptr<const score::ScoreFn> learnedCfg(const train::ModelSnapshot* model, int k,
                                                 double w);

// The exact CFG score of `toy`'s mixture, or null when it is not a mixture.
std::shared_ptr<const score::ScoreFn> exactCfg(const data::ToyDistribution& toy,
                                               std::shared_ptr<const sde::Sde> sde, int k,
                                               double w);

}  // namespace ss::scene
