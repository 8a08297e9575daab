#include "core/score/empirical_backend.h"

#include <sstream>

#include "core/common/error.h"

namespace ss::score {

torch::Tensor perQuery(const torch::Tensor& v, int64_t b, const torch::Device& device,
                       const char* what) {
  auto r = v.to(device, torch::kFloat64).reshape({-1});
  if (r.size(0) == 1 && b != 1) r = r.expand({b});
  if (r.size(0) != b) {
    std::ostringstream s;
    s << what << " has " << r.size(0) << " entries for a batch of " << b;
    throw Failure(s.str());
  }
  return r;
}

torch::Tensor EmpiricalBackend::score(const torch::Tensor& x, const torch::Tensor& a,
                                      const torch::Tensor& sigma) const {
  torch::Tensor s;
  eval(x, a, sigma, &s, nullptr);
  return s;
}

torch::Tensor EmpiricalBackend::logProb(const torch::Tensor& x, const torch::Tensor& a,
                                        const torch::Tensor& sigma) const {
  torch::Tensor lp;
  eval(x, a, sigma, nullptr, &lp);
  return lp;
}

}  // namespace ss::score
