// Imported TorchScript score models (docs/MODEL_FORMAT.md): the exact mixture score saved in
// every output × time_input convention gives the same scores, samples and likelihoods as
// the exact score itself; bad files and metadata give messages that name the problem.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/likelihood/likelihood.h"
#include "core/model/model_export.h"
#include "core/model/model_import.h"
#include "core/sample/sampler.h"
#include "core/score/exact_score.h"
#include "core/train/model_open.h"
#include "core/train/snapshot.h"
#include "tests/common/script_models.h"

namespace fs = std::filesystem;
using ss::model::Output;
using ss::model::TimeInput;

namespace {

fs::path tempPath(const std::string& name) {
  return fs::temp_directory_path() /
         ("scorescope_import_" + std::to_string(::getpid()) + "_" + name);
}

ss::sde::SdeConfig vp() {
  ss::sde::SdeConfig c;
  return c;  // VP, β 0.1 → 20, ε = 1e-5
}

ss::data::GaussianMixture eightGaussians() {
  return ss::data::makeToy("8gaussians").take()->mixture().value();
}

// Saves the exact mixture module in these conventions and opens it as ScoreScope does.
std::shared_ptr<const ss::train::ModelSnapshot> openMixture(Output out, TimeInput ti) {
  auto m = ss::testing::mixtureModule(eightGaussians(), vp(), out, ti);
  const auto path = tempPath(ss::model::toString(out) + "_" + ss::model::toString(ti) + ".pt");
  ss::testing::saveWithMeta(m, path.string(), ss::testing::pointsMeta(out, ti));
  auto snap = ss::train::loadModelSnapshot(path.string(), "cpu");
  fs::remove(path);
  EXPECT_TRUE(snap.ok()) << ss::messageOf(snap);
  return snap.ok() ? snap.value() : nullptr;
}

double maxRel(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / (b.abs().max() + 1e-12)).item<double>();
}

struct Convention {
  Output out;
  TimeInput ti;
};

class EveryConvention : public ::testing::TestWithParam<Convention> {};

}  // namespace

TEST_P(EveryConvention, GivesTheExactScoreSamplesAndLikelihoods) {
  const auto [out, ti] = GetParam();
  auto snap = openMixture(out, ti);
  ASSERT_TRUE(snap);
  EXPECT_TRUE(snap->imported);
  EXPECT_EQ(snap->data, "8gaussians");
  const auto sde = snap->sde;
  auto exact = std::make_shared<ss::score::MixtureScore>(eightGaussians(), sde);
  auto imported = snap->scoreFn();

  torch::manual_seed(3);
  const auto x = torch::randn({256, 2}) * 2.0;
  for (double t : {1e-3, 0.05, 0.3, 0.7, 1.0}) {
    const auto tt = torch::full({256}, t);
    EXPECT_LT(maxRel((*imported)(x, tt), (*exact)(x, tt)), 2e-5) << "t = " << t;
  }

  // The same prior draw and noise: PC (Euler–Maruyama) and the PF-ODE end in the same place.
  for (const char* preset : {"pc", "euler"}) {
    auto cfg = ss::sample::samplerPreset(preset).take();
    cfg.steps = 200;
    const auto xT = ss::sample::SamplerRun::priorDraw(*sde, 512, {2}, 7);
    ss::sample::SamplerRun a(imported, sde, cfg, xT, 8), b(exact, sde, cfg, xT, 8);
    a.runToEnd();
    b.runToEnd();
    EXPECT_LT((a.result() - b.result()).abs().max().item<double>(), 2e-3) << preset;
  }

  const auto data = ss::data::makeToy("8gaussians").take()->sample(64, 9).x;
  const auto la = ss::likelihood::logLikelihood(*imported, *sde, data);
  const auto lb = ss::likelihood::logLikelihood(*exact, *sde, data);
  EXPECT_LT((la.logp - lb.logp).abs().max().item<double>(), 2e-3);
}

INSTANTIATE_TEST_SUITE_P(
    ModelImport, EveryConvention,
    ::testing::Values(Convention{Output::Score, TimeInput::T},
                      Convention{Output::Eps, TimeInput::T}, Convention{Output::X0, TimeInput::T},
                      Convention{Output::V, TimeInput::T}, Convention{Output::Eps, TimeInput::T999},
                      Convention{Output::Score, TimeInput::Sigma},
                      Convention{Output::X0, TimeInput::LogSigma},
                      Convention{Output::V, TimeInput::Sigma}),
    [](const auto& info) {
      return ss::model::toString(info.param.out) + "_" +
             (info.param.ti == TimeInput::T999 ? std::string("t999")
                                               : ss::model::toString(info.param.ti));
    });

// Our MLP written as TorchScript and opened again gives our own score (the module's forward,
// not the hand-written path), and PyTorch's view of the file has the metadata.
TEST(ModelExport, AnExportedMlpOpensWithTheSameScore) {
  auto snap = std::make_shared<ss::train::ModelSnapshot>();
  ss::nn::NetConfig net;
  net.mlp.width = 32;
  snap->ema = ss::nn::makeNet(net, 4);
  snap->ema->eval();
  snap->net = net;
  snap->sde = ss::sde::Sde::create(vp());
  snap->data = "moons";
  snap->step = 12;
  const auto path = tempPath("exported.pt");
  auto written = ss::model::exportModel(*snap, path.string(), "test model");
  ASSERT_TRUE(written.ok()) << ss::messageOf(written);
  auto opened = ss::train::loadModelSnapshot(path.string(), "cpu");
  ASSERT_TRUE(opened.ok()) << ss::messageOf(opened);
  EXPECT_EQ(opened.value()->meta->name, "test model");
  EXPECT_EQ(opened.value()->meta->output, Output::Eps);
  EXPECT_EQ(opened.value()->data, "moons");
  const ss::nn::NetScoreFn ours(snap->ema, snap->sde, /*fastPath=*/false);
  torch::manual_seed(5);
  const auto x = torch::randn({300, 2});
  for (double t : {1e-3, 0.2, 0.9}) {
    const auto tt = torch::full({300}, t);
    EXPECT_LT(maxRel((*opened.value()->scoreFn())(x, tt), ours(x, tt)), 1e-5) << t;
  }
  // An imported model is not exported again; a missing folder is refused.
  EXPECT_FALSE(ss::model::exportModel(*opened.value(), tempPath("again.pt").string()).ok());
  EXPECT_NE(
      ss::messageOf(ss::model::exportModel(*snap, "/nonexistent-dir/m.pt")).find("does not exist"),
      std::string::npos);
  fs::remove(path);
}

// Our U-Net written out as TorchScript (three resolutions: 28 → 14 → 7 and back) gives its
// own score, and opens as an image model.
TEST(ModelExport, AnExportedUNetOpensWithTheSameScore) {
  auto snap = std::make_shared<ss::train::ModelSnapshot>();
  ss::nn::NetConfig net;
  net.kind = ss::nn::NetKind::UNet;
  net.unet.baseChannels = 8;
  net.unet.groups = 4;
  net.unet.multipliers = {1, 2, 2};
  snap->ema = ss::nn::makeNet(net, 6);
  snap->ema->eval();
  snap->net = net;
  snap->sde = ss::sde::Sde::create(vp());
  snap->data = "fashion-mnist";
  snap->step = 3;
  auto scripted = ss::model::scriptedNet(*snap);
  ASSERT_TRUE(scripted.ok()) << ss::messageOf(scripted);
  torch::NoGradGuard noGrad;
  torch::manual_seed(6);
  const auto x = torch::rand({3, 1, 28, 28});
  const auto t = torch::tensor({0.01f, 0.4f, 0.95f});
  const auto ours = snap->ema->forward(x, t);
  const auto theirs = scripted.value().forward({x, t}).toTensor();
  EXPECT_LT(maxRel(-theirs, ours), 1e-5);  // the export returns ε = −out
}

// A preconditioned U-Net (EDM's σ_d) exported on each SDE whose a(t), σ(t) the export writes
// gives the score nn::scoreOf computes (its last layer scaled up so the network's term
// counts); on vp-cosine the export is refused by name.
TEST(ModelExport, APreconditionedUNetExportsItsScoreOnEverySde) {
  ss::nn::NetConfig net;
  net.kind = ss::nn::NetKind::UNet;
  net.unet.baseChannels = 8;
  net.unet.groups = 4;
  net.unet.multipliers = {1, 2};
  net.unet.sigmaData = ss::nn::kImageSigmaData;
  auto snap = std::make_shared<ss::train::ModelSnapshot>();
  snap->ema = ss::nn::makeNet(net, 7);
  snap->ema->eval();
  {
    torch::NoGradGuard noGrad;
    for (auto& p : snap->ema->named_parameters())
      if (p.key() == "conv_out.weight") p.value().mul_(100.0);
  }
  snap->net = net;
  snap->data = "fashion-mnist";
  torch::NoGradGuard noGrad;
  torch::manual_seed(7);
  const auto x = torch::rand({3, 1, 28, 28});
  const auto t = torch::tensor({0.01f, 0.4f, 0.9f});
  using ss::sde::SdeKind;
  for (auto kind : {SdeKind::VP, SdeKind::SubVP, SdeKind::VE, SdeKind::RF, SdeKind::VPCosine}) {
    auto c = vp();
    c.kind = kind;
    c.sigmaMax = 30.0;
    if (kind == SdeKind::RF) c.T = 0.999;
    snap->sde = ss::sde::Sde::create(c);
    auto scripted = ss::model::scriptedNet(*snap);
    if (kind == SdeKind::VPCosine) {
      EXPECT_NE(ss::messageOf(scripted).find("cannot be exported"), std::string::npos);
      continue;
    }
    ASSERT_TRUE(scripted.ok()) << ss::messageOf(scripted);
    const auto eps = scripted.value().forward({x, t}).toTensor();
    const auto sigma = snap->sde->marginal(t).sigma.view({-1, 1, 1, 1});
    const auto ours = ss::nn::scoreOf(*snap->ema, *snap->sde, x, t);
    EXPECT_LT(maxRel(-eps / sigma, ours), 1e-4) << ss::sde::toString(kind);
  }
}
