// Tests of core/nn (net_config.h, score_net.h): config validation and its JSON round trip,
// the MLP (shape, seeding, the Fourier buffer), deep copies, s = net/σ(t) for VP and VE,
// NetScoreFn, and the U-Net's shapes, gradients and size. Small batches: the U-Net tests
// run forward and backward on the CPU in well under a second each.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <iostream>
#include <memory>
#include <string>

#include "core/common/error.h"
#include "core/nn/net_config.h"
#include "core/nn/score_net.h"
#include "core/sde/sde.h"
#include "core/sde/sde_config.h"

namespace {

using ss::nn::NetConfig;
using ss::nn::NetKind;

NetConfig mlpConfig() { return NetConfig{}; }

NetConfig unetConfig(int channels, int size) {
  NetConfig c;
  c.kind = NetKind::UNet;
  c.unet.channels = channels;
  c.unet.size = size;
  return c;
}

// A U-Net small enough for quick copy tests.
NetConfig tinyUNetConfig() {
  NetConfig c = unetConfig(1, 8);
  c.unet.baseChannels = 8;
  c.unet.groups = 4;
  c.unet.multipliers = {1, 2};
  c.unet.timeFeatures = 8;
  return c;
}

std::shared_ptr<const ss::sde::Sde> makeSde(ss::sde::SdeKind kind) {
  ss::sde::SdeConfig c;
  c.kind = kind;
  if (kind == ss::sde::SdeKind::VE) c.sigmaMax = 5.0;
  return ss::sde::Sde::create(c);
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// The error message of an invalid config after `edit`.
template <class Edit>
std::string invalidBecause(NetConfig c, Edit edit) {
  edit(c);
  return ss::messageOf(c.validate());
}

torch::Tensor sampleX(int64_t b, int64_t dim) { return torch::randn({b, dim}); }
torch::Tensor sampleT(int64_t b) { return torch::rand({b}) * 0.98 + 0.01; }

// ---- NetConfig -------------------------------------------------------------------------

TEST(NetConfig, DefaultsAreValid) {
  EXPECT_EQ(ss::messageOf(mlpConfig().validate()), "");
  EXPECT_EQ(ss::messageOf(unetConfig(1, 28).validate()), "");
  EXPECT_EQ(ss::messageOf(unetConfig(3, 32).validate()), "");
}

TEST(NetConfig, ValidationNamesTheField) {
  const NetConfig m = mlpConfig();
  const std::string width = invalidBecause(m, [](NetConfig& c) { c.mlp.width = 0; });
  EXPECT_EQ(width, "mlp.width (0) must be positive");
  EXPECT_TRUE(contains(invalidBecause(m, [](NetConfig& c) { c.mlp.depth = 0; }), "mlp.depth"));
  EXPECT_TRUE(contains(invalidBecause(m, [](NetConfig& c) { c.mlp.dim = -1; }), "mlp.dim"));
  EXPECT_TRUE(contains(invalidBecause(m, [](NetConfig& c) { c.mlp.timeFeatures = 31; }),
                       "mlp.time_features (31) must be even"));
  EXPECT_TRUE(
      contains(invalidBecause(m, [](NetConfig& c) { c.mlp.timeScale = 0; }), "mlp.time_scale"));
  EXPECT_TRUE(
      contains(invalidBecause(m, [](NetConfig& c) { c.mlp.xFeatures = 5; }), "mlp.x_features"));
  EXPECT_EQ(invalidBecause(m, [](NetConfig& c) { c.mlp.xFeatures = 16; }), "");

  const NetConfig u = unetConfig(1, 28);
  EXPECT_TRUE(
      contains(invalidBecause(u, [](NetConfig& c) { c.unet.channels = 2; }), "unet.channels (2)"));
  EXPECT_TRUE(contains(invalidBecause(u, [](NetConfig& c) { c.unet.size = 30; }),
                       "unet.size (30) must be divisible by 2^(levels - 1) = 4"));
  EXPECT_TRUE(contains(invalidBecause(u,
                                      [](NetConfig& c) {
                                        c.unet.multipliers = {1, 2, 2, 2};
                                      }),
                       "unet.size (28)"));
  EXPECT_TRUE(contains(invalidBecause(u, [](NetConfig& c) { c.unet.multipliers = {}; }),
                       "unet.multipliers"));
  EXPECT_TRUE(contains(invalidBecause(u,
                                      [](NetConfig& c) {
                                        c.unet.multipliers = {1, 0};
                                      }),
                       "unet.multipliers[1] (0)"));
  EXPECT_TRUE(contains(invalidBecause(u, [](NetConfig& c) { c.unet.baseChannels = 30; }),
                       "unet.base_channels (30) must be divisible by unet.groups (8)"));
  EXPECT_TRUE(contains(invalidBecause(u, [](NetConfig& c) { c.unet.groups = 0; }), "unet.groups"));
  EXPECT_TRUE(contains(invalidBecause(u, [](NetConfig& c) { c.unet.timeFeatures = 0; }),
                       "unet.time_features"));
  // Only the active network is checked: a broken U-Net draft does not block the MLP.
  NetConfig both = mlpConfig();
  both.unet.channels = 2;
  EXPECT_EQ(ss::messageOf(both.validate()), "");
  NetConfig bad = mlpConfig();
  bad.mlp.width = 0;
  EXPECT_THROW(ss::nn::makeNet(bad, 0), ss::Failure);
}

TEST(NetConfig, JsonRoundTrip) {
  NetConfig c;
  c.kind = NetKind::UNet;
  c.mlp = {3, 64, 5, 16, 8.5, 12, 0.75};
  c.unet.channels = 3;
  c.unet.size = 32;
  c.unet.baseChannels = 48;
  c.unet.multipliers = {1, 2, 3, 4};
  c.unet.groups = 16;
  c.unet.timeFeatures = 32;
  c.unet.timeScale = 0.1 + 0.2;  // not exactly representable: the dump must keep every bit
  auto back = NetConfig::fromJson(c.toJson());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(back.value() == c);
  const auto& b = back.value();
  EXPECT_EQ(b.kind, NetKind::UNet);
  EXPECT_EQ(b.mlp.dim, 3);
  EXPECT_EQ(b.mlp.width, 64);
  EXPECT_EQ(b.mlp.depth, 5);
  EXPECT_EQ(b.mlp.timeFeatures, 16);
  EXPECT_EQ(b.mlp.timeScale, 8.5);
  EXPECT_EQ(b.mlp.xFeatures, 12);
  EXPECT_EQ(b.mlp.xScale, 0.75);
  EXPECT_EQ(b.unet.multipliers, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(b.unet.baseChannels, 48);
  EXPECT_EQ(b.unet.groups, 16);
  EXPECT_EQ(b.unet.timeScale, 0.1 + 0.2);
  EXPECT_TRUE(NetConfig::fromJson(mlpConfig().toJson()).value() == mlpConfig());
}

TEST(NetConfig, JsonMissingFieldsTakeDefaults) {
  auto c = NetConfig::fromJson(R"({"mlp": {"width": 256}})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  NetConfig expected;
  expected.mlp.width = 256;
  EXPECT_TRUE(c.value() == expected);
  auto u = NetConfig::fromJson(R"({"kind": "unet", "unet": {"channels": 3, "size": 32.0}})");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u.value().kind, NetKind::UNet);
  EXPECT_EQ(u.value().unet.size, 32);
  EXPECT_EQ(u.value().unet.multipliers, ss::nn::UNetConfig{}.multipliers);
  EXPECT_TRUE(NetConfig::fromJson("{}").ok());
}

TEST(NetConfig, JsonErrorsAreClear) {
  auto expectError = [](const std::string& json, const std::string& part) {
    auto r = NetConfig::fromJson(json);
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_TRUE(contains(r.error().message, part)) << r.error().message;
  };
  expectError("{not json", "not valid JSON");
  expectError("", "not valid JSON");
  expectError("[1, 2]", "expected a JSON object");
  expectError(R"({"kind": "transformer"})", "kind: unknown network kind 'transformer'");
  expectError(R"({"kind": 3})", "kind must be a string");
  expectError(R"({"mlp": {"width": "wide"}})", "mlp.width must be an integer");
  expectError(R"({"mlp": {"width": 1.5}})", "mlp.width must be an integer");
  expectError(R"({"mlp": {"width": 1e12}})", "out of range");
  expectError(R"({"mlp": {"time_scale": "big"}})", "mlp.time_scale must be a number");
  expectError(R"({"mlp": 7})", "mlp must be an object");
  expectError(R"({"unet": {"multipliers": 2}})", "unet.multipliers must be an array");
  expectError(R"({"kind": "unet", "unet": {"multipliers": [1, "x"]}})", "unet.multipliers[1]");
  // Well-formed but invalid: validate()'s message.
  expectError(R"({"mlp": {"width": 0}})", "mlp.width (0) must be positive");
}

// ---- MLP -------------------------------------------------------------------------------

TEST(MlpNet, OutputShapeAndFinite) {
  auto net = ss::nn::makeNet(mlpConfig(), 1);
  auto out = net->forward(sampleX(64, 2), sampleT(64));
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{64, 2}));
  EXPECT_EQ(out.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
  // A scalar t is shared by the batch.
  auto x = sampleX(4, 2);
  auto shared = net->forward(x, torch::tensor(0.5f));
  EXPECT_TRUE(torch::allclose(shared, net->forward(x, torch::full({4}, 0.5f))));
}

TEST(MlpNet, XFourierFeaturesAndOtherDims) {
  NetConfig c;
  c.mlp.dim = 5;
  c.mlp.xFeatures = 16;
  c.mlp.depth = 2;
  auto net = ss::nn::makeNet(c, 3);
  auto out = net->forward(sampleX(8, 5), sampleT(8));
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{8, 5}));
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
  const auto buffers = net->named_buffers();
  ASSERT_TRUE(buffers.contains("x_W"));
  EXPECT_EQ(buffers["x_W"].sizes(), (std::vector<int64_t>{5, 8}));
}

TEST(MlpNet, SameSeedSameNetworkDifferentSeedDifferent) {
  auto x = sampleX(16, 2);
  auto t = sampleT(16);
  auto a = ss::nn::makeNet(mlpConfig(), 7);
  torch::manual_seed(12345);  // the global RNG must not matter
  auto b = ss::nn::makeNet(mlpConfig(), 7);
  auto c = ss::nn::makeNet(mlpConfig(), 8);
  EXPECT_TRUE(torch::equal(a->forward(x, t), b->forward(x, t)));
  EXPECT_FALSE(torch::allclose(a->forward(x, t), c->forward(x, t)));
  const auto pa = a->named_parameters(), pb = b->named_parameters(), pc = c->named_parameters();
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_TRUE(torch::equal(pa[i].value(), pb[i].value())) << pa[i].key();
    EXPECT_FALSE(torch::equal(pa[i].value(), pc[i].value())) << pa[i].key();
  }
}

TEST(MlpNet, FourierWeightsAreABufferNotAParameter) {
  NetConfig c;
  c.mlp.timeFeatures = 32;
  c.mlp.timeScale = 16.0;
  auto net = ss::nn::makeNet(c, 0);
  const auto buffers = net->named_buffers();
  ASSERT_TRUE(buffers.contains("time_W"));
  const auto W = buffers["time_W"];
  EXPECT_EQ(W.sizes(), (std::vector<int64_t>{16}));
  EXPECT_FALSE(W.requires_grad());
  EXPECT_FALSE(net->named_parameters().contains("time_W"));
  for (const auto& p : net->parameters()) EXPECT_FALSE(p.is_same(W));
  // W ~ N(0, 16²): its spread is of order 16, not 1.
  EXPECT_GT(W.abs().max().item<double>(), 4.0);
  // Parameters: depth hidden Linear layers + the output layer.
  EXPECT_EQ(ss::nn::parameterCount(*net),
            (2 + 32) * 128 + 128 + 2 * (128 * 128 + 128) + 128 * 2 + 2);
}

// ---- copies ----------------------------------------------------------------------------

void expectIndependentClone(const NetConfig& config, const torch::Tensor& x,
                            const torch::Tensor& t) {
  auto source = ss::nn::makeNet(config, 11);
  auto copy = ss::nn::cloneNet(*source, config);
  const auto before = source->forward(x, t).detach().clone();
  EXPECT_TRUE(torch::equal(copy->forward(x, t), before));
  const auto srcBuffers = source->named_buffers(), cpyBuffers = copy->named_buffers();
  ASSERT_EQ(srcBuffers.size(), cpyBuffers.size());
  for (size_t i = 0; i < srcBuffers.size(); ++i) {
    EXPECT_TRUE(torch::equal(srcBuffers[i].value(), cpyBuffers[i].value()));
    EXPECT_NE(srcBuffers[i].value().data_ptr(), cpyBuffers[i].value().data_ptr());
  }
  {
    torch::NoGradGuard noGrad;
    for (auto& p : copy->parameters()) p.add_(1.0);
    for (auto& b : copy->buffers()) b.mul_(2.0);
  }
  EXPECT_TRUE(torch::equal(source->forward(x, t), before));
  EXPECT_FALSE(torch::allclose(copy->forward(x, t), before));
  // copyWeights brings the copy back.
  ss::nn::copyWeights(*source, *copy);
  EXPECT_TRUE(torch::equal(copy->forward(x, t), before));
}

TEST(NetClone, MlpCopyIsEqualAndIndependent) {
  expectIndependentClone(mlpConfig(), sampleX(8, 2), sampleT(8));
}

TEST(NetClone, UNetCopyIsEqualAndIndependent) {
  expectIndependentClone(tinyUNetConfig(), torch::randn({2, 1, 8, 8}), sampleT(2));
}

TEST(NetClone, KeepsModeAndFrozenParameters) {
  auto source = ss::nn::makeNet(mlpConfig(), 2);
  source->eval();
  for (auto& p : source->parameters()) p.set_requires_grad(false);
  auto copy = ss::nn::cloneNet(*source, mlpConfig());
  EXPECT_FALSE(copy->is_training());
  for (const auto& p : copy->parameters()) EXPECT_FALSE(p.requires_grad());
}

TEST(NetCopyWeights, MismatchedArchitecturesThrow) {
  NetConfig wide = mlpConfig();
  wide.mlp.width = 64;
  NetConfig deep = mlpConfig();
  deep.mlp.depth = 4;
  auto a = ss::nn::makeNet(mlpConfig(), 0);
  auto b = ss::nn::makeNet(wide, 0);
  auto c = ss::nn::makeNet(deep, 0);
  try {
    ss::nn::copyWeights(*a, *b);
    FAIL() << "expected ss::Failure";
  } catch (const ss::Failure& e) {
    EXPECT_TRUE(contains(e.what(), "hidden0.weight")) << e.what();
    EXPECT_TRUE(contains(e.what(), "shape")) << e.what();
  }
  EXPECT_THROW(ss::nn::copyWeights(*a, *c), ss::Failure);
  EXPECT_THROW(ss::nn::copyWeights(*a, *ss::nn::makeNet(tinyUNetConfig(), 0)), ss::Failure);
}

// ---- score -----------------------------------------------------------------------------

void expectScoreIsForwardOverSigma(ss::sde::SdeKind kind) {
  auto sde = makeSde(kind);
  auto net = ss::nn::makeNet(mlpConfig(), 5);
  auto x = sampleX(32, 2);
  auto t = sampleT(32);
  auto s = ss::nn::scoreOf(*net, *sde, x, t);
  auto sigma = sde->marginal(t).sigma;
  auto expected = net->forward(x, t) / sigma.unsqueeze(1);
  EXPECT_EQ(s.sizes(), x.sizes());
  EXPECT_TRUE(torch::allclose(s, expected, 1e-6, 1e-6));
  // Row by row against the scalar schedule.
  for (int64_t i = 0; i < 4; ++i) {
    const double sig = ss::sde::marginal(sde->config(), t[i].item<double>()).sigma;
    auto row = net->forward(x.slice(0, i, i + 1), t.slice(0, i, i + 1))[0] / sig;
    EXPECT_TRUE(torch::allclose(s[i], row, 1e-4, 1e-5)) << "row " << i;
  }
}

TEST(NetScore, ScoreOfIsForwardOverSigmaVp) { expectScoreIsForwardOverSigma(ss::sde::SdeKind::VP); }
TEST(NetScore, ScoreOfIsForwardOverSigmaVe) { expectScoreIsForwardOverSigma(ss::sde::SdeKind::VE); }

TEST(NetScore, ScoreOfBroadcastsOverImageDims) {
  auto sde = makeSde(ss::sde::SdeKind::VE);
  auto net = ss::nn::makeNet(tinyUNetConfig(), 1);
  auto x = torch::randn({2, 1, 8, 8});
  auto t = torch::tensor({0.1f, 0.9f});
  auto s = ss::nn::scoreOf(*net, *sde, x, t);
  auto out = net->forward(x, t);
  auto sigma = sde->marginal(t).sigma;
  for (int64_t i = 0; i < 2; ++i) EXPECT_TRUE(torch::allclose(s[i], out[i] / sigma[i], 1e-5, 1e-6));
}

TEST(NetScoreFn, NoGradAndMatchesScoreOf) {
  auto sde = makeSde(ss::sde::SdeKind::VP);
  auto net = ss::nn::makeNet(mlpConfig(), 9);
  ss::nn::NetScoreFn fn(net, sde);
  EXPECT_EQ(fn.name(), "learned");
  auto x = sampleX(16, 2).requires_grad_(true);
  auto t = sampleT(16);
  auto s = fn(x, t);
  EXPECT_FALSE(s.requires_grad());
  EXPECT_FALSE(s.grad_fn());
  EXPECT_TRUE(torch::allclose(s, ss::nn::scoreOf(*net, *sde, x, t).detach()));
  // float64 in, float64 out (the network itself stays float32).
  auto s64 = fn(x.detach().to(torch::kFloat64), t.to(torch::kFloat64));
  EXPECT_EQ(s64.scalar_type(), torch::kFloat64);
  EXPECT_TRUE(torch::allclose(s64.to(torch::kFloat32), s, 1e-5, 1e-5));
  EXPECT_EQ(net->parameters().front().scalar_type(), torch::kFloat32);
}

// ---- U-Net -----------------------------------------------------------------------------

void checkUNetForwardBackward(int channels, int size) {
  auto net = ss::nn::makeNet(unetConfig(channels, size), 4);
  auto x = torch::randn({2, channels, size, size});
  auto t = torch::tensor({0.3f, 0.8f});
  auto out = net->forward(x, t);
  ASSERT_EQ(out.sizes(), x.sizes());
  ASSERT_TRUE(torch::isfinite(out).all().item<bool>());
  (out - x).square().mean().backward();
  for (const auto& p : net->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    const auto& g = p.value().grad();
    EXPECT_TRUE(torch::isfinite(g).all().item<bool>()) << p.key();
    EXPECT_GT(g.abs().max().item<double>(), 0.0) << p.key();
  }
}

TEST(UNet, GreyForwardBackward28) { checkUNetForwardBackward(1, 28); }
TEST(UNet, RgbForwardBackward32) { checkUNetForwardBackward(3, 32); }

TEST(UNet, DefaultParameterCount) {
  for (int channels : {1, 3}) {
    const auto net = ss::nn::makeNet(unetConfig(channels, channels == 1 ? 28 : 32), 0);
    const int64_t n = ss::nn::parameterCount(*net);
    std::cout << "[ U-Net    ] default, " << channels << " channel(s): " << n << " parameters\n";
    EXPECT_GE(n, 800'000);
    EXPECT_LE(n, 2'500'000);
  }
}

TEST(UNet, SameSeedSameNetwork) {
  auto x = torch::randn({2, 1, 8, 8});
  auto t = sampleT(2);
  auto a = ss::nn::makeNet(tinyUNetConfig(), 3);
  auto b = ss::nn::makeNet(tinyUNetConfig(), 3);
  auto c = ss::nn::makeNet(tinyUNetConfig(), 4);
  EXPECT_TRUE(torch::equal(a->forward(x, t), b->forward(x, t)));
  EXPECT_FALSE(torch::equal(a->forward(x, t), c->forward(x, t)));
}

}  // namespace
