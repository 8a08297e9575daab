// Mixture and point-set toys, makeToy's dispatch, and diameter(). The built-ins live in
// toy_builtin.cpp, the file formats in toy_io.cpp.
#include "core/data/toy.h"
#include "core/data/toy_detail.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>
#include <utility>

namespace ss::data {

namespace detail {
at::Generator seededGenerator(uint64_t seed) { return at::detail::createCPUGenerator(seed); }
}  // namespace detail

namespace {

const torch::TensorOptions kF64 = torch::TensorOptions().dtype(torch::kFloat64);

// Σ_k w_k N(μ_k, s_k² I): component by multinomial draw, then the Gaussian. Colour is the
// angle of the point's component mean about the mixture's mean, in turns (per component,
// so no blob is split where the angle wraps).
class MixtureToy final : public ToyDistribution {
 public:
  MixtureToy(std::string name, std::string description, GaussianMixture gm)
      : m_name(std::move(name)), m_description(std::move(description)), m_gm(std::move(gm)) {
    auto c = m_gm.means - (m_gm.weights.unsqueeze(1) * m_gm.means).sum(0);
    m_colour = (torch::atan2(c.select(1, 1), c.select(1, 0)) / (2.0 * M_PI) + 0.5)
                   .clamp(0.0, 1.0)
                   .to(torch::kFloat32);
  }

  std::string name() const override { return m_name; }
  std::string description() const override { return m_description; }
  int numClasses() const override { return static_cast<int>(m_gm.size()); }
  std::optional<GaussianMixture> mixture() const override { return m_gm; }

  ToySample sample(int64_t n, uint64_t seed) const override {
    n = std::max<int64_t>(n, 0);
    if (n == 0) return {torch::zeros({0, 2}), torch::zeros({0}, torch::kLong), torch::zeros({0})};
    at::Generator g = detail::seededGenerator(seed);
    auto k = torch::multinomial(m_gm.weights, n, /*replacement=*/true, g);
    auto x = m_gm.means.index_select(0, k) +
             m_gm.stds.index_select(0, k).unsqueeze(1) * torch::randn({n, 2}, g, kF64);
    return {x.to(torch::kFloat32), k, m_colour.index_select(0, k)};
  }

 private:
  std::string m_name, m_description;
  GaussianMixture m_gm;
  torch::Tensor m_colour;  // [K] float32
};

// A finite point set: n ≤ M draws n distinct rows (the first n of a seeded permutation),
// n > M draws n rows uniformly with replacement. Colour is the row's position in the set;
// the label is the file's third column (0 without one).
class PointSetToy final : public ToyDistribution {
 public:
  PointSetToy(std::string name, const std::string& path, torch::Tensor points, torch::Tensor labels)
      : m_name(std::move(name)), m_points(std::move(points)), m_labels(std::move(labels)) {
    m_classes = m_labels.numel() > 0 ? static_cast<int>(m_labels.max().item<int64_t>()) + 1 : 1;
    std::ostringstream s;
    s << m_points.size(0) << " points from " << path
      << "; a draw of n <= M points takes n distinct rows (seeded permutation), larger draws "
         "take rows with replacement; colour = row position";
    if (m_classes > 1) s << "; label = the third column (" << m_classes << " classes)";
    m_description = s.str();
  }

  std::string name() const override { return m_name; }
  std::string description() const override { return m_description; }
  int numClasses() const override { return m_classes; }
  std::optional<torch::Tensor> points() const override { return m_points; }
  std::optional<torch::Tensor> pointLabels() const override { return m_labels; }

  ToySample sample(int64_t n, uint64_t seed) const override {
    n = std::max<int64_t>(n, 0);
    const int64_t m = m_points.size(0);
    at::Generator g = detail::seededGenerator(seed);
    auto idx = n <= m ? torch::randperm(m, g, torch::kLong).narrow(0, 0, n)
                      : torch::randint(0, m, {n}, g, torch::kLong);
    auto colour = idx.to(torch::kFloat32) / static_cast<float>(std::max<int64_t>(m - 1, 1));
    return {m_points.index_select(0, idx), m_labels.index_select(0, idx), colour};
  }

 private:
  std::string m_name, m_description;
  torch::Tensor m_points;
  torch::Tensor m_labels;  // [M] int64
  int m_classes = 1;
};

std::string lowercaseExtension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

std::string fileName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

}  // namespace

namespace detail {
std::shared_ptr<const ToyDistribution> makeMixtureToy(std::string name, std::string description,
                                                      GaussianMixture gm) {
  return std::make_shared<MixtureToy>(std::move(name), std::move(description), std::move(gm));
}
}  // namespace detail

Expected<std::shared_ptr<const ToyDistribution>> makeToy(const std::string& nameOrFile) {
  if (auto toy = detail::makeBuiltinToy(nameOrFile)) return toy;

  const std::string ext = lowercaseExtension(nameOrFile);
  if (ext == ".json") {
    auto gm = loadMixtureJson(nameOrFile);
    if (!gm) return gm.error();
    std::ostringstream s;
    s << "Gaussian mixture from " << nameOrFile << ": " << gm.value().size()
      << " components; label = component";
    std::shared_ptr<const ToyDistribution> toy =
        std::make_shared<MixtureToy>(fileName(nameOrFile), s.str(), std::move(gm.value()));
    return toy;
  }
  if (ext == ".csv") {
    torch::Tensor labels;
    auto pts = loadPointsCsv(nameOrFile, &labels);
    if (!pts) return pts.error();
    std::shared_ptr<const ToyDistribution> toy = std::make_shared<PointSetToy>(
        fileName(nameOrFile), nameOrFile, std::move(pts.value()), std::move(labels));
    return toy;
  }

  // A path (a folder, a file) that is not there is named as such, not as an unknown toy.
  std::error_code ec;
  const bool pathLike = nameOrFile.find('/') != std::string::npos || ext == ".json" ||
                        ext == ".csv" || nameOrFile.starts_with("~");
  if (pathLike && !std::filesystem::exists(nameOrFile, ec))
    return Error{"no such file or folder: " + nameOrFile};

  std::ostringstream s;
  s << "unknown toy '" << nameOrFile << "': expected one of ";
  const auto names = builtinToyNames();
  for (size_t i = 0; i < names.size(); ++i) s << (i ? ", " : "") << names[i];
  s << ", or a path to a Gaussian mixture .json or a point .csv";
  return Error{s.str()};
}

double diameter(const torch::Tensor& x) {
  constexpr int64_t kExact = 4096;  // points compared pairwise
  constexpr int64_t kRows = 512;    // cdist rows per chunk: kRows × kExact × 8 bytes
  if (x.dim() == 0 || x.size(0) < 2) return 0.0;
  auto p = x.detach().to(torch::kCPU, torch::kFloat64).reshape({x.size(0), -1});
  const int64_t m = p.size(0), d = p.size(1);

  if (m > kExact) {
    // A seeded subsample, plus the extreme points along a few directions so that the
    // estimate rarely misses the true extent (it can only under-estimate).
    torch::Tensor dirs;
    if (d == 2) {
      auto angle = torch::arange(8, kF64) * (M_PI / 8.0);
      dirs = torch::stack({torch::cos(angle), torch::sin(angle)}, 1);
    } else {
      dirs = torch::eye(std::min<int64_t>(d, 64), d, kF64);
    }
    auto proj = p.matmul(dirs.t());
    auto extremes = torch::cat({proj.argmax(0), proj.argmin(0)});
    at::Generator g = detail::seededGenerator(0);
    auto random = torch::randperm(m, g, torch::kLong).narrow(0, 0, kExact - extremes.size(0));
    p = p.index_select(0, std::get<0>(torch::_unique(torch::cat({extremes, random}))));
  }

  double best = 0.0;
  for (int64_t i = 0; i < p.size(0); i += kRows) {
    auto rows = p.narrow(0, i, std::min(kRows, p.size(0) - i));
    best = std::max(best, torch::cdist(rows, p).max().item<double>());
  }
  return best;
}

}  // namespace ss::data
