// The built-in 2D toys. Every sampler draws in float64 from one seeded CPU generator, in a
// fixed order, so a (n, seed) pair gives the same points on every run and machine; all fit
// in about [-2.5, 2.5]² so one default view shows them.
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <functional>
#include <utility>

#include "core/data/toy.h"
#include "core/data/toy_detail.h"

namespace ss::data {

namespace {

constexpr double kPi = M_PI;
const torch::TensorOptions kF64 = torch::TensorOptions().dtype(torch::kFloat64);
const torch::TensorOptions kI64 = torch::TensorOptions().dtype(torch::kLong);

using Generator = at::Generator;

ToySample finish(const torch::Tensor& x, const torch::Tensor& label, const torch::Tensor& colour) {
  return {x.to(torch::kFloat32).contiguous(), label.to(torch::kLong).contiguous(),
          colour.clamp(0.0, 1.0).to(torch::kFloat32).contiguous()};
}

torch::Tensor noise(int64_t n, double std, Generator& g) {
  return std * torch::randn({n, 2}, g, kF64);
}

torch::Tensor onCircle(const torch::Tensor& r, const torch::Tensor& theta) {
  return torch::stack({r * torch::cos(theta), r * torch::sin(theta)}, 1);
}

// n draws from the categorical distribution `probs` (float64 [K]).
torch::Tensor categorical(const torch::Tensor& probs, int64_t n, Generator& g) {
  if (n == 0) return torch::zeros({0}, kI64);
  return torch::multinomial(probs, n, /*replacement=*/true, g);
}

class ProceduralToy final : public ToyDistribution {
 public:
  using Sampler = std::function<ToySample(int64_t n, Generator& g)>;
  ProceduralToy(std::string name, std::string description, int numClasses, Sampler sampler)
      : m_name(std::move(name)),
        m_description(std::move(description)),
        m_numClasses(numClasses),
        m_sampler(std::move(sampler)) {}

  std::string name() const override { return m_name; }
  std::string description() const override { return m_description; }
  int numClasses() const override { return m_numClasses; }
  ToySample sample(int64_t n, uint64_t seed) const override {
    Generator g = detail::seededGenerator(seed);
    return m_sampler(std::max<int64_t>(n, 0), g);
  }

 private:
  std::string m_name, m_description;
  int m_numClasses;
  Sampler m_sampler;
};

ToySample sampleMoons(int64_t n, Generator& g) {
  auto label = torch::randint(0, 2, {n}, g, kI64);
  auto u = torch::rand({n}, g, kF64);
  auto theta = u * kPi;
  auto outer = label == 0;
  // sklearn's make_moons, then centred on (0.5, 0.25) and scaled by 4/3.
  auto x = torch::where(outer, torch::cos(theta), 1.0 - torch::cos(theta));
  auto y = torch::where(outer, torch::sin(theta), 0.5 - torch::sin(theta));
  const double k = 4.0 / 3.0;
  auto p = torch::stack({(x - 0.5) * k, (y - 0.25) * k}, 1) + noise(n, 0.05, g);
  return finish(p, label, u);
}

ToySample sampleSwissRoll(int64_t n, Generator& g) {
  auto u = torch::rand({n}, g, kF64);
  auto t = 1.5 * kPi * (1.0 + 2.0 * u);
  const double k = 2.5 / (4.5 * kPi);
  auto p = onCircle(t, t) * k + noise(n, 0.05, g);
  return finish(p, torch::zeros({n}, kI64), u);
}

ToySample sampleCircles(int64_t n, Generator& g) {
  auto label = torch::randint(0, 2, {n}, g, kI64);
  auto u = torch::rand({n}, g, kF64);
  auto p = onCircle(1.0 + label.to(torch::kFloat64), 2.0 * kPi * u) + noise(n, 0.05, g);
  return finish(p, label, u);
}

ToySample sampleRings(int64_t n, Generator& g) {
  // Radii 0.5, 1, 1.5, 2 with mass proportional to circumference.
  auto label = categorical(torch::tensor({0.1, 0.2, 0.3, 0.4}, kF64), n, g);
  auto u = torch::rand({n}, g, kF64);
  auto p = onCircle(0.5 * (1.0 + label.to(torch::kFloat64)), 2.0 * kPi * u) + noise(n, 0.03, g);
  return finish(p, label, u);
}

ToySample sampleCheckerboard(int64_t n, Generator& g) {
  // Dark square k (0..7): row j = k / 2, column i = 2 (k mod 2) + (j mod 2), so i + j is
  // even; square (i, j) covers [-2 + i, -1 + i] × [-2 + j, -1 + j].
  auto label = torch::randint(0, 8, {n}, g, kI64);
  auto j = torch::div(label, 2, "floor");
  auto i = 2 * torch::remainder(label, 2) + torch::remainder(j, 2);
  auto u = torch::rand({n, 2}, g, kF64);
  auto corner = torch::stack({i, j}, 1).to(torch::kFloat64) - 2.0;
  auto p = corner + u;
  auto colour = (p.select(1, 0) + p.select(1, 1) + 4.0) / 8.0;
  return finish(p, label, colour);
}

ToySample samplePinwheel(int64_t n, Generator& g) {
  // Johnson et al. (2016) / FFJORD: radial feature 1 + 0.3 z, tangential 0.1 z, arm k
  // rotated by 2πk/5 + 0.25·exp(radial), then scaled by 1.25.
  auto label = torch::randint(0, 5, {n}, g, kI64);
  auto z = torch::randn({n, 2}, g, kF64);
  auto radial = 1.0 + 0.3 * z.select(1, 0);
  auto tangential = 0.1 * z.select(1, 1);
  auto angle = 2.0 * kPi / 5.0 * label.to(torch::kFloat64) + 0.25 * torch::exp(radial);
  auto c = torch::cos(angle), s = torch::sin(angle);
  auto p = 1.25 * torch::stack({radial * c + tangential * s, -radial * s + tangential * c}, 1);
  return finish(p, label, (radial - 0.1) / 1.8);
}

ToySample sampleSpirals(int64_t n, Generator& g) {
  auto label = torch::randint(0, 2, {n}, g, kI64);
  auto u = torch::sqrt(torch::rand({n}, g, kF64));  // position along the arm
  auto theta = 3.0 * kPi * u;
  const double k = 2.5 / (3.0 * kPi);
  auto sign = (1 - 2 * label).to(torch::kFloat64).unsqueeze(1);
  auto arm = torch::stack({-theta * torch::cos(theta), theta * torch::sin(theta)}, 1) * k;
  auto p = arm * sign + noise(n, 0.05, g);
  return finish(p, label, u);
}

GaussianMixture eightGaussians() {
  auto angle = torch::arange(8, kF64) * (kPi / 4.0);
  return {torch::full({8}, 1.0 / 8.0, kF64), onCircle(torch::full({8}, 2.0, kF64), angle),
          torch::full({8}, 0.1, kF64)};
}

GaussianMixture twentyFiveGaussians() {
  auto grid = torch::arange(-2, 3, kF64);
  auto mesh = torch::meshgrid({grid, grid}, "ij");
  auto means = torch::stack({mesh[0].reshape({-1}), mesh[1].reshape({-1})}, 1);
  return {torch::full({25}, 1.0 / 25.0, kF64), means, torch::full({25}, 0.05, kF64)};
}

struct Builtin {
  const char* name;
  std::function<std::shared_ptr<const ToyDistribution>()> make;
};

std::shared_ptr<const ToyDistribution> procedural(const char* name, const char* description,
                                                  int numClasses, ProceduralToy::Sampler s) {
  return std::make_shared<ProceduralToy>(name, description, numClasses, std::move(s));
}

const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> kBuiltins = {
      {"8gaussians",
       [] {
         return detail::makeMixtureToy(
             "8gaussians",
             "8 equal isotropic Gaussians, means on the circle of radius 2 at angles k*pi/4, "
             "std 0.1; label = component",
             eightGaussians());
       }},
      {"25gaussians",
       [] {
         return detail::makeMixtureToy(
             "25gaussians",
             "25 equal isotropic Gaussians on the 5x5 grid {-2,-1,0,1,2}^2, std 0.05; "
             "label = component",
             twentyFiveGaussians());
       }},
      {"moons",
       [] {
         return procedural("moons",
                           "two interleaving half circles (sklearn make_moons) centred and "
                           "scaled by 4/3 to x in [-2,2], y in [-1,1], noise std 0.05; "
                           "label = moon, colour = angle along it",
                           2, sampleMoons);
       }},
      {"swissroll",
       [] {
         return procedural("swissroll",
                           "2D swiss roll t(cos t, sin t), t = 1.5pi(1 + 2u), scaled by "
                           "2.5/(4.5pi) into [-2.5,2.5]^2, noise std 0.05; colour = u, the "
                           "position along the roll",
                           1, sampleSwissRoll);
       }},
      {"circles",
       [] {
         return procedural("circles",
                           "two concentric circles of radii 1 and 2, equal mass, noise std "
                           "0.05; label = circle, colour = angle",
                           2, sampleCircles);
       }},
      {"rings",
       [] {
         return procedural("rings",
                           "four concentric rings of radii 0.5, 1, 1.5, 2, mass proportional "
                           "to circumference, noise std 0.03; label = ring, colour = angle",
                           4, sampleRings);
       }},
      {"checkerboard",
       [] {
         return procedural("checkerboard",
                           "uniform on the 8 dark squares of a 4x4 checkerboard over "
                           "[-2,2]^2 (unit squares, (-2,-2) corner dark); label = square, "
                           "colour = (x + y + 4)/8",
                           8, sampleCheckerboard);
       }},
      {"pinwheel",
       [] {
         return procedural("pinwheel",
                           "5 arms, radial std 0.3 about 1, tangential std 0.1, rate 0.25, "
                           "scaled by 1.25 (about [-2.5,2.5]^2); label = arm, colour = "
                           "radial position",
                           5, samplePinwheel);
       }},
      {"spirals",
       [] {
         return procedural("spirals",
                           "two interleaved spirals theta(-cos theta, sin theta), theta = "
                           "3pi sqrt(u), scaled by 2.5/(3pi), the second mirrored through "
                           "the origin, noise std 0.05; label = spiral, colour = sqrt(u)",
                           2, sampleSpirals);
       }},
  };
  return kBuiltins;
}

}  // namespace

namespace detail {
std::shared_ptr<const ToyDistribution> makeBuiltinToy(const std::string& name) {
  for (const auto& b : builtins())
    if (name == b.name) return b.make();
  return nullptr;
}
}  // namespace detail

std::vector<std::string> builtinToyNames() {
  std::vector<std::string> names;
  for (const auto& b : builtins()) names.emplace_back(b.name);
  return names;
}

}  // namespace ss::data
