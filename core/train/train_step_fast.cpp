// The training step's fast path, piece by piece (TrainStep::fastStep orchestrates them):
// its buffers, the batch's draws and input rows, and forward, loss and backward by chunks.
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <numbers>

#include "core/kernels/silu.h"
#include "core/train/train_step_fast.h"

namespace ss::train {

void TrainStep::Fast::reserve(int64_t B, int64_t parts, int64_t chunk,
                              const std::vector<torch::Tensor>& params) {
  if (batch == B && static_cast<int64_t>(work.size()) == parts && work[0].D0.size(0) == chunk)
    return;
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32);
  batch = B;
  X = torch::empty({B, in}, opts);
  proj = torch::empty({B, freqs}, opts);
  work.assign(static_cast<size_t>(parts), Work{});
  for (int64_t k = 0; k < parts; ++k) {
    auto& w = work[static_cast<size_t>(k)];
    for (int64_t i = 0; i < depth; ++i) {
      w.A.push_back(torch::empty({chunk, width}, opts));
      w.H.push_back(torch::empty({chunk, width}, opts));
    }
    w.O = torch::empty({chunk, dim}, opts);
    w.G = torch::empty({chunk, dim}, opts);
    w.D0 = torch::empty({chunk, width}, opts);
    w.D1 = torch::empty({chunk, width}, opts);
    w.ones = torch::ones({chunk}, opts);
    if (k == 0) {
      w.grad = grad;
      w.gW = gW;
      w.gb = gb;
      continue;
    }
    w.grad = torch::zeros({total}, opts);
    for (size_t i = 0; i < params.size(); ++i) {
      auto v = w.grad.narrow(0, offsets[i], params[i].numel()).view(params[i].sizes());
      (i % 2 == 0 ? w.gW : w.gb).push_back(v);
    }
  }
}

namespace detail {

void FastPhase::enter(const char* name) {
  m_scope.reset();
  m_scope.emplace(at::RecordScope::USER_SCOPE);
  if (m_scope->isActive()) m_scope->before(name);
}

namespace {

// Input rows [x_t, sin(2π t W), cos(2π t W)] with x_t = a(t)·x0 + σ(t)·z.
void writeInputRows(TrainStep::Fast& f, const torch::Tensor& data, const torch::Tensor& idx,
                    const torch::Tensor& t, const torch::Tensor& a, const FastDraws& d) {
  const int64_t B = idx.size(0), dim = f.dim;
  const int64_t* ip = idx.data_ptr<int64_t>();
  const float* dp = data.data_ptr<float>();
  const float* ap = a.data_ptr<float>();
  const float* sp = d.sigma.data_ptr<float>();
  const float* zp = d.z.data_ptr<float>();
  float* xp = f.X.data_ptr<float>();
  for (int64_t r = 0; r < B; ++r) {
    const float* x0 = dp + ip[r] * dim;
    for (int64_t k = 0; k < dim; ++k) xp[r * f.in + k] = ap[r] * x0[k] + sp[r] * zp[r * dim + k];
  }
  at::mul_out(f.proj, t.unsqueeze(1), f.timeW.unsqueeze(0));
  f.proj.mul_(2.0 * std::numbers::pi);
  auto sinOut = f.X.narrow(1, dim, f.freqs), cosOut = f.X.narrow(1, dim + f.freqs, f.freqs);
  at::sin_out(sinOut, f.proj);
  at::cos_out(cosOut, f.proj);
}

// The hidden layers of rows [r0, r0 + n): A ← σ(A) (kept for the backward), H = SiLU(A);
// then the output O. Returns the last hidden activations.
torch::Tensor forwardChunk(TrainStep::Fast& f, TrainStep::Fast::Work& w, const torch::Tensor& X,
                           int64_t n) {
  torch::Tensor cur = X;
  for (int64_t l = 0; l < f.depth; ++l) {
    auto A = w.A[l].narrow(0, 0, n), H = w.H[l].narrow(0, 0, n);
    at::addmm_out(A, f.b[l], cur, f.W[l].t());
    kernels::siluForward(A.data_ptr<float>(), H.data_ptr<float>(), A.data_ptr<float>(),
                         n * f.width);
    cur = H;
  }
  auto O = w.O.narrow(0, 0, n);
  at::addmm_out(O, f.b[f.depth], cur, f.W[f.depth].t());
  return cur;
}

// Loss: per sample λ/σ²·‖σ (out/σ) + z‖², and d(mean)/d(out) = 2 λ/σ² (σ s + z) / B into G.
void lossChunk(const TrainStep::Fast& f, TrainStep::Fast::Work& w, const FastDraws& d, int64_t r0,
               int64_t n, int64_t B) {
  const int64_t dim = f.dim;
  const float gradScale = static_cast<float>(2.0 / static_cast<double>(B));
  const float* sp = d.sigma.data_ptr<float>();
  const float* zp = d.z.data_ptr<float>();
  const float* fp = d.factor.defined() ? d.factor.data_ptr<float>() : nullptr;
  const float* op = w.O.data_ptr<float>();
  float* gp = w.G.data_ptr<float>();
  for (int64_t r = 0; r < n; ++r) {
    const int64_t row = r0 + r;
    const float s = sp[row], lw = fp ? fp[row] : 1.0f;
    float per = 0;
    for (int64_t k = 0; k < dim; ++k) {
      const float res = s * (op[r * dim + k] / s) + zp[row * dim + k];
      per += res * res;
      gp[r * dim + k] = gradScale * lw * res;
    }
    w.loss += static_cast<double>(lw) * per;
  }
}

// Backward: weight gradients accumulate over chunks (zeroed per step); dL/dA in place from
// σ(A) and H, ping-ponging between D0 and D1.
void backwardChunk(TrainStep::Fast& f, TrainStep::Fast::Work& w, const torch::Tensor& X,
                   const torch::Tensor& last, int64_t n) {
  const int64_t depth = f.depth;
  auto G = w.G.narrow(0, 0, n);
  auto ones = w.ones.narrow(0, 0, n);
  at::addmm_out(w.gW[depth], w.gW[depth], G.t(), last);
  at::addmv_out(w.gb[depth], w.gb[depth], G.t(), ones);
  torch::Tensor d = w.D0.narrow(0, 0, n);
  at::mm_out(d, G, f.W[depth]);
  for (int64_t l = depth - 1; l >= 0; --l) {
    kernels::siluBackward(d.data_ptr<float>(), w.A[l].data_ptr<float>(), w.H[l].data_ptr<float>(),
                          n * f.width);
    const torch::Tensor input = l == 0 ? X : w.H[l - 1].narrow(0, 0, n);
    at::addmm_out(w.gW[l], w.gW[l], d.t(), input);
    at::addmv_out(w.gb[l], w.gb[l], d.t(), ones);
    if (l > 0) {
      auto next = (d.data_ptr() == w.D0.data_ptr() ? w.D1 : w.D0).narrow(0, 0, n);
      at::mm_out(next, d, f.W[l]);
      d = next;
    }
  }
}

}  // namespace

FastDraws drawFastBatch(TrainStep::Fast& f, const torch::Tensor& data, const sde::Sde& sde,
                        const LossConfig& lc, int64_t B, at::Generator& gen) {
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32);
  auto idx = torch::randint(data.size(0), {B}, gen, torch::TensorOptions().dtype(torch::kLong));
  const double eps = sde.eps(), T = sde.T();
  torch::Tensor t;
  FastDraws d;  // d.factor: λ(t)/σ(t)² per sample, undefined when λ = σ²
  if (lc.importanceSampling && lc.weighting == Weighting::G2) {
    torch::Tensor invDensity;
    std::tie(t, invDensity) = importanceSampleTime(sde, B, opts, gen);
    d.factor = weightOf(lc.weighting, sde, t) * invDensity / (T - eps);
  } else {
    t = eps + (T - eps) * torch::rand({B}, gen, opts);
    if (lc.weighting != Weighting::Sigma2) d.factor = weightOf(lc.weighting, sde, t);
  }
  d.z = torch::randn({B, f.dim}, gen, opts);
  const auto m = sde.marginal(t);
  auto a = m.a.contiguous();
  d.sigma = m.sigma.contiguous();
  if (d.factor.defined()) d.factor = (d.factor / (d.sigma * d.sigma)).contiguous();
  writeInputRows(f, data, idx, t, a, d);
  return d;
}

void fastForwardBackward(TrainStep::Fast& f, TrainStep::Fast::Work& w, const FastDraws& draws,
                         int64_t begin, int64_t end, int64_t chunk, int64_t B, FastPhase* phase) {
  w.grad.zero_();
  w.loss = 0;
  for (int64_t r0 = begin; r0 < end; r0 += chunk) {
    const int64_t n = std::min(chunk, end - r0);
    auto X = f.X.narrow(0, r0, n);
    if (phase) phase->enter("ss::forward");
    const torch::Tensor last = forwardChunk(f, w, X, n);
    if (phase) phase->enter("ss::loss");
    lossChunk(f, w, draws, r0, n, B);
    if (phase) phase->enter("ss::backward");
    backwardChunk(f, w, X, last, n);
  }
}

}  // namespace detail

}  // namespace ss::train
