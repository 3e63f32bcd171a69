#pragma once
// The command-line front end: `multiarch <command> ...`. main.cpp only calls run_cli().
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "platform/platform.hpp"
#include "util/process.hpp"

namespace multiarch {

/// What a command may touch; tests can swap the runner, the host and the streams.
struct CliContext {
  ProcessRunner& runner;
  Platform host;
  std::ostream& out;
  std::ostream& err;
};

/// A subcommand: `args` excludes the program and command names. Returns the exit code;
/// may throw InputError (exit 2) or RuntimeError (exit 1).
using CommandFunction = std::function<int(CliContext&, const std::vector<std::string>& args)>;

struct Command {
  std::string name;
  std::string summary;
  CommandFunction run;
};

/// The table of subcommands (src/cli/commands.cpp).
const std::vector<Command>& cli_commands();

/// Parses argv, runs the command, turns exceptions into one line on stderr.
int run_cli(int argc, char** argv);
int run_cli(CliContext& context, const std::vector<std::string>& args);

}  // namespace multiarch
