// `multiarch platform normalize SPEC...` and nothing else, built from the helper's own
// platform engine so that configure-time answers and messages are the helper's.
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "platform/platform.hpp"
#include "util/error.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3 || args[0] != "platform" || args[1] != "normalize") {
    fmt::print(stderr, "usage: multiarch-platform platform normalize SPEC...\n");
    return multiarch::kExitInput;
  }
  auto normalized = multiarch::normalize_platform_specs(
      std::vector<std::string>(args.begin() + 2, args.end()), multiarch::host_platform());
  for (const auto& p : normalized.platforms) fmt::print("{}\n", p.str());
  for (const auto& error : normalized.errors) fmt::print(stderr, "multiarch platform: {}\n", error);
  return normalized.errors.empty() ? 0 : multiarch::kExitInput;
}
