// scorescope: with no subcommand opens the GUI on the default scene; the subcommands run
// the same engine headless. See README.md, "Command line".
#include <CLI/CLI.hpp>

#include "app/cli/commands.h"
#include "app/cli/options.h"

int main(int argc, char** argv) {
  using namespace ss::app;
  AppOptions o;
  CLI::App app{"ScoreScope: explore score-based generative models through SDEs.\n"
               "Without a subcommand, opens the GUI on the default scene.",
               "scorescope"};
  app.add_flag("--version", o.version,
               "Print the app version, the LibTorch version and the device it would use");
  addSharedOptions(app, o);
  addViewOptions(app, o);
  app.add_option("--ui-scale", o.uiScale, "Type and widget scale (default: the monitor's; raise it for a projector)");
  app.add_option("--frames", o.frames, "Close the GUI after this many frames (smoke tests)");
  app.add_option("--screenshot", o.screenshot, "With --frames: save the last frame as PNG");

  auto* render = app.add_subcommand("render", "Render the 2D view offscreen to a PNG (needs an X display; Xvfb works)");
  auto* train = app.add_subcommand("train", "Train a score model (not yet available)");
  auto* sample = app.add_subcommand("sample", "Sample with a score model or the exact score (not yet available)");
  auto* nll = app.add_subcommand("nll", "Exact log-likelihood through the probability-flow ODE (not yet available)");
  auto* bench = app.add_subcommand("bench", "Benchmarks (not yet available)");
  for (auto* sub : {render, train, sample, nll, bench}) addSharedOptions(*sub, o);
  addViewOptions(*render, o);
  render->add_option("--size", o.size, "Image size WIDTHxHEIGHT")->capture_default_str();
  render->add_option("--out", o.out, "Output PNG (written atomically)")->capture_default_str();
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (o.version) return printVersion(o);
  if (render->parsed()) return runRender(o);
  if (train->parsed()) return notYetAvailable("train", "live training lands with the training issue");
  if (sample->parsed()) return notYetAvailable("sample", "samplers land with the samplers issue");
  if (nll->parsed()) return notYetAvailable("nll", "likelihoods land with the samplers issue");
  if (bench->parsed()) return notYetAvailable("bench", "benchmarks land with the training issue");
  return runGuiCommand(o);
}
