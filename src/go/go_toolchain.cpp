#include "go/go_toolchain.hpp"

#include <fmt/format.h>

#include <sstream>

#include "util/error.hpp"

namespace multiarch {

GoToolchainInfo query_go_toolchain(ProcessRunner& runner, const std::string& go) {
  auto run = [&](std::vector<std::string> args) {
    ProcessSpec spec;
    spec.argv = {go};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    ProcessResult result;
    try {
      result = runner.run(spec);
    } catch (const RuntimeError& e) {
      throw RuntimeError(fmt::format("{}; install Go or pass --go PATH", e.what()));
    }
    if (!result.ok())
      throw RuntimeError(fmt::format("`{}` failed (exit {}): {}", display_command(spec.argv),
                                     result.exit_code, result.err));
    return result.out;
  };
  GoToolchainInfo info;
  std::istringstream env(run({"env", "GOVERSION", "GOROOT"}));
  std::string version_line;
  std::getline(env, version_line);
  std::getline(env, info.goroot);
  auto version = GoVersion::parse(version_line);
  if (!version)
    throw RuntimeError(fmt::format("cannot read the Go version from `{} env GOVERSION`: \"{}\"", go,
                                   version_line));
  info.version = *version;
  std::istringstream pairs(run({"tool", "dist", "list"}));
  for (std::string line; std::getline(pairs, line);)
    if (!line.empty()) info.dist_pairs.insert(line);
  return info;
}

}  // namespace multiarch
