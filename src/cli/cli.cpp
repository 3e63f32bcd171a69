#include "cli/cli.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <iostream>

#include "util/error.hpp"
#include "util/version.hpp"

namespace multiarch {
namespace {

void print_usage(std::ostream& out) {
  fmt::print(out,
             "multiarch {} - multi-platform container images of Go services\n\n"
             "Usage: multiarch <command> [options]\n\nCommands:\n",
             kMultiarchVersion);
  for (const auto& command : cli_commands())
    fmt::print(out, "  {:<12} {}\n", command.name, command.summary);
  fmt::print(out,
             "\nRun `multiarch <command> --help` for the options of a command.\n"
             "Exit codes: 0 success, 1 a build or tool failed, 2 bad input.\n");
}

}  // namespace

int run_cli(CliContext& context, const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    if (args.size() >= 2 && args[0] == "help") return run_cli(context, {args[1], "--help"});
    print_usage(args.empty() ? context.err : context.out);
    return args.empty() ? kExitInput : 0;
  }
  if (args[0] == "--version") {
    fmt::print(context.out, "multiarch {}\n", kMultiarchVersion);
    return 0;
  }
  for (const auto& command : cli_commands()) {
    if (command.name != args[0]) continue;
    try {
      return command.run(context, std::vector<std::string>(args.begin() + 1, args.end()));
    } catch (const InputError& e) {
      fmt::print(context.err, "multiarch {}: {}\n", command.name, e.what());
      return kExitInput;
    } catch (const std::exception& e) {
      fmt::print(context.err, "multiarch {}: {}\n", command.name, e.what());
      return kExitRuntime;
    }
  }
  fmt::print(context.err, "multiarch: unknown command \"{}\"; run `multiarch --help`\n", args[0]);
  return kExitInput;
}

int run_cli(int argc, char** argv) {
  SystemProcessRunner runner;
  CliContext context{runner, host_platform(), std::cout, std::cerr};
  int code = run_cli(context, std::vector<std::string>(argv + 1, argv + argc));
  std::cout.flush();
  return code;
}

}  // namespace multiarch
