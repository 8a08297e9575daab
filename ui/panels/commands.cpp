#include "ui/panels/commands.h"

namespace ss::ui {

bool sendToTrainer(train::Trainer& trainer, const Command& command) {
  if (std::holds_alternative<cmd::StartTraining>(command))
    trainer.start();
  else if (std::holds_alternative<cmd::PauseTraining>(command))
    trainer.pause();
  else if (std::holds_alternative<cmd::StepTraining>(command))
    trainer.stepOnce();
  else if (std::holds_alternative<cmd::ResetTraining>(command))
    trainer.reset();
  else if (const auto* knobs = std::get_if<cmd::SetTrainConfig>(&command))
    trainer.setTrainConfig(knobs->config);
  else if (const auto* save = std::get_if<cmd::SaveCheckpoint>(&command))
    trainer.saveCheckpoint(save->path);
  else if (const auto* load = std::get_if<cmd::LoadCheckpoint>(&command))
    trainer.loadCheckpoint(load->path);
  else
    return false;
  return true;
}

}  // namespace ss::ui
