// scorescope: with no subcommand opens the GUI on the default scene; the subcommands run
// the same engine headless. See README.md, "Command line". Last resort: an exception that
// escapes every command's own handling becomes "scorescope: <message>" and exit status 1,
// and one that escapes a thread is reported by the terminate handler before the abort.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "app/cli/command_line.h"

namespace {

[[noreturn]] void lastResort() {
  std::fputs("scorescope: internal error: an exception escaped", stderr);
  if (auto e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::fprintf(stderr, " (%s)", x.what());
    } catch (...) {
    }
  }
  std::fputs("; please report it\n", stderr);
  std::_Exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ss::app;
  std::set_terminate(lastResort);
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
  try {
    return runCommandLine(c);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scorescope: %s\n", e.what());
    return 1;
  } catch (...) {
    std::fprintf(stderr, "scorescope: an unknown error\n");
    return 1;
  }
}
