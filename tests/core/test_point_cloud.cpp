// The point clouds core publishes for the views, and the worker that builds them.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/scene/point_cloud.h"

using namespace ss;
using namespace std::chrono_literals;

TEST(PointCloud, BuildsPlainBuffersWithFixedNoise) {
  auto c = scene::buildPointCloud({"8gaussians", 5000, 7});
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& cloud = *c.value();
  EXPECT_EQ(cloud.n, 5000);
  EXPECT_EQ(cloud.x0.size(), 10000u);
  EXPECT_EQ(cloud.noise.size(), 10000u);
  EXPECT_EQ(cloud.colour.size(), 5000u);
  EXPECT_EQ(cloud.label.size(), 5000u);
  EXPECT_EQ(cloud.numClasses, 8);
  EXPECT_EQ(cloud.mixtureMeans.size(), 16u);
  // ε ~ N(0, I): sample moments.
  double m = 0, v = 0;
  for (float e : cloud.noise) m += e;
  m /= cloud.noise.size();
  for (float e : cloud.noise) v += (e - m) * (e - m);
  v /= cloud.noise.size();
  EXPECT_NEAR(m, 0.0, 0.05);
  EXPECT_NEAR(v, 1.0, 0.05);
  // The eight means lie on the circle of radius 2: diameter ≈ 4 plus the spread.
  EXPECT_GT(cloud.diameter, 4.0);
  EXPECT_LT(cloud.diameter, 5.5);
  for (int k = 0; k < 4; ++k) EXPECT_TRUE(std::isfinite(cloud.bounds[k]));
  // Same request, same cloud.
  auto again = scene::buildPointCloud({"8gaussians", 5000, 7});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value()->x0, cloud.x0);
  EXPECT_EQ(again.value()->noise, cloud.noise);
}

TEST(PointCloud, RejectsImpossibleSizes) {
  auto c = scene::buildPointCloud({"moons", 0, 0});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("particles"), std::string::npos);
}

TEST(DataWorker, KeepsTheCurrentCloudWhenARequestFails) {
  scene::DataWorker worker;
  worker.request({"moons", 2000, 1});
  ASSERT_TRUE(worker.waitIdle(60s));
  uint64_t v1 = 0;
  auto first = worker.latest(&v1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->name, "moons");
  EXPECT_TRUE(worker.lastError().empty());

  worker.request({"/nonexistent/blobs.json", 2000, 1});
  ASSERT_TRUE(worker.waitIdle(60s));
  uint64_t v2 = 0;
  auto still = worker.latest(&v2);
  EXPECT_EQ(v2, v1) << "a failed load must not publish";
  EXPECT_EQ(still.get(), first.get());
  EXPECT_NE(worker.lastError().find("blobs.json"), std::string::npos) << worker.lastError();

  worker.request({"spirals", 1000, 2});
  ASSERT_TRUE(worker.waitIdle(60s));
  EXPECT_EQ(worker.latest()->name, "spirals");
  EXPECT_TRUE(worker.lastError().empty());
}

TEST(DataWorker, LatestRequestWins) {
  scene::DataWorker worker;
  for (int i = 0; i < 5; ++i) worker.request({"circles", 1000 + i, 0});
  worker.request({"rings", 1234, 0});
  ASSERT_TRUE(worker.waitIdle(60s));
  auto c = worker.latest();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "rings");
  EXPECT_EQ(c->n, 1234);
}
