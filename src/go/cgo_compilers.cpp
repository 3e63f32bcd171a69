#include "go/cgo_compilers.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace multiarch {
namespace {

CrossCompiler gnu(const std::string& triplet, const std::string& package_suffix) {
  return {triplet + "-gcc", triplet + "-g++", "gcc-" + package_suffix};
}

}  // namespace

std::optional<CrossCompiler> default_cross_compiler(const Platform& p) {
  const std::string& a = p.architecture;
  if (p.os == "linux") {
    if (a == "amd64") return gnu("x86_64-linux-gnu", "x86-64-linux-gnu");
    if (a == "386") return gnu("i686-linux-gnu", "i686-linux-gnu");
    if (a == "arm64") return gnu("aarch64-linux-gnu", "aarch64-linux-gnu");
    if (a == "arm") {
      // Debian armel (soft-float ABI, ARMv5T+) for v5/v6, armhf (VFPv3, ARMv7) for v7/v8.
      if (p.variant == "v5" || p.variant == "v6")
        return gnu("arm-linux-gnueabi", "arm-linux-gnueabi");
      return gnu("arm-linux-gnueabihf", "arm-linux-gnueabihf");
    }
    if (a == "ppc64le") return gnu("powerpc64le-linux-gnu", "powerpc64le-linux-gnu");
    if (a == "ppc64") return gnu("powerpc64-linux-gnu", "powerpc64-linux-gnu");
    if (a == "s390x") return gnu("s390x-linux-gnu", "s390x-linux-gnu");
    if (a == "riscv64") return gnu("riscv64-linux-gnu", "riscv64-linux-gnu");
    if (a == "mips") return gnu("mips-linux-gnu", "mips-linux-gnu");
    if (a == "mipsle") return gnu("mipsel-linux-gnu", "mipsel-linux-gnu");
    if (a == "mips64") return gnu("mips64-linux-gnuabi64", "mips64-linux-gnuabi64");
    if (a == "mips64le") return gnu("mips64el-linux-gnuabi64", "mips64el-linux-gnuabi64");
    if (a == "loong64") return gnu("loongarch64-linux-gnu", "loongarch64-linux-gnu");
  }
  if (p.os == "windows") {
    if (a == "amd64")
      return CrossCompiler{"x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-g++",
                           "gcc-mingw-w64-x86-64"};
    if (a == "386")
      return CrossCompiler{"i686-w64-mingw32-gcc", "i686-w64-mingw32-g++", "gcc-mingw-w64-i686"};
  }
  return std::nullopt;
}

std::map<std::string, std::vector<std::pair<std::string, std::string>>> resolve_cross_compilers(
    const std::vector<Platform>& platforms, const std::map<std::string, std::string>& overrides) {
  for (const auto& [platform, cc] : overrides) {
    // Captured by name: C++17 lambdas cannot capture a structured binding (clang refuses).
    const std::string& wanted = platform;
    bool built = std::any_of(platforms.begin(), platforms.end(),
                             [&](const Platform& p) { return p.str() == wanted; });
    if (!built)
      throw InputError(fmt::format("--cc {}={}: {} is not among the platforms being built",
                                   platform, cc, platform));
  }
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> result;
  std::vector<std::string> missing;
  for (const auto& platform : platforms) {
    auto& env = result[platform.str()];
    if (auto override_cc = overrides.find(platform.str()); override_cc != overrides.end()) {
      if (find_executable(override_cc->second).empty())
        missing.push_back(fmt::format("{}: {} (from --cc) is not an executable", platform.str(),
                                      override_cc->second));
      env.emplace_back("CC", override_cc->second);
      continue;
    }
    auto compiler = default_cross_compiler(platform);
    if (!compiler) {
      missing.push_back(fmt::format("{}: no default C cross compiler; pass --cc {}=PATH",
                                    platform.str(), platform.str()));
      continue;
    }
    if (find_executable(compiler->cc).empty()) {
      missing.push_back(fmt::format("{}: {} not found (apt-get install {}, or pass --cc {}=PATH)",
                                    platform.str(), compiler->cc, compiler->debian_package,
                                    platform.str()));
      continue;
    }
    env.emplace_back("CC", compiler->cc);
    // CXX only when it is there: cgo needs it just for packages with C++ files.
    if (!find_executable(compiler->cxx).empty()) env.emplace_back("CXX", compiler->cxx);
  }
  if (!missing.empty()) {
    throw RuntimeError(
        fmt::format("--cgo needs a C cross compiler per platform: {}", join(missing, "; ")));
  }
  return result;
}

std::map<std::string, std::string> parse_cc_overrides(const std::vector<std::string>& values,
                                                      const Platform& host) {
  std::map<std::string, std::string> overrides;
  for (const auto& value : values) {
    auto [spec, path] = split_key_value(value, "--cc");
    if (path.empty())
      throw InputError(fmt::format("--cc \"{}\": the compiler path is empty", value));
    auto platforms = parse_platform_list({spec}, host);
    if (platforms.size() != 1)
      throw InputError(fmt::format("--cc \"{}\": name exactly one platform", value));
    overrides[platforms.front().str()] = path;
  }
  return overrides;
}

}  // namespace multiarch
