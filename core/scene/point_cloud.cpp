#include "core/scene/point_cloud.h"

#include <stdexcept>

#include <torch/torch.h>

#include "core/data/toy.h"

namespace ss::scene {

namespace {

template <class T>
std::vector<T> toVector(const torch::Tensor& t) {
  auto c = t.contiguous().cpu();
  const T* p = c.data_ptr<T>();
  return std::vector<T>(p, p + c.numel());
}

}  // namespace

Expected<std::shared_ptr<const PointCloud>> buildPointCloud(const DataRequest& request) {
  if (request.n < 1 || request.n > 2'000'000)
    return Error{"particles (" + std::to_string(request.n) + ") must be between 1 and 2000000"};
  auto toy = data::makeToy(request.data);
  if (!toy) return toy.error();
  try {
    const auto& dist = *toy.value();
    auto s = dist.sample(request.n, request.seed);
    auto gen = at::detail::createCPUGenerator(request.seed ^ 0x9E3779B97F4A7C15ull);
    auto noise = torch::randn({request.n, 2}, gen, torch::kFloat32);

    auto cloud = std::make_shared<PointCloud>();
    cloud->request = request;
    cloud->name = dist.name();
    cloud->description = dist.description();
    cloud->n = request.n;
    cloud->x0 = toVector<float>(s.x.to(torch::kFloat32));
    cloud->noise = toVector<float>(noise);
    cloud->colour = toVector<float>(s.colour.to(torch::kFloat32));
    cloud->label = toVector<int32_t>(s.label.to(torch::kInt32));
    cloud->numClasses = dist.numClasses();
    cloud->diameter = data::diameter(s.x);
    auto lo = std::get<0>(s.x.min(0)), hi = std::get<0>(s.x.max(0));
    cloud->bounds = {lo[0].item<float>(), lo[1].item<float>(), hi[0].item<float>(),
                     hi[1].item<float>()};
    if (auto gm = dist.mixture()) {
      cloud->mixtureMeans = toVector<float>(gm->means.to(torch::kFloat32));
      cloud->mixtureStds = toVector<float>(gm->stds.to(torch::kFloat32));
    }
    return std::shared_ptr<const PointCloud>(std::move(cloud));
  } catch (const std::exception& e) {
    return Error{request.data + ": " + e.what()};
  }
}

DataWorker::DataWorker()
    : RequestWorker([](DataRequest& req, RequestWorker<DataRequest, PointCloud>& w) {
        auto result = buildPointCloud(req);  // catches everything it can throw
        if (!result) throw std::runtime_error(result.error().message);
        w.publish(result.value());
      }) {}

}  // namespace ss::scene
