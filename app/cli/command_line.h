// The command line: the GUI's options and each subcommand's, attached to one CLI11 app,
// and the dispatch to the command that was asked for. Main thread.
#pragma once

#include <CLI/CLI.hpp>

#include "app/cli/commands.h"
#include "app/cli/options.h"

namespace ss::app {

// Every option the command line takes, and the subcommands (null until built).
struct CommandLine {
  AppOptions o;
  TrainOptions to;
  SampleOptions so;
  InterpolateOptions io;  // interpolate: the latent interpolation strip (interpolate_cmd.cpp)
  ModelCmdOptions mo;     // score and export (model_cmds.cpp)
  ModelCommands models;
  SolversOptions lo;  // solvers: the solver lab (solvers_cmd.cpp)
  CLI::App *render = nullptr, *train = nullptr, *sample = nullptr, *nll = nullptr,
           *interpolate = nullptr, *solvers = nullptr;
};

// Attaches the GUI's options and every subcommand to `app`.
void buildCommandLine(CLI::App& app, CommandLine& c);

// After a successful parse: runs the subcommand that was given, else the GUI. Returns the
// process exit code.
int runCommandLine(CommandLine& c);

}  // namespace ss::app
