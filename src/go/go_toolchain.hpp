#pragma once
// Asks the installed `go` what it is and what it can build for; optionally remembers the
// answer in a folder (the build folder), keyed on the toolchain, so a build that starts one
// go-build per binary asks once per toolchain instead of once per binary.
#include <filesystem>
#include <string>

#include "go/go_env.hpp"
#include "util/file_stamp.hpp"
#include "util/process.hpp"

namespace multiarch {

/// Runs `go env GOVERSION GOROOT` and `go tool dist list`. Throws RuntimeError with an
/// install hint when `go` is missing or fails.
GoToolchainInfo query_go_toolchain(ProcessRunner& runner, const std::string& go = "go");

/// What decides the answers of query_go_toolchain() and of `go env GOWORK` in `module_dir`
/// without running go: the go executable found on PATH (its path and stat: size, mtime,
/// inode, device), the caller's GO* variables (GOROOT, GOTOOLCHAIN, GOWORK, ...), and the
/// go.mod and go.work `module_dir` falls under (a `toolchain` line switches Go). A hash; ""
/// when `go` is not found (nothing to cache).
std::string go_toolchain_key(const std::string& go, const std::filesystem::path& module_dir,
                             const FileStatter& files);

/// query_go_toolchain() and `go env GOWORK`, asked in `module_dir` in one `go env`, through
/// a cache in `cache_dir`: one JSON file per go executable and module folder, holding
/// go_toolchain_key() and the answers, written atomically (temporary file and rename), so
/// parallel go-build processes never read half a file. A missing, unreadable or stale file
/// (the key differs: another toolchain) is asked again and rewritten.
GoToolchainInfo cached_go_toolchain(ProcessRunner& runner, const std::string& go,
                                    const std::filesystem::path& module_dir,
                                    const std::filesystem::path& cache_dir,
                                    const FileStatter& files);

}  // namespace multiarch
