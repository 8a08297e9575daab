#include "core/train/problem.h"

#include "core/data/toy.h"

namespace ss::train {

Expected<Problem> buildProblem(const std::string& data, const sde::SdeConfig& sdeConfig, int64_t n,
                               uint64_t seed) {
  if (std::string e = sdeConfig.validate(); !e.empty()) return Error{e};
  if (n < 1) return Error{"the training set needs at least one point"};
  auto toy = data::makeToy(data);
  if (!toy) return toy.error();
  try {
    Problem p;
    if (auto pts = toy.value()->points()) {
      p.data = pts->to(torch::kFloat32).contiguous();
    } else {
      p.data = toy.value()->sample(n, seed).x.to(torch::kFloat32).contiguous();
    }
    p.sde = sdeConfig.resolved(data::diameter(p.data));
    p.sdeObject = sde::Sde::create(p.sde);
    return p;
  } catch (const std::exception& e) {
    return Error{data + ": " + e.what()};
  }
}

}  // namespace ss::train
