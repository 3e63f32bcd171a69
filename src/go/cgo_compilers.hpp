#pragma once
// The C cross compilers for cgo builds: Debian's cross toolchains by default, overridable per
// platform (`--cc linux/arm64=/opt/x/bin/gcc`).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

struct CrossCompiler {
  std::string cc;              ///< "aarch64-linux-gnu-gcc"
  std::string cxx;             ///< "aarch64-linux-gnu-g++"
  std::string debian_package;  ///< what provides it: "gcc-aarch64-linux-gnu"
};

/// Debian's cross compiler for a platform (docs/go-build.md has the table), or nullopt when
/// Debian has none (darwin, ...).
std::optional<CrossCompiler> default_cross_compiler(const Platform& platform);

/// The C compiler (CC, and CXX when known) for each platform: the override for its
/// normalized platform string if any, else the default. Every compiler must be found (on PATH
/// or as a path); otherwise throws RuntimeError listing each missing one with the package or
/// the --cc flag that fixes it. Overrides for platforms not being built are InputError.
/// Returns ordered KEY=VALUE pairs per platform string ("CC", "CXX").
std::map<std::string, std::vector<std::pair<std::string, std::string>>> resolve_cross_compilers(
    const std::vector<Platform>& platforms, const std::map<std::string, std::string>& overrides);

/// The `--cc PLATFORM=PATH` values as overrides for resolve_cross_compilers(), keyed by the
/// normalized platform string. Throws InputError naming the value when the path is empty or
/// the spec is not exactly one platform.
std::map<std::string, std::string> parse_cc_overrides(const std::vector<std::string>& values,
                                                      const Platform& host);

}  // namespace multiarch
