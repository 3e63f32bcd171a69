#include "go/go_env.hpp"

#include <fmt/format.h>

#include <charconv>
#include <regex>

#include "util/error.hpp"

namespace multiarch {

std::optional<GoVersion> GoVersion::parse(std::string_view text) {
  std::cmatch m;
  std::string s(text);
  if (!std::regex_search(s.c_str(), m, std::regex("^(?:go)?(\\d+)\\.(\\d+)(?:\\.(\\d+))?")))
    return std::nullopt;
  GoVersion v;
  v.major = std::stoi(m[1]);
  v.minor = std::stoi(m[2]);
  v.patch = m[3].matched ? std::stoi(m[3]) : 0;
  return v;
}

std::string GoVersion::str() const {
  return patch ? fmt::format("go{}.{}.{}", major, minor, patch)
               : fmt::format("go{}.{}", major, minor);
}

const std::vector<std::string>& go_level_variable_names() {
  static const std::vector<std::string> names = {"GOAMD64", "GOARM",    "GOARM64", "GO386",
                                                 "GOMIPS",  "GOMIPS64", "GOPPC64", "GORISCV64"};
  return names;
}

std::optional<GoLevelVariable> go_level_variable(const Platform& p) {
  const std::string& a = p.architecture;
  const std::string& v = p.variant;
  // Every level is set explicitly, defaults included: toolchains differ in their built-in
  // defaults (GOARM was 5 before Go 1.21 and 7 after), so explicit values give the same
  // binary for the same spec on any toolchain.
  if (a == "amd64") return GoLevelVariable{"GOAMD64", v.empty() ? "v1" : v, {1, 18, 0}};
  if (a == "arm") {
    // OCI arm/v8 is a 32-bit ARMv8 core: Go has no GOARM=8, v7 code runs there.
    std::string level = v == "v8" ? "7" : v.substr(1);
    return GoLevelVariable{"GOARM", level, {1, 0, 0}};
  }
  if (a == "arm64") {
    // GOARM64 wants "v8.0"/"v9.0": plain "v8" is rejected by the go command.
    std::string level = v.empty() ? "v8.0" : (v.find('.') == std::string::npos ? v + ".0" : v);
    return GoLevelVariable{"GOARM64", level, {1, 23, 0}};
  }
  if (a == "386") return GoLevelVariable{"GO386", v.empty() ? "sse2" : v, {1, 16, 0}};
  if (a == "mips" || a == "mipsle")
    return GoLevelVariable{"GOMIPS", v.empty() ? "hardfloat" : v, {1, 10, 0}};
  if (a == "mips64" || a == "mips64le")
    return GoLevelVariable{"GOMIPS64", v.empty() ? "hardfloat" : v, {1, 11, 0}};
  if (a == "ppc64" || a == "ppc64le") {
    GoVersion since = v == "power10" ? GoVersion{1, 20, 0} : GoVersion{1, 10, 0};
    return GoLevelVariable{"GOPPC64", v.empty() ? "power8" : v, since};
  }
  if (a == "riscv64") {
    GoVersion since = v == "rva23u64" ? GoVersion{1, 25, 0} : GoVersion{1, 23, 0};
    return GoLevelVariable{"GORISCV64", v.empty() ? "rva20u64" : v, since};
  }
  if (!v.empty())
    throw InputError(fmt::format("invalid platform \"{}\": {} has no variants", p.str(), a));
  return std::nullopt;
}

GoEnv go_env_for(const Platform& platform, const GoToolchainInfo& toolchain, bool cgo) {
  std::string pair = platform.os + "/" + platform.architecture;
  if (!toolchain.dist_pairs.empty() && !toolchain.dist_pairs.count(pair))
    throw InputError(
        fmt::format("platform \"{}\": {} does not support GOOS/GOARCH {} (see `go tool dist list`)",
                    platform.str(), toolchain.version.str(), pair));
  GoEnv env = {{"GOOS", platform.os}, {"GOARCH", platform.architecture}};
  if (auto level = go_level_variable(platform)) {
    if (toolchain.version >= level->since) {
      env.emplace_back(level->name, level->value);
    } else if (!platform.variant.empty()) {
      // Only the default level may be left to an old toolchain; an explicit variant it
      // cannot honour would silently produce a baseline binary.
      throw InputError(fmt::format(
          "platform \"{}\" needs {}={}, which needs {} or newer; the "
          "installed Go is {}",
          platform.str(), level->name, level->value, level->since.str(), toolchain.version.str()));
    }
  }
  env.emplace_back("CGO_ENABLED", cgo ? "1" : "0");
  return env;
}

}  // namespace multiarch
