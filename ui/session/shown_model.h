// What the 2D explorer shows from its trainer follows the session's problem (issue 21): when
// the trainer gets a new dataset, SDE or architecture ("Use as dataset", another dataset or
// SDE, a scene), the snapshot it held until then is the old problem's model. Its learned
// arrows, density and "step N" must not be drawn over the new data while the trainer
// prepares, so that snapshot is not shown again; the next one the trainer publishes is.
// GL-free, no LibTorch (the snapshot stays opaque). UI thread.
#pragma once

#include <memory>

#include "core/train/trainer.h"

namespace ss::ui {

class ShownModel {
 public:
  // Call just before the trainer is given its new problem, with its snapshot at that moment.
  void problemChanged(std::shared_ptr<const train::ModelSnapshot> current) {
    m_stale = std::move(current);
  }
  // The trainer's newest snapshot, or null while that is still the old problem's.
  std::shared_ptr<const train::ModelSnapshot> shown(
      std::shared_ptr<const train::ModelSnapshot> latest) {
    if (latest && latest == m_stale) return nullptr;
    if (latest) m_stale.reset();
    return latest;
  }

 private:
  std::shared_ptr<const train::ModelSnapshot> m_stale;
};

}  // namespace ss::ui
