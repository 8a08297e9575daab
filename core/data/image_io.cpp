// Single images: decoding with stb_image (alpha composited, grey or RGB), the area resize,
// channel conversion, grids and atomic PNG writes. The datasets (image_dataset.cpp) are
// built from these. stb's implementation comes compiled in Debian's libstb.
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <sstream>
#include <vector>

#include "core/common/atomic_file.h"
#include "core/data/image_dataset.h"

namespace ss::data {

namespace {

namespace fs = std::filesystem;

// Larger images are refused before decoding: a corrupt header must not allocate gigabytes.
constexpr int64_t kMaxPixels = int64_t{1} << 28;
constexpr int kMaxSize = 16384;  // opt.size and single image sides for writing

Error fail(const std::string& where, const std::string& what) { return Error{where + ": " + what}; }

std::string stbReason() {
  const char* r = stbi_failure_reason();
  return r ? r : "unknown error";
}

float luma(float r, float g, float b) { return 0.299f * r + 0.587f * g + 0.114f * b; }

// Interleaved 8-bit grey+alpha (comp 2) or RGBA (comp 4) → [channels, h, w] float32 in
// [0, 1], composited over bg. Opaque pixels keep their exact value v/255.
torch::Tensor toPlanes(const unsigned char* px, int w, int h, int comp, int channels,
                       const std::array<float, 3>& bg) {
  auto out = torch::empty({channels, h, w}, torch::kFloat32);
  float* o = out.data_ptr<float>();
  const int64_t n = int64_t{w} * h;
  const float bgL = luma(bg[0], bg[1], bg[2]);
  constexpr float kFull = 255.f;  // divided, not multiplied by 1/255: the same values as IDX
  for (int64_t i = 0; i < n; ++i) {
    const unsigned char* p = px + i * comp;
    const float a = p[comp - 1] / kFull;
    if (comp == 2) {
      const float g = p[0] / kFull;
      if (channels == 1)
        o[i] = g * a + bgL * (1.f - a);
      else
        for (int c = 0; c < 3; ++c) o[c * n + i] = g * a + bg[c] * (1.f - a);
    } else {
      float rgb[3];
      for (int c = 0; c < 3; ++c) rgb[c] = p[c] / kFull * a + bg[c] * (1.f - a);
      if (channels == 1)
        o[i] = luma(rgb[0], rgb[1], rgb[2]);
      else
        for (int c = 0; c < 3; ++c) o[c * n + i] = rgb[c];
    }
  }
  return out;
}

// The area filter along one axis: output i averages the source interval [i·m/n, (i+1)·m/n),
// source pixel j weighted by its overlap; the weights of each output sum to 1.
struct AreaTaps {
  std::vector<int64_t> first, count;  // per output: the first source index and how many
  std::vector<double> weight;         // concatenated, count[i] per output
};

AreaTaps areaTaps(int64_t m, int64_t n) {
  AreaTaps t;
  const double s = static_cast<double>(m) / static_cast<double>(n);
  for (int64_t i = 0; i < n; ++i) {
    const double lo = static_cast<double>(i) * s, hi = static_cast<double>(i + 1) * s;
    const auto first = static_cast<int64_t>(std::floor(lo));
    const auto last = std::min<int64_t>(m - 1, static_cast<int64_t>(std::ceil(hi)) - 1);
    t.first.push_back(first);
    t.count.push_back(last - first + 1);
    for (int64_t j = first; j <= last; ++j)
      t.weight.push_back(std::max(0.0, std::min(hi, double(j + 1)) - std::max(lo, double(j))) / s);
  }
  return t;
}

// Resizes planes [begin, end) of src (each h×w, the crop at y0, x0 of ty/tx's source size)
// into dst (each outH×outW): rows first, then columns, accumulating in double.
template <class T>
void resizePlanes(const T* src, int64_t h, int64_t w, int64_t y0, int64_t x0, const AreaTaps& ty,
                  const AreaTaps& tx, T* dst, int64_t begin, int64_t end) {
  const auto outH = static_cast<int64_t>(ty.first.size());
  const auto outW = static_cast<int64_t>(tx.first.size());
  const int64_t ch = ty.first.back() + ty.count.back();  // cropped rows in use
  std::vector<double> tmp(static_cast<size_t>(ch * outW)), acc(static_cast<size_t>(outW));
  for (int64_t p = begin; p < end; ++p) {
    const T* plane = src + p * h * w;
    for (int64_t r = 0; r < ch; ++r) {
      const T* row = plane + (y0 + r) * w + x0;
      const double* wt = tx.weight.data();
      for (int64_t o = 0; o < outW; ++o) {
        double v = 0;
        for (int64_t k = 0; k < tx.count[o]; ++k) v += wt[k] * double(row[tx.first[o] + k]);
        tmp[r * outW + o] = v;
        wt += tx.count[o];
      }
    }
    T* out = dst + p * outH * outW;
    const double* wt = ty.weight.data();
    for (int64_t o = 0; o < outH; ++o) {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t k = 0; k < ty.count[o]; ++k) {
        const double* t = tmp.data() + (ty.first[o] + k) * outW;
        for (int64_t c = 0; c < outW; ++c) acc[c] += wt[k] * t[c];
      }
      for (int64_t c = 0; c < outW; ++c) out[o * outW + c] = static_cast<T>(acc[c]);
      wt += ty.count[o];
    }
  }
}

}  // namespace

Expected<torch::Tensor> readImage(const std::string& path, int size, int channels,
                                  std::array<float, 3> background) {
  if (size < 0 || size > kMaxSize)
    return fail(path,
                "size " + std::to_string(size) + " is outside 0.." + std::to_string(kMaxSize));
  if (channels != 0 && channels != 1 && channels != 3)
    return fail(path, "channels must be 0 (native), 1 or 3, got " + std::to_string(channels));
  std::error_code ec;
  if (!fs::exists(path, ec)) return fail(path, "no such file");
  if (fs::is_directory(path, ec)) return fail(path, "is a directory, not an image");

  int w = 0, h = 0, comp = 0;
  if (!stbi_info(path.c_str(), &w, &h, &comp)) return fail(path, "cannot decode: " + stbReason());
  if (w <= 0 || h <= 0 || int64_t{w} * h > kMaxPixels) {
    std::ostringstream s;
    s << w << "×" << h << " pixels is too large (at most " << kMaxPixels << " pixels)";
    return fail(path, s.str());
  }
  const int req = comp <= 2 ? 2 : 4;
  std::unique_ptr<stbi_uc, void (*)(void*)> px(stbi_load(path.c_str(), &w, &h, &comp, req),
                                               stbi_image_free);
  if (!px) return fail(path, "cannot decode: " + stbReason());
  const int c = channels ? channels : (comp <= 2 ? 1 : 3);
  auto img = toPlanes(px.get(), w, h, req, c, background);
  if (size > 0 && (h != size || w != size)) img = resizeArea(img, size, size);
  return img;
}

torch::Tensor resizeArea(const torch::Tensor& images, int64_t outH, int64_t outW) {
  TORCH_CHECK(images.dim() >= 2 && outH > 0 && outW > 0, "resizeArea: bad arguments");
  const int64_t h = images.size(-2), w = images.size(-1);
  TORCH_CHECK(h > 0 && w > 0, "resizeArea: empty image");
  auto x = images.is_floating_point() ? images : images.to(torch::kFloat32);
  if (h == outH && w == outW) return x;
  // Centre-crop to the target's aspect ratio (outH : outW).
  int64_t ch = h, cw = w;
  if (h * outW > w * outH)
    ch = std::max<int64_t>(1, std::llround(double(w) * double(outH) / double(outW)));
  else if (h * outW < w * outH)
    cw = std::max<int64_t>(1, std::llround(double(h) * double(outW) / double(outH)));
  // Sparse taps, not two weight-matrix products: O(pixels in + out); 60k Fashion-MNIST
  // images to 32×32 took 1.1 s instead of 3.3 s with the dense GEMMs (mostly multiplying zeros).
  x = x.contiguous();
  const auto ty = areaTaps(ch, outH), tx = areaTaps(cw, outW);
  auto sizes = x.sizes().vec();
  sizes[sizes.size() - 2] = outH;
  sizes[sizes.size() - 1] = outW;
  auto out = torch::empty(sizes, x.options());
  const int64_t planes = x.numel() / (h * w);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "resizeArea", [&] {
    const auto* src = x.data_ptr<scalar_t>();
    auto* dst = out.data_ptr<scalar_t>();
    at::parallel_for(0, planes, 64, [&](int64_t begin, int64_t end) {
      resizePlanes(src, h, w, (h - ch) / 2, (w - cw) / 2, ty, tx, dst, begin, end);
    });
  });
  return out;
}

torch::Tensor convertChannels(const torch::Tensor& images, int channels) {
  TORCH_CHECK(images.dim() >= 3, "convertChannels: expected [..., C, H, W]");
  const int64_t c = images.size(-3);
  if (c == channels) return images;
  if (c == 3 && channels == 1) {
    auto rgb = images.unbind(-3);
    return (0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2]).unsqueeze(-3).contiguous();
  }
  TORCH_CHECK(c == 1 && channels == 3, "convertChannels: cannot convert ", c, " channels to ",
              channels);
  auto sizes = images.sizes().vec();
  sizes[sizes.size() - 3] = 3;
  return images.expand(sizes).contiguous();
}

torch::Tensor imageGrid(const torch::Tensor& images, int cols, int pad, float padValue) {
  TORCH_CHECK(images.dim() == 4, "imageGrid: expected [N, C, H, W], got ", images.sizes());
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  if (n == 0) return torch::empty({c, 0, 0}, images.options());
  const int64_t nc = std::clamp<int64_t>(cols, 1, n);
  const int64_t nr = (n + nc - 1) / nc;
  const int64_t p = std::max(pad, 0);
  auto grid = torch::full({c, nr * (h + p) + p, nc * (w + p) + p}, padValue, images.options());
  for (int64_t k = 0; k < n; ++k) {
    const int64_t r = k / nc, col = k % nc;
    grid.narrow(1, p + r * (h + p), h).narrow(2, p + col * (w + p), w).copy_(images[k]);
  }
  return grid;
}

Expected<bool> writePng(const std::string& path, const torch::Tensor& image) {
  if (!image.defined() || image.dim() != 3) return fail(path, "expected a [C, H, W] image");
  const int64_t c = image.size(0), h = image.size(1), w = image.size(2);
  if (c != 1 && c != 3 && c != 4) {
    std::ostringstream s;
    s << "expected 1, 3 or 4 channels, got " << image.sizes();
    return fail(path, s.str());
  }
  if (h <= 0 || w <= 0 || h > kMaxSize || w > kMaxSize) {
    std::ostringstream s;
    s << "image size " << h << "×" << w << " is outside 1.." << kMaxSize;
    return fail(path, s.str());
  }
  const auto bytes =
      (image.detach().to(torch::kCPU, torch::kFloat32).nan_to_num(0.0, 1.0, 0.0).clamp(0.0, 1.0) *
       255.0)
          .round()
          .to(torch::kUInt8)
          .permute({1, 2, 0})
          .contiguous();
  const int iw = static_cast<int>(w), ih = static_cast<int>(h), ic = static_cast<int>(c);
  return writeFileAtomic(path, [&](const std::string& tmp) {
    return stbi_write_png(tmp.c_str(), iw, ih, ic, bytes.data_ptr<uint8_t>(), iw * ic) != 0;
  });
}

}  // namespace ss::data
