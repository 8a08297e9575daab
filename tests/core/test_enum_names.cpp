// Enum names written once (core/common/enum_names.h): the helper itself, and every core enum's
// names printing and parsing back.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/common/enum_names.h"
#include "core/kernels/cpu_isa.h"
#include "core/likelihood/likelihood.h"
#include "core/nn/net_config.h"
#include "core/sample/masks.h"
#include "core/sample/sampler_config.h"
#include "core/sde/sde_config.h"
#include "core/train/train_config.h"
#include "core/train/trainer.h"

namespace {

enum class Fruit { Apple, BloodOrange, Pear };
constexpr ss::EnumName<Fruit> kFruits[] = {{Fruit::Apple, "apple"},
                                           {Fruit::BloodOrange, "blood-orange"},
                                           {Fruit::Pear, "pear"},
                                           {Fruit::BloodOrange, "orange"}};  // an alias

TEST(EnumNames, PrintsTheFirstNameAndParsesAliases) {
  EXPECT_STREQ(ss::nameOf(kFruits, Fruit::BloodOrange), "blood-orange");
  EXPECT_STREQ(ss::nameOf(kFruits, static_cast<Fruit>(7)), "?");
  EXPECT_STREQ(ss::nameOf(kFruits, static_cast<Fruit>(7), "none"), "none");
  EXPECT_EQ(ss::namesOf(kFruits), "apple, blood-orange, pear");
  EXPECT_EQ(ss::namesOf(kFruits, " | "), "apple | blood-orange | pear");
  EXPECT_EQ(ss::parseName(kFruits, "orange", "fruit").value(), Fruit::BloodOrange);
  static_assert(ss::nameOf(kFruits, Fruit::Pear)[0] == 'p', "nameOf is constexpr");
}

TEST(EnumNames, UnknownNameNamesTheTextAndListsTheNames) {
  auto bad = ss::parseName(kFruits, "Kiwi", "fruit");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "unknown fruit 'Kiwi' (expected apple, blood-orange, pear)");
}

TEST(EnumNames, ExactOrLooseMatching) {
  EXPECT_FALSE(ss::parseName(kFruits, "Blood_Orange", "fruit").ok());
  EXPECT_EQ(ss::parseName(kFruits, "Blood_Orange", "fruit", ss::NameMatch::Loose).value(),
            Fruit::BloodOrange);
  EXPECT_EQ(ss::parseName(kFruits, "BLOOD orange", "fruit", ss::NameMatch::Loose).value(),
            Fruit::BloodOrange);
  auto bad = ss::parseName(kFruits, "Pears", "fruit", ss::NameMatch::Loose);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'Pears'"), std::string::npos);  // the text as given
}

// Every value prints a distinct name that parses back to it.
template <class E, class Print, class Parse>
void expectRoundTrip(const std::vector<E>& all, Print print, Parse parse) {
  std::vector<std::string> names;
  for (E e : all) {
    const std::string name = print(e);
    EXPECT_NE(name, "?");
    for (const auto& other : names) EXPECT_NE(name, other);
    names.push_back(name);
    auto back = parse(name);
    ASSERT_TRUE(back.ok()) << name << ": " << back.error().message;
    EXPECT_EQ(back.value(), e) << name;
  }
  auto bad = parse("no-such-name");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'no-such-name'"), std::string::npos);
  for (const auto& n : names)
    EXPECT_NE(bad.error().message.find(n), std::string::npos) << bad.error().message;
}

TEST(EnumNames, EveryCoreEnumRoundTrips) {
  using namespace ss;
  expectRoundTrip<sde::SdeKind>(
      {sde::SdeKind::VE, sde::SdeKind::VP, sde::SdeKind::SubVP},
      [](auto e) { return std::string(sde::toString(e)); }, sde::parseSdeKind);
  expectRoundTrip<train::Weighting>(
      {train::Weighting::Sigma2, train::Weighting::G2, train::Weighting::One},
      [](auto e) { return train::toString(e); }, train::parseWeighting);
  expectRoundTrip<train::Objective>(
      {train::Objective::Dsm, train::Objective::Ssm}, [](auto e) { return train::toString(e); },
      train::parseObjective);
  expectRoundTrip<nn::NetKind>(
      {nn::NetKind::Mlp, nn::NetKind::UNet}, [](auto e) { return nn::toString(e); },
      nn::parseNetKind);
  using sample::Predictor;
  expectRoundTrip<Predictor>(
      {Predictor::EulerMaruyama, Predictor::ReverseDiffusion, Predictor::Ancestral,
       Predictor::None},
      [](auto e) { return sample::toString(e); }, sample::parsePredictor);
  expectRoundTrip<sample::Corrector>(
      {sample::Corrector::Langevin, sample::Corrector::None},
      [](auto e) { return sample::toString(e); }, sample::parseCorrector);
  using sample::OdeSolver;
  expectRoundTrip<OdeSolver>(
      {OdeSolver::Euler, OdeSolver::Heun, OdeSolver::Rk4, OdeSolver::Rk45},
      [](auto e) { return sample::toString(e); }, sample::parseOdeSolver);
  using sample::MaskPreset;
  expectRoundTrip<MaskPreset>(
      {MaskPreset::LeftHalf, MaskPreset::RightHalf, MaskPreset::TopHalf, MaskPreset::BottomHalf,
       MaskPreset::CentreBox, MaskPreset::Random50, MaskPreset::EveryOtherRow},
      [](auto e) { return sample::toString(e); }, sample::parseMaskPreset);
  using likelihood::Divergence;
  expectRoundTrip<Divergence>(
      {Divergence::Auto, Divergence::Exact, Divergence::Hutchinson},
      [](auto e) { return likelihood::toString(e); }, likelihood::parseDivergence);
  expectRoundTrip<likelihood::Probe>(
      {likelihood::Probe::Gaussian, likelihood::Probe::Rademacher},
      [](auto e) { return likelihood::toString(e); }, likelihood::parseProbe);
}

TEST(EnumNames, PrintOnlyEnumsHaveTheirNames) {
  using ss::train::TrainerStatus;
  EXPECT_EQ(ss::train::toString(TrainerStatus::Preparing), "preparing");
  EXPECT_EQ(ss::train::toString(TrainerStatus::Diverged), "diverged");
  EXPECT_EQ(ss::train::toString(TrainerStatus::Failed), "failed");
  EXPECT_EQ(ss::kernels::toString(ss::kernels::Isa::Scalar), "scalar");
  EXPECT_EQ(ss::kernels::toString(ss::kernels::Isa::Avx2), "avx2");
  EXPECT_EQ(ss::kernels::toString(ss::kernels::Isa::Avx512), "avx512");
}

}  // namespace
