// scorescope score and export: a model's score at given points (what the Python side
// compares with), and one of our checkpoints written as a TorchScript model
// (docs/MODEL_FORMAT.md).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/data/toy.h"
#include "core/model/model_export.h"
#include "core/train/model_open.h"
#include "core/train/snapshot.h"

namespace ss::app {

ModelCommands addModelCommands(CLI::App& app, AppOptions& o, ModelCmdOptions& mo) {
  ModelCommands c;
  c.score = app.add_subcommand(
      "score", "A model's score s(x, t) at the points of a CSV file (x,y rows), as CSV");
  c.exportModel = app.add_subcommand(
      "export",
      "Write a checkpoint's EMA model as a TorchScript score model (docs/MODEL_FORMAT.md)");
  for (auto* sub : {c.score, c.exportModel}) {
    sub->add_option("--model", mo.model, "Checkpoint, or TorchScript model (score)")->required();
    sub->add_option("--out", mo.out, "File to write (atomically)")->required();
    sub->add_option("--device", o.device, "auto, cpu or cuda")->capture_default_str();
  }
  c.score->add_option("--model-meta", o.modelMeta,
                      "Metadata JSON for a TorchScript model without its own scorescope.json");
  c.score->add_option("--points", mo.points, "CSV of points (x,y rows; a header line is skipped)")
      ->required();
  c.score->add_option("--t", mo.t, "The time t in [eps, T]")->required();
  c.score->add_option("--class", mo.classLabel, "A class-conditional model's class");
  c.exportModel->add_option("--name", mo.name, "The model's name in its metadata");
  return c;
}

int runScore(const AppOptions& o, const ModelCmdOptions& mo) {
  const char* cmd = "score";
  auto device = computeDeviceFrom(o);
  if (!device) return fail(cmd, device.error().message);
  if (auto ok = checkOutputName(mo.out, "--out", ".csv", "the scores as CSV"); !ok)
    return fail(cmd, ok.error().message);
  auto snap =
      train::loadModelSnapshot(mo.model, device.value(), modelOpenOptions(o, mo.classLabel));
  if (!snap) return fail(cmd, snap.error().message);
  if (snap.value()->isImage())
    return fail(cmd, mo.model + " is an image model: score takes points");
  const auto& sde = *snap.value()->sde;
  if (!(mo.t >= sde.eps() && mo.t <= sde.T()))
    return fail(cmd, "--t " + std::to_string(mo.t) + " is outside [eps, T] = [" +
                         std::to_string(sde.eps()) + ", " + std::to_string(sde.T()) + "]");
  auto x = data::loadPointsCsv(mo.points);
  if (!x) return fail(cmd, x.error().message);
  try {
    const auto dev = torch::Device(device.value());
    const auto xs = x.value().to(dev, torch::kFloat32);
    const auto t = torch::full({xs.size(0)}, mo.t, xs.options());
    const auto s = (*snap.value()->scoreFn())(xs, t);
    auto written = data::writePointsCsv(mo.out, s.to(torch::kCPU), {"s_x", "s_y"});
    if (!written) return fail(cmd, written.error().message);
  } catch (const std::exception& e) {
    return fail(cmd, e.what());
  }
  return 0;
}

int runExport(const AppOptions& o, const ModelCmdOptions& mo) {
  const char* cmd = "export";
  (void)o;
  auto snap = train::loadModelSnapshot(mo.model, "cpu");
  if (!snap) return fail(cmd, snap.error().message);
  if (auto ok = model::exportModel(*snap.value(), mo.out, mo.name); !ok)
    return fail(cmd, ok.error().message);
  std::printf("wrote %s (TorchScript; output eps, time input t)\n", mo.out.c_str());
  return 0;
}

}  // namespace ss::app
