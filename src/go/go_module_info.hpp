#pragma once
// The module information Go embeds in every binary (Go 1.18+), parsed: what
// runtime/debug.BuildInfo holds. Source: Go's runtime/debug/mod.go (ParseBuildInfo), whose
// text format is one line per fact, tab-separated:
//   path    example.com/cmd/app                 (the main package)
//   mod     example.com/app  v1.2.3  h1:...     (the main module; version "(devel)" often)
//   dep     golang.org/x/text  v0.14.0  h1:...  (every module linked in)
//   =>      ../text  (empty version, no sum)    (the replacement of the line before)
//   build   -ldflags=-s -w                      (build settings; values may hold '=')
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "go/go_build_settings.hpp"

namespace multiarch {

struct GoModule {
  std::string path;     ///< "github.com/go-kratos/kratos/v2"
  std::string version;  ///< "v2.8.3", "(devel)" for an unversioned main module
  std::string sum;      ///< the go.sum hash "h1:<base64 SHA-256>", "" when Go recorded none
  /// The `=>` replacement: a module at another path/version, or a local folder (no version,
  /// no sum). Empty when the module is not replaced.
  std::string replace_path;
  std::string replace_version;
  std::string replace_sum;
};

struct GoModuleInfo {
  std::string go_version;                       ///< "go1.26.8"
  std::string package_path;                     ///< the `path` line: the main package
  GoModule main;                                ///< the `mod` line (empty path for a GOPATH build)
  std::vector<GoModule> deps;                   ///< the `dep` lines, in Go's order (sorted by path)
  std::map<std::string, std::string> settings;  ///< the `build` lines
};

/// Parses the module info text (as GoBuildInfo::module_info, or `go version -m` output with
/// its leading tabs). Unknown line kinds are skipped, as Go's parser would reject them only
/// in a version Go itself does not write. Never throws.
GoModuleInfo parse_go_module_info(std::string_view go_version, std::string_view module_info);

/// Reads a binary's embedded build info and parses it; nullopt when the bytes hold none.
std::optional<GoModuleInfo> go_module_info_of(std::string_view executable);

/// The SHA-256 in a go.sum hash "h1:<base64>" as 64 lower-case hex digits; nullopt for other
/// forms (Go's dirhash "h1" is the only one in use, golang.org/x/mod/sumdb/dirhash).
std::optional<std::string> go_sum_sha256_hex(std::string_view sum);

}  // namespace multiarch
