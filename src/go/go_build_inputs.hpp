#pragma once
// Every input that can change a Go binary, for its depfile: the local packages' files for one
// platform (and their directories), module and workspace files, the toolchain's identity.
#include <string>
#include <string_view>
#include <vector>

#include "go/go_list.hpp"
#include "platform/platform.hpp"

namespace multiarch {

struct GoBuildInputsContext {
  Platform platform;
  /// `go env GOWORK`: the go.work in use, or empty / "off".
  std::string go_work;
  /// GOROOT, used when no standard package in the graph names it (Root).
  std::string goroot;
  /// Listed when GOROOT has no VERSION file (a development toolchain): the go executable.
  std::string go_executable;
};

/// True when a file name's _GOOS/_GOARCH suffix (go/build's rule) admits `platform`, or the
/// name has no such suffix. "x_windows.go" is false for linux; "x_unix.go" is always true.
bool go_file_name_matches(std::string_view file_name, const Platform& platform);

/// The sorted, unique, absolute prerequisites of one binary:
/// - for each package of the main module(s), a local `replace` directory or a vendor folder:
///   its directory, the files compiled for this platform, //go:embed files and their
///   directories, and the files left out only by //go:build lines (an edit there can bring
///   them in), but not those excluded by a _GOOS/_GOARCH file name;
/// - go.mod, go.sum, vendor/modules.txt of each main module, go.mod of local replacements,
///   go.work and go.work.sum;
/// - the toolchain identity: $GOROOT/VERSION (or the go executable).
/// Packages from the module cache are covered by go.sum.
std::vector<std::string> go_build_inputs(const std::vector<GoListPackage>& packages,
                                         const GoBuildInputsContext& context);

}  // namespace multiarch
