#include "core/score/tiled_empirical.h"

#include <optional>
#include <sstream>

#include "core/common/error.h"
#include "core/common/parallel_parts.h"
#include "core/common/runtime.h"
#include "core/kernels/empirical.h"
#include "core/kernels/far_field.h"

namespace ss::score {

namespace {

// Below this many queries the far-field moments (one pass over the points per tree level)
// cost more than they save.
constexpr int64_t kFarFieldMinQueries = 64;

}  // namespace

TiledEmpirical::TiledEmpirical(const torch::Tensor& points, double pruneTol,
                               kernels::Precision precision)
    : m_pruneTol(pruneTol), m_precision(precision) {
  auto p = points.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  if (p.dim() != 2 || p.size(0) < 1 || p.size(1) < 1 || p.size(1) > kernels::kMaxTileDim)
    throw Failure("TiledEmpirical needs [M, d] points with M >= 1 and 1 <= d <= 4");
  m_tiles = kernels::buildPointTiles(p.data_ptr<double>(), p.size(0), static_cast<int>(p.size(1)));
}

bool TiledEmpirical::accepts(const torch::Tensor& points, const torch::Tensor& x) {
  return points.dim() == 2 && points.size(1) >= 1 && points.size(1) <= kernels::kMaxTileDim &&
         points.device().is_cpu() && x.device().is_cpu() && x.dim() == 2 &&
         x.size(1) == points.size(1) && !(torch::GradMode::is_enabled() && x.requires_grad());
}

void TiledEmpirical::eval(const torch::Tensor& x, const torch::Tensor& a,
                          const torch::Tensor& sigma, torch::Tensor* score,
                          torch::Tensor* logp) const {
  const int64_t b = x.size(0), d = m_tiles.dim;
  if (x.dim() != 2 || x.size(1) != d) {
    std::ostringstream s;
    s << "the points are " << d << "-D but x has shape " << x.sizes();
    throw Failure(s.str());
  }
  auto X = x.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  auto A = perQuery(a.detach(), b, torch::kCPU, "a(t)").contiguous();
  auto S = perQuery(sigma.detach(), b, torch::kCPU, "sigma(t)").contiguous();
  if (score) *score = torch::empty({b, d}, X.options());
  if (logp) *logp = torch::empty({b}, X.options());
  const double* xp = X.data_ptr<double>();
  const double* ap = A.data_ptr<double>();
  const double* sp = S.data_ptr<double>();
  double* scp = score ? score->data_ptr<double>() : nullptr;
  double* lpp = logp ? logp->data_ptr<double>() : nullptr;
  // A sampler step's queries share one (a, σ): its far-field moments are built once.
  std::optional<kernels::FarField> far;
  if (m_pruneTol > 0 && d == 2 && b >= kFarFieldMinQueries && (A == A[0]).all().item<bool>() &&
      (S == S[0]).all().item<bool>())
    far.emplace(m_tiles, ap[0], sp[0]);
  // Every kernel thread, in chunks of at least 64 queries (each up to M pairs), ~16 a thread.
  const int threads = kernelThreads();
  runInChunks(
      b, std::max<int64_t>(64, b / (16 * threads)), threads, [&](int64_t begin, int64_t end) {
        kernels::EmpiricalQueries q{xp + begin * d, ap + begin, sp + begin, end - begin};
        kernels::EmpiricalOut out{scp ? scp + begin * d : nullptr, lpp ? lpp + begin : nullptr};
        kernels::empiricalEval(m_tiles, q, out, m_pruneTol, far ? &*far : nullptr, m_precision);
      });
}

}  // namespace ss::score
