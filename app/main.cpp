// scorescope: with no subcommand opens the GUI on the default scene; the subcommands run
// the same engine headless. See README.md, "Command line".
#include <CLI/CLI.hpp>

#include "app/cli/command_line.h"

int main(int argc, char** argv) {
  using namespace ss::app;
  CLI::App app{
      "ScoreScope: explore score-based generative models through SDEs.\n"
      "Without a subcommand, opens the GUI on the default scene.",
      "scorescope"};
  CommandLine c;
  buildCommandLine(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return runCommandLine(c);
}
