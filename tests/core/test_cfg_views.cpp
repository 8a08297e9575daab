// Classifier-free guidance in the views' workers (core/scene/cfg_views.h): a run with
// RunRequest::classifierFree samples the asked component of a mixture by its exact scores
// and refuses data without them; FieldRequest::cfgClass turns the exact field into the exact
// CFG field and a class-conditional model's learned field into its CFG field.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "core/data/toy.h"
#include "core/nn/score_net.h"
#include "core/scene/run_worker.h"
#include "core/scene/vector_field.h"
#include "core/score/cfg_score.h"
#include "core/sde/sde.h"
#include "core/train/snapshot.h"

namespace {

using namespace std::chrono_literals;
using namespace ss;

// The field's grid points: cell centres, rows from ymin up (vector_field.cpp's layout).
torch::Tensor cellCentres(const scene::FieldRequest& r) {
  std::vector<float> xy;
  for (int j = 0; j < r.ny; ++j)
    for (int i = 0; i < r.nx; ++i) {
      xy.push_back(r.bounds[0] + (i + 0.5f) * (r.bounds[2] - r.bounds[0]) / r.nx);
      xy.push_back(r.bounds[1] + (j + 0.5f) * (r.bounds[3] - r.bounds[1]) / r.ny);
    }
  return torch::tensor(xy).view({-1, 2});
}

torch::Tensor asTensor(const std::vector<float>& v) { return torch::tensor(v).view({-1, 2}); }

scene::FieldRequest fieldRequest() {
  scene::FieldRequest r;
  r.exact = true;
  r.data = "8gaussians";
  r.t = 0.3;
  r.bounds = {-3, -3, 3, 3};
  r.nx = r.ny = 10;
  r.cfgClass = 3;
  r.cfgScale = 2.5;
  return r;
}

TEST(CfgViews, TheExactFieldIsTheExactCfgField) {
  const auto r = fieldRequest();
  scene::FieldWorker w;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(60s));
  ASSERT_EQ(w.lastError(), "");
  const auto gm = *data::makeToy("8gaussians").value()->mixture();
  auto cfg = score::exactCfgScore(gm, sde::Sde::create(r.sde), 3, 2.5);
  auto x = cellCentres(r).to(torch::kFloat64);
  auto expected = (*cfg)(x, torch::full({x.size(0)}, r.t, torch::kFloat64)).to(torch::kFloat32);
  EXPECT_TRUE(torch::allclose(asTensor(w.latest()->exact), expected, 1e-4, 1e-4));
}

TEST(CfgViews, AClassConditionalModelsLearnedFieldIsItsCfgField) {
  nn::NetConfig net;
  net.mlp.width = 32;
  net.mlp.depth = 2;
  net.mlp.classes = 8;
  auto snap = std::make_shared<train::ModelSnapshot>();
  snap->ema = nn::makeNet(net, 4);
  snap->net = net;
  snap->sde = sde::Sde::create(sde::SdeConfig{});
  snap->data = "8gaussians";
  snap->step = 1;
  auto r = fieldRequest();
  r.exact = false;
  r.model = snap;
  scene::FieldWorker w;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(60s));
  ASSERT_EQ(w.lastError(), "");
  score::CfgScore cfg(snap->scoreFn(), std::make_shared<nn::ClassScoreFn>(snap->ema, snap->sde, 3),
                      3, 2.5);
  auto x = cellCentres(r);
  auto expected = cfg(x, torch::full({x.size(0)}, static_cast<float>(r.t)));
  EXPECT_TRUE(torch::allclose(asTensor(w.latest()->learned), expected, 1e-4, 1e-4));
  // The model's class 8 is its null class, not a class to guide toward.
  r.cfgClass = 8;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(60s));
  EXPECT_NE(w.lastError().find("outside the model's 8 classes"), std::string::npos)
      << w.lastError();
}

TEST(CfgViews, AClassifierFreeRunSamplesTheComponentAndNeedsExactScores) {
  scene::RunRequest r;
  r.mode = scene::RunMode::ReverseSde;
  r.data = "8gaussians";
  r.particles = 1000;
  r.sampler.steps = 200;
  r.guideClass = 5;
  r.guidance = 2.0;
  r.classifierFree = true;
  scene::RunWorker w;
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  ASSERT_EQ(w.lastError(), "");
  const auto& x = w.latest()->frames.back()->x;
  const auto gm = *data::makeToy("8gaussians").value()->mixture();
  auto d = torch::cdist(asTensor(x).to(torch::kFloat64), gm.means);
  EXPECT_GT((std::get<1>(d.min(1)) == 5).to(torch::kFloat64).mean().item<double>(), 0.97);
  r.data = "moons";  // no mixture and no model: no exact scores to guide with
  w.request(r);
  ASSERT_TRUE(w.waitIdle(120s));
  EXPECT_NE(w.lastError().find("classifier-free guidance needs"), std::string::npos)
      << w.lastError();
}

}  // namespace
