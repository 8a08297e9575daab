// What the torch-free headers of core/scene's workers share: RequestWorker (one worker
// thread, the newest request wins; withCache for a worker's own cache), the SDE and sampler
// configs their requests carry, and the trained snapshots a request may hold, opaque here
// (ui/ includes these headers and never sees LibTorch).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/request_worker.h"
#include "core/sample/sampler_config.h"
#include "core/sde/sde_config.h"

namespace ss::train {
struct ModelSnapshot;
struct ClassifierSnapshot;
}  // namespace ss::train
