#include "ui/images/image_trainer.h"

#include <utility>

#include "core/nn/net_config.h"

namespace ss::ui {

bool ImageTrainerSlot::startWhenLoaded(ImagePanelState& view, const scene::ImageRunResult* run,
                                       const GuiOptions& options,
                                       TrainingPanelState& trainingView) {
  if (!asked || !run || (run->size == 0 && run->error.empty())) return false;
  const std::string from = *std::exchange(asked, std::nullopt);
  return start(view, from, run, options, trainingView);
}

bool ImageTrainerSlot::start(ImagePanelState& view, const std::string& from,
                             const scene::ImageRunResult* run, const GuiOptions& options,
                             TrainingPanelState& trainingView) {
  if (!run || run->size == 0) {
    view.error =
        "cannot train: the dataset did not load" + (run ? ": " + run->error : std::string());
    return false;
  }
  auto unet = nn::unetPreset(view.trainPreset, run->channels, run->size);
  if (!unet) {
    view.error = unet.error().message;
    return false;
  }
  train::TrainProblemSpec spec;
  spec.data = view.draft.data;  // the SDE: VP with the default ε, as `scorescope train`
  spec.net.kind = nn::NetKind::UNet;
  spec.net.unet = unet.value();
  spec.train.loss.weighting = train::Weighting::Edm;  // the preset's preconditioning's
  spec.train.lr = 5e-4;
  spec.train.batch = 32;
  spec.train.seed = view.draft.seed;
  spec.device = options.device;
  spec.threads = options.threads;
  if (trainer) {  // another dataset's (or an earlier run's): paused, destroyed at the end
    trainer->pause();
    retired.push_back(std::move(trainer));
  }
  trainer = std::make_unique<train::Trainer>(spec);
  data = view.draft.data;
  if (!from.empty()) trainer->loadCheckpoint(from);
  trainer->start();
  trainingView = TrainingPanelState{};
  trainingView.netDraft = spec.net;
  trainingView.checkpointPath = "unet.pt";
  view.live = true;
  return true;
}

}  // namespace ss::ui
