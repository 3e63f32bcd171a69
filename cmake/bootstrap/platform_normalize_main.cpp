// `multiarch platform normalize [--slugs] SPEC...` and nothing else, built from the helper's own
// platform engine so that configure-time answers and messages are the helper's.
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "platform/platform.hpp"
#include "util/error.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool slugs = args.size() > 2 && args[2] == "--slugs";
  const size_t first_spec = slugs ? 3 : 2;
  if (args.size() <= first_spec || args[0] != "platform" || args[1] != "normalize") {
    fmt::print(stderr, "usage: multiarch-platform platform normalize [--slugs] SPEC...\n");
    return multiarch::kExitInput;
  }
  auto normalized = multiarch::normalize_platform_specs(
      std::vector<std::string>(args.begin() + first_spec, args.end()), multiarch::host_platform());
  for (const auto& p : normalized.platforms) fmt::print("{}\n", slugs ? p.slug_line() : p.str());
  for (const auto& error : normalized.errors) fmt::print(stderr, "multiarch platform: {}\n", error);
  return normalized.errors.empty() ? 0 : multiarch::kExitInput;
}
