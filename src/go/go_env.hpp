#pragma once
// From a normalized platform to the exact Go environment that builds for it.
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

struct GoVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  /// Parses "go1.26.8", "1.23", "go1.25rc1" (pre-release suffixes are ignored).
  static std::optional<GoVersion> parse(std::string_view text);
  std::string str() const;  ///< "go1.26.8"
  friend auto operator<=>(const GoVersion&, const GoVersion&) = default;
};

/// What we need to know about the installed Go toolchain.
struct GoToolchainInfo {
  GoVersion version;
  std::set<std::string> dist_pairs;  ///< "linux/amd64" ... from `go tool dist list`
  std::string goroot;
  /// `go env GOWORK` in the module directory (the workspace file a depfile lists), when the
  /// toolchain was asked there (cached_go_toolchain); nullopt: go-build asks it itself.
  std::optional<std::string> go_work;
};

/// The architecture-level variable a platform selects (GOARM=6, GOAMD64=v3, ...).
struct GoLevelVariable {
  std::string name;
  std::string value;
  GoVersion since;  ///< the first Go release that understands this value
};

/// The level variable for a platform, or nullopt for architectures without one
/// (s390x, loong64). Throws InputError when the variant is not valid for the architecture.
std::optional<GoLevelVariable> go_level_variable(const Platform& platform);

/// Ordered KEY=VALUE pairs: GOOS, GOARCH, the level variable (when the platform has one
/// and the toolchain knows it), CGO_ENABLED. Throws InputError when the toolchain cannot
/// build the platform (unsupported pair, or a level value newer than the installed Go).
using GoEnv = std::vector<std::pair<std::string, std::string>>;
GoEnv go_env_for(const Platform& platform, const GoToolchainInfo& toolchain, bool cgo = false);

/// Every level variable name Go reads; a clean build environment unsets the others.
const std::vector<std::string>& go_level_variable_names();

}  // namespace multiarch
