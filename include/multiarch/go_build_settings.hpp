#pragma once
// The build settings Go embeds in every binary (`go version -m`): the outside check that a
// binary was built with the GOOS/GOARCH/level variable it claims.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "multiarch/go_env.hpp"

namespace multiarch {

/// The "build KEY=VALUE" lines of `go version -m BINARY` (GOOS, GOARCH, GOARM, CGO_ENABLED,
/// -trimpath, ...). Lines of other kinds (path, mod, dep) are skipped.
std::map<std::string, std::string> parse_go_build_settings(std::string_view go_version_m_output);

/// nullopt when every variable of `env` that Go records (GOOS, GOARCH, the level variable,
/// CGO_ENABLED) has the same value in `settings`; otherwise what differs, e.g.
/// "GOARM=7 (wanted GOARM=6)" or "no GOAMD64 (wanted GOAMD64=v3)".
std::optional<std::string> go_build_settings_mismatch(
    const std::map<std::string, std::string>& settings, const GoEnv& env);

}  // namespace multiarch
