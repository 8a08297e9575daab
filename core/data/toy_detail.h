// Internals shared by the toy sources (toy.cpp, toy_builtin.cpp); not part of the API.
#pragma once

#include <memory>
#include <string>

#include "core/data/toy.h"

namespace ss::data::detail {

at::Generator seededGenerator(uint64_t seed);
// A toy that samples the given mixture (8gaussians, 25gaussians, JSON files).
std::shared_ptr<const ToyDistribution> makeMixtureToy(std::string name, std::string description,
                                                      GaussianMixture gm);
// The built-in toy called `name`, or null.
std::shared_ptr<const ToyDistribution> makeBuiltinToy(const std::string& name);

}  // namespace ss::data::detail
