#pragma once
// The build settings Go embeds in every binary (`go version -m`): the outside check that a
// binary was built with the GOOS/GOARCH/level variable it claims.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "go/go_env.hpp"

namespace multiarch {

/// The "build KEY=VALUE" lines of `go version -m BINARY` (GOOS, GOARCH, GOARM, CGO_ENABLED,
/// -trimpath, ...), with or without the leading tab `go version -m` adds. Lines of other
/// kinds (path, mod, dep) are skipped.
std::map<std::string, std::string> parse_go_build_settings(std::string_view go_version_m_output);

/// What Go's linker embeds in a binary (Go 1.18 and later): the Go version and the module
/// info text whose "build" lines `go version -m` prints.
struct GoBuildInfo {
  std::string go_version;   // "go1.26.8"
  std::string module_info;  // "path\t...\nmod\t...\nbuild\tGOOS=linux\n..."
};

/// Finds the build info blob ("\xff Go buildinf:", inline-string format)
/// in the bytes of an executable, as Go's debug/buildinfo does, without running `go`.
/// nullopt when there is none in that format (not a Go binary, or Go older than 1.18).
std::optional<GoBuildInfo> find_go_build_info(std::string_view executable);

/// nullopt when every variable of `env` that Go records (GOOS, GOARCH, the level variable,
/// CGO_ENABLED) has the same value in `settings`; otherwise what differs, e.g.
/// "GOARM=7 (wanted GOARM=6)" or "no GOAMD64 (wanted GOAMD64=v3)".
std::optional<std::string> go_build_settings_mismatch(
    const std::map<std::string, std::string>& settings, const GoEnv& env);

}  // namespace multiarch
