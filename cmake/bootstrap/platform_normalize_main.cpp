// `multiarch platform normalize SPEC...` and nothing else, built from the helper's own
// platform engine so that configure-time answers and messages are the helper's.
#include <fmt/format.h>

#include <algorithm>
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
  const multiarch::Platform host = multiarch::host_platform();
  std::vector<multiarch::Platform> seen;
  int code = 0;
  for (auto arg = args.begin() + 2; arg != args.end(); ++arg) {
    size_t start = 0;
    while (true) {
      const size_t comma = arg->find(',', start);
      const std::string item =
          arg->substr(start, comma == std::string::npos ? comma : comma - start);
      try {
        for (const auto& p : multiarch::parse_platform_list({item}, host)) {
          if (std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
          seen.push_back(p);
          fmt::print("{}\n", p.str());
        }
      } catch (const multiarch::InputError& e) {
        fmt::print(stderr, "multiarch platform: {}\n", e.what());
        code = multiarch::kExitInput;
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return code;
}
