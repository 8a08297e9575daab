#include "core/nn/fast_mlp.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <numbers>
#include <vector>

#include "core/common/parallel_parts.h"
#include "core/common/runtime.h"
#include "core/kernels/silu.h"
#include "core/nn/fast_mlp_avx512.h"
#include "core/nn/mlp.h"

namespace ss::nn::detail {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
// The hand-written first layer (shared t) and the fused output layer handle up to this many
// data dimensions; wider data goes through BLAS for those layers too.
constexpr int64_t kMaxSmallDim = 8;

// ---- Kernels -----------------------------------------------------------------------------
// SiLU: the kernels unit's (core/kernels/silu.h), bit for bit the training step's.
using kernels::silu8;
using kernels::siluScalar;

bool haveAvx2Fma() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}

void siluInPlace(float* a, int64_t n) { kernels::siluForward(a, a, nullptr, n); }

// First layer with a shared t: h[r, j] = c[j] + Σ_k x[r, k] wT[k, j] (then SiLU when `act`),
// c = b + W_t · features(t) computed once; wT = the x columns of W, transposed [dim, width].
void firstLayerScalar(const float* x, const float* wT, const float* c, float* h, int64_t rows,
                      int64_t dim, int64_t width, bool act, int64_t j0) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = j0; j < width; ++j) {
      float v = c[j];
      for (int64_t k = 0; k < dim; ++k) v += x[r * dim + k] * wT[k * width + j];
      h[r * width + j] = act ? siluScalar(v) : v;
    }
}

__attribute__((target("avx2,fma"))) void firstLayerAvx2(const float* x, const float* wT,
                                                        const float* c, float* h, int64_t rows,
                                                        int64_t dim, int64_t width, bool act) {
  const int64_t vecEnd = width / 8 * 8;
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * dim;
    float* hr = h + r * width;
    for (int64_t j = 0; j < vecEnd; j += 8) {
      __m256 v = _mm256_loadu_ps(c + j);
      for (int64_t k = 0; k < dim; ++k)
        v = _mm256_fmadd_ps(_mm256_set1_ps(xr[k]), _mm256_loadu_ps(wT + k * width + j), v);
      _mm256_storeu_ps(hr + j, act ? silu8(v) : v);
    }
  }
  if (vecEnd < width) firstLayerScalar(x, wT, c, h, rows, dim, width, act, vecEnd);
}

// The last hidden layer's SiLU, the output layer and the division by σ in one pass:
// out[r, k] = (bo[k] + Σ_j SiLU(a[r, j]) wo[k, j]) / σ_r, dim ≤ kMaxSmallDim.
// sigma: one per row, or sigma[0] for all when `sharedSigma`.
void outputLayerScalar(const float* a, const float* wo, const float* bo, const float* sigma,
                       bool sharedSigma, float* out, int64_t rows, int64_t width, int64_t dim,
                       bool act) {
  for (int64_t r = 0; r < rows; ++r) {
    const float s = sharedSigma ? sigma[0] : sigma[r];
    for (int64_t k = 0; k < dim; ++k) {
      float acc = 0;
      for (int64_t j = 0; j < width; ++j)
        acc += (act ? siluScalar(a[r * width + j]) : a[r * width + j]) * wo[k * width + j];
      out[r * dim + k] = (acc + bo[k]) / s;
    }
  }
}

__attribute__((target("avx2,fma"))) inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) void outputLayerAvx2(const float* a, const float* wo,
                                                         const float* bo, const float* sigma,
                                                         bool sharedSigma, float* out, int64_t rows,
                                                         int64_t width, int64_t dim, bool act) {
  const int64_t vecEnd = width / 8 * 8;
  for (int64_t r = 0; r < rows; ++r) {
    const float* ar = a + r * width;
    __m256 acc[kMaxSmallDim];
    for (int64_t k = 0; k < dim; ++k) acc[k] = _mm256_setzero_ps();
    for (int64_t j = 0; j < vecEnd; j += 8) {
      const __m256 v = _mm256_loadu_ps(ar + j);
      const __m256 h = act ? silu8(v) : v;
      for (int64_t k = 0; k < dim; ++k)
        acc[k] = _mm256_fmadd_ps(h, _mm256_loadu_ps(wo + k * width + j), acc[k]);
    }
    const float s = sharedSigma ? sigma[0] : sigma[r];
    for (int64_t k = 0; k < dim; ++k) {
      float v = hsum8(acc[k]);
      for (int64_t j = vecEnd; j < width; ++j)
        v += (act ? siluScalar(ar[j]) : ar[j]) * wo[k * width + j];
      out[r * dim + k] = (v + bo[k]) / s;
    }
  }
}

// Per-thread chunk buffers, grown on demand and reused by every later call on that thread.
struct Workspace {
  torch::Tensor X, P0, P1, O;  // [chunk, in], [chunk, width] × 2, [chunk, dim]
};

Workspace& workspace(int64_t chunk, int64_t in, int64_t width, int64_t dim) {
  thread_local Workspace ws;
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  auto ensure = [&](torch::Tensor& t, int64_t cols) {
    if (!t.defined() || t.size(0) < chunk || t.size(1) != cols)
      t = torch::empty({chunk, cols}, f32);
  };
  ensure(ws.X, in);
  ensure(ws.P0, width);
  ensure(ws.P1, width);
  ensure(ws.O, dim);
  return ws;
}

// What one call shares between its chunks and workers.
struct Plan {
  const MlpNet* net;
  int64_t B, dim, width, depth, freqs, in, chunk;
  const float* x;       // [B, dim]
  float* out;           // [B, dim]
  bool sharedT;         // one t for all rows
  torch::Tensor c;      // sharedT: [width] = b0 + W0[:, dim:] · features(t)
  torch::Tensor w0xT;   // sharedT: [dim, width], W0's x columns transposed
  torch::Tensor tRows;  // !sharedT: [B] float32, for the features
  const float* sigma;   // [B], or [1] when sharedSigma
  bool sharedSigma;
  bool avx512 = false;                // hidden layers through layer512 (width % 64 == 0)
  std::vector<torch::Tensor> packed;  // avx512: pack64(W_l) per hidden layer
};

// Rows [begin, end) through all layers, chunk by chunk.
// First layer of rows [r0, r0 + n) → P0 (pre-activations; SiLU applied here unless it is
// the last hidden one, whose SiLU the output pass fuses).
void firstLayer(const Plan& p, Workspace& ws, int64_t r0, int64_t n, torch::Tensor& P0) {
  const bool avx = haveAvx2Fma();
  const bool smallDim = p.dim <= kMaxSmallDim;
  const auto& hidden = p.net->hidden();
  const bool act0 = p.depth > 1;
  if (p.sharedT && smallDim) {
    if (avx)
      firstLayerAvx2(p.x + r0 * p.dim, p.w0xT.data_ptr<float>(), p.c.data_ptr<float>(),
                     P0.data_ptr<float>(), n, p.dim, p.width, act0);
    else
      firstLayerScalar(p.x + r0 * p.dim, p.w0xT.data_ptr<float>(), p.c.data_ptr<float>(),
                       P0.data_ptr<float>(), n, p.dim, p.width, act0, 0);
  } else {
    // [x, sin(2π t W), cos(2π t W)] as MlpNet::forward builds it, then one addmm.
    auto X = ws.X.narrow(0, 0, n);
    float* xp = X.data_ptr<float>();
    for (int64_t r = 0; r < n; ++r)
      for (int64_t k = 0; k < p.dim; ++k) xp[r * p.in + k] = p.x[(r0 + r) * p.dim + k];
    if (p.sharedT) {
      // Wide data with a shared t: the features of row 0, repeated.
      auto feat = X.narrow(1, p.dim, 2 * p.freqs);
      feat.copy_(p.c.view({1, -1}).expand({n, 2 * p.freqs}));
    } else {
      auto proj = torch::outer(p.tRows.narrow(0, r0, n), p.net->timeW()).mul_(kTwoPi);
      auto sinOut = X.narrow(1, p.dim, p.freqs), cosOut = X.narrow(1, p.dim + p.freqs, p.freqs);
      at::sin_out(sinOut, proj);
      at::cos_out(cosOut, proj);
    }
    const auto& l0 = hidden[0];
    if (p.avx512) {
      layer512(X.data_ptr<float>(), p.in, n, p.packed[0].data_ptr<float>(),
               l0->bias.data_ptr<float>(), p.in, p.width, P0.data_ptr<float>(), act0);
    } else {
      at::addmm_out(P0, l0->bias, X, l0->weight.t());
      if (act0) siluInPlace(P0.data_ptr<float>(), n * p.width);
    }
  }
}

// Hidden layers 1 .. depth−1: into the other buffer, SiLU in place (not the last). Returns
// the last hidden layer's activations.
torch::Tensor hiddenLayers(const Plan& p, int64_t n, torch::Tensor P0, torch::Tensor P1) {
  const auto& hidden = p.net->hidden();
  torch::Tensor cur = P0, next = P1;
  for (int64_t l = 1; l < p.depth; ++l) {
    if (p.avx512) {
      // Every SiLU in the epilogue, the last one too (the output pass then only projects).
      layer512(cur.data_ptr<float>(), p.width, n, p.packed[l].data_ptr<float>(),
               hidden[l]->bias.data_ptr<float>(), p.width, p.width, next.data_ptr<float>(), true);
    } else {
      at::addmm_out(next, hidden[l]->bias, cur, hidden[l]->weight.t());
      if (l + 1 < p.depth) siluInPlace(next.data_ptr<float>(), n * p.width);
    }
    std::swap(cur, next);
  }
  return cur;
}

// The last SiLU, the output layer and 1/σ, into p.out's rows [r0, r0 + n).
void outputLayer(const Plan& p, int64_t r0, int64_t n, const torch::Tensor& cur) {
  const bool avx = haveAvx2Fma();
  const bool smallDim = p.dim <= kMaxSmallDim;
  const auto& outLayer = p.net->out();
  float* out = p.out + r0 * p.dim;
  const float* sigma = p.sharedSigma ? p.sigma : p.sigma + r0;
  if (smallDim) {
    const float* wo = outLayer->weight.data_ptr<float>();
    const float* bo = outLayer->bias.data_ptr<float>();
    // The last hidden layer's SiLU is still to do unless an AVX-512 layer (depth > 1) did it.
    const bool lastAct = !(p.avx512 && p.depth > 1);
    if (avx)
      outputLayerAvx2(cur.data_ptr<float>(), wo, bo, sigma, p.sharedSigma, out, n, p.width, p.dim,
                      lastAct);
    else
      outputLayerScalar(cur.data_ptr<float>(), wo, bo, sigma, p.sharedSigma, out, n, p.width, p.dim,
                        lastAct);
  } else {
    if (!(p.avx512 && p.depth > 1)) siluInPlace(cur.data_ptr<float>(), n * p.width);
    auto O = torch::from_blob(out, {n, p.dim}, torch::TensorOptions().dtype(torch::kFloat32));
    at::addmm_out(O, outLayer->bias, cur, outLayer->weight.t());
    for (int64_t r = 0; r < n; ++r) {
      const float s = p.sharedSigma ? sigma[0] : sigma[r];
      for (int64_t k = 0; k < p.dim; ++k) out[r * p.dim + k] /= s;
    }
  }
}

void runRows(const Plan& p, int64_t begin, int64_t end) {
  Workspace& ws = workspace(p.chunk, p.in, p.width, p.dim);
  for (int64_t r0 = begin; r0 < end; r0 += p.chunk) {
    const int64_t n = std::min(p.chunk, end - r0);
    auto P0 = ws.P0.narrow(0, 0, n), P1 = ws.P1.narrow(0, 0, n);
    firstLayer(p, ws, r0, n, P0);
    outputLayer(p, r0, n, hiddenLayers(p, n, P0, P1));
  }
}

// Whether every entry of t (1-D, float or double) is the same number.
bool allSame(const torch::Tensor& t) {
  const int64_t n = t.numel();
  if (n <= 1) return true;
  if (t.stride(0) == 0) return true;
  auto check = [n](const auto* v, int64_t stride) {
    for (int64_t i = 1; i < n; ++i)
      if (!(v[i * stride] == v[0])) return false;
    return true;
  };
  if (t.scalar_type() == torch::kFloat32) return check(t.data_ptr<float>(), t.stride(0));
  if (t.scalar_type() == torch::kFloat64) return check(t.data_ptr<double>(), t.stride(0));
  return false;
}

}  // namespace

int64_t fastScoreChunkRows() {
  static const int64_t rows = envPositiveInt("SCORESCOPE_SCORE_CHUNK", 512);
  return rows;
}

std::unique_ptr<FastMlpScore> FastMlpScore::create(const ScoreNet& net) {
  const auto* mlp = dynamic_cast<const MlpNet*>(&net);
  // Class-conditional MLPs (a one-hot label in the input) take the module's forward.
  if (!mlp || mlp->config().xFeatures > 0 || mlp->config().classes > 0 || mlp->hidden().empty())
    return nullptr;
  return std::unique_ptr<FastMlpScore>(new FastMlpScore(*mlp));
}

bool FastMlpScore::accepts(const torch::Tensor& x, const torch::Tensor& t) const {
  const auto& cfg = m_net.config();
  if (!x.defined() || !t.defined() || x.dim() != 2 || x.size(1) != cfg.dim) return false;
  if (!x.device().is_cpu() || !t.device().is_cpu()) return false;
  if (!x.is_floating_point() || !t.is_floating_point()) return false;
  if (!(t.dim() == 0 || (t.dim() == 1 && t.size(0) == x.size(0)))) return false;
  auto isF32Cpu = [](const torch::Tensor& v) {
    return v.defined() && v.device().is_cpu() && v.scalar_type() == torch::kFloat32;
  };
  if (!isF32Cpu(m_net.timeW())) return false;
  for (const auto& l : m_net.hidden())
    if (!isF32Cpu(l->weight) || !isF32Cpu(l->bias)) return false;
  const auto& o = m_net.out();
  if (!isF32Cpu(o->weight) || !isF32Cpu(o->bias)) return false;
  // The fused output layer reads W and b as dense row-major arrays.
  return o->weight.is_contiguous() && o->bias.is_contiguous();
}

torch::Tensor FastMlpScore::operator()(const sde::Sde& sde, const torch::Tensor& xIn,
                                       const torch::Tensor& tIn) const {
  torch::NoGradGuard noGrad;
  const auto& cfg = m_net.config();
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  const int64_t B = xIn.size(0);
  auto out = torch::empty({B, cfg.dim}, f32);
  if (B == 0) return out;
  const auto x = xIn.to(torch::kFloat32).contiguous();
  // t as NetScoreFn's generic path sees it (converted with x when x is not float32); 0-dim t
  // is shared by the batch.
  const auto tConv = xIn.scalar_type() == torch::kFloat32 ? tIn : tIn.to(torch::kFloat32);
  const auto t = tConv.dim() == 0 ? tConv.reshape({1}) : tConv;

  Plan p;
  p.net = &m_net;
  p.B = B;
  p.dim = cfg.dim;
  p.width = cfg.width;
  p.depth = cfg.depth;
  p.freqs = cfg.timeFeatures / 2;
  p.in = cfg.dim + cfg.timeFeatures;
  p.chunk = fastScoreChunkRows();
  p.x = x.data_ptr<float>();
  p.out = out.data_ptr<float>();
  p.sharedT = allSame(t);
  const auto& l0 = m_net.hidden()[0];
  torch::Tensor sigma;
  if (p.sharedT) {
    // Features of the one t, by MlpNet::forward's ops; their part of layer 0 folds into a bias.
    const auto t1 = t.narrow(0, 0, 1);
    auto pt = torch::outer(t1.to(m_net.timeW().dtype()), m_net.timeW()).mul_(kTwoPi);
    auto feat = torch::cat({pt.sin(), pt.cos()}, 1).reshape({-1});
    if (p.dim <= kMaxSmallDim) {
      p.c = at::addmv(l0->bias, l0->weight.narrow(1, p.dim, 2 * p.freqs), feat).contiguous();
      p.w0xT = l0->weight.narrow(1, 0, p.dim).t().contiguous();
    } else {
      p.c = feat.contiguous();  // the features themselves, copied into each chunk
    }
    sigma = sde.marginal(t1).sigma.to(torch::kFloat32).contiguous();
    p.sharedSigma = true;
  } else {
    p.tRows = t.to(torch::kFloat32).contiguous();
    sigma = sde.marginal(t).sigma.to(torch::kFloat32).contiguous();
    p.sharedSigma = false;
  }
  p.sigma = sigma.data_ptr<float>();
  // AVX-512 layers for widths of 64k; the first layer through them only without a shared t
  // (with one, it is the [dim]-wide hand-written pass).
  p.avx512 = useAvx512() && p.width % 64 == 0 && l0->bias.is_contiguous();
  for (int64_t l = 0; p.avx512 && l < p.depth; ++l) {
    const auto& layer = m_net.hidden()[static_cast<size_t>(l)];
    if (!layer->bias.is_contiguous()) p.avx512 = false;
    const bool needed = l > 0 || !(p.sharedT && p.dim <= kMaxSmallDim);
    p.packed.push_back(needed ? pack64(layer->weight) : torch::Tensor());
  }

  // Workers: one per LibTorch thread, each with at least 2 chunks of rows.
  const int64_t minRows = 2 * p.chunk;
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), B / minRows));
  if (parts == 1) {
    runRows(p, 0, B);
    return out;
  }
  OpenBlasSingleThreaded blasGuard;
  runInParts(B, parts, [&](int64_t, int64_t begin, int64_t end) {
    torch::NoGradGuard noGrad;  // grad mode is per thread: the pool's are on by default
    runRows(p, begin, end);
  });
  return out;
}

}  // namespace ss::nn::detail
