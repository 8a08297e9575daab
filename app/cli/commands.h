// The subcommands' entry points. Each returns the process exit code:
// 0 success, 1 bad input or a failed run (message on stderr), 2 no display / no OpenGL.
#pragma once

#include "app/cli/options.h"

namespace ss::app {

int runGuiCommand(const AppOptions& o);
int runRender(const AppOptions& o);
int printVersion(const AppOptions& o);
// train, sample, nll, bench until their issues land: says so honestly, exit code 1.
int notYetAvailable(const char* name, const char* what);

}  // namespace ss::app
