#pragma once
// The package graph from `go list -deps -json=...`: what each package of a build compiles for
// one platform, as the go command itself decides (build constraints, cgo, embed patterns).
#include <string>
#include <string_view>
#include <vector>

namespace multiarch {

struct GoListModule {
  std::string path;
  std::string dir;
  std::string go_mod;          ///< the go.mod file the go command used for this module
  bool main = false;           ///< the main module, or a workspace module
  bool local_replace = false;  ///< replaced by a local directory (`replace x => ../x`)
};

struct GoListPackage {
  std::string import_path;
  std::string dir;
  std::string root;  ///< GOROOT for standard packages
  bool standard = false;
  bool has_module = false;
  GoListModule module;
  /// Files compiled into the binary for this platform, relative to `dir`: Go, cgo, C, C++,
  /// Objective-C, Fortran, headers, assembly, SWIG, syso and //go:embed files.
  std::vector<std::string> files;
  /// Files the build constraints left out for this platform (IgnoredGoFiles and
  /// IgnoredOtherFiles), relative to `dir`.
  std::vector<std::string> ignored_files;
  std::string error;  ///< the package's load error, if any
  /// The import paths this package imports (after vendoring), to tell which packages each
  /// of several roots needs.
  std::vector<std::string> imports;
  bool dep_only = false;  ///< only a dependency of the packages asked for, not one of them
};

/// The fields to request with `go list -json=FIELDS`: asking only for these is much faster
/// than a full -json (no staleness computation).
const std::string& go_list_json_fields();

/// Parses go list's output, a stream of concatenated JSON objects. Throws RuntimeError on
/// malformed output.
std::vector<GoListPackage> parse_go_list_json(std::string_view output);

}  // namespace multiarch
