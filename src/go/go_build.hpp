#pragma once
// `multiarch go-build`: the exact environment per platform, one `go build` per platform for
// every stale package of a group, run in parallel, verified, written atomically, with a
// depfile and stamp per binary listing every input.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "go/go_env.hpp"
#include "platform/platform.hpp"
#include "util/file_stamp.hpp"
#include "util/process.hpp"

namespace multiarch {

/// What the user asked for (after parsing and defaulting; see go_build_command.cpp).
struct GoBuildOptions {
  std::string go = "go";
  std::filesystem::path module_dir = ".";
  std::string package;
  std::vector<Platform> platforms;
  std::filesystem::path output_dir = "out";
  std::string name;     ///< empty: default_binary_name()
  std::string version;  ///< stamped with -X main.Version=
  std::string ldflags;  ///< appended to multiarch's own -ldflags
  std::string tags;     ///< -tags, also given to go list
  bool trimpath = true;
  bool strip = true;  ///< -s -w
  bool cgo = false;
  /// Per platform string: CC (and CXX) for cgo builds (resolve_cross_compilers()).
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> compilers;
  std::vector<std::string> go_flags;  ///< extra build flags, also given to go list
  std::string depfile;                ///< may hold "{slug}" and "{name}"; empty: none
};

/// One binary of a group: the package to build and the name of its file.
struct GoBuildBinary {
  std::string package;
  std::string name;  ///< empty: default_binary_name()
};

/// The exact work for one platform.
struct GoBuildStep {
  Platform platform;
  GoEnv env;                             ///< GOOS, GOARCH, level variable, CGO_ENABLED, CC...
  std::vector<std::string> env_unset;    ///< inherited variables removed (stray GOARM, ...)
  std::vector<std::string> build_argv;   ///< `-o` is followed by `output`
  size_t output_arg = 0;                 ///< index of the output path in build_argv
  std::vector<std::string> list_argv;    ///< go list for the depfile; empty without one
  std::filesystem::path output;          ///< absolute
  std::filesystem::path display_output;  ///< as the user wrote the output dir
  std::filesystem::path depfile;         ///< absolute; empty without one
};

struct GoBuildPlan {
  std::string go;
  std::filesystem::path module_dir;  ///< absolute; every go command runs there
  std::string package;
  std::string name;
  std::string version;
  GoToolchainInfo toolchain;
  std::vector<GoBuildStep> steps;
};

/// The binary name `go build` would pick: the package path's last element (skipping a /vN
/// major-version suffix); for "." the module directory's name.
std::string default_binary_name(const std::string& package,
                                const std::filesystem::path& module_dir);

/// Checks every input and derives the steps. Throws InputError naming the bad input: a
/// missing module dir or go.mod, an invalid name, version or package, a depfile without
/// "{slug}" for several platforms, a platform this Go cannot build.
GoBuildPlan plan_go_build(const GoBuildOptions& options, const GoToolchainInfo& toolchain);

/// A plan per binary, all with `options`' flags and platforms (its package and name are
/// replaced by each binary's): what one go-build of several packages builds. Throws
/// InputError as plan_go_build() does, when two binaries would write the same file ("give
/// each --package its own --name"), and when several binaries share a --depfile without
/// "{name}".
std::vector<GoBuildPlan> plan_go_build_group(const GoBuildOptions& options,
                                             const std::vector<GoBuildBinary>& binaries,
                                             const GoToolchainInfo& toolchain);

/// Which of `stale` (indexes into `group`) one `go build` per entry builds together for
/// platform `step_index`: Go writes each main package of `go build -o DIR/ pkgA pkgB` to
/// DIR/<last element of its import path> (cmd/go: Package.DefaultExecName), so packages that
/// would get the same file name (a/cmd/server, b/cmd/server), or whose name Go derives from
/// the module path (".") or a pattern ("./..."), go to separate invocations; so do binaries
/// whose flags differ. Order is kept: the first invocation takes every binary it can.
std::vector<std::vector<size_t>> go_build_invocations(const std::vector<GoBuildPlan>& group,
                                                      size_t step_index,
                                                      const std::vector<size_t>& stale);

/// The argv of one invocation (go_build_invocations()) writing to `output`: the step's own
/// argv for a single binary (`output` a file); for several, `-o` OUTPUT/ (a folder, which
/// must exist) and every package in place of the one.
std::vector<std::string> go_build_invocation_argv(const std::vector<GoBuildPlan>& group,
                                                  size_t step_index,
                                                  const std::vector<size_t>& invocation,
                                                  const std::filesystem::path& output);

/// The outcome for one platform.
struct GoBuildResult {
  Platform platform;
  bool ok = false;
  bool up_to_date = false;  ///< nothing changed since the last build: no go was run
  std::filesystem::path output;
  std::filesystem::path display_output;
  std::filesystem::path depfile;
  std::vector<std::string> inputs;  ///< the depfile's prerequisites, when it has one
  std::string sha256;               ///< when hashing was asked for
  uintmax_t size = 0;
  double seconds = 0;
  std::string error;        ///< one line: what failed
  std::string go_messages;  ///< Go's own output (compiler errors, downloads)
};

struct GoBuildRunOptions {
  unsigned jobs = 1;
  bool hash = false;
  /// Build even when a platform's stamp says it is up to date (see go_build_stamp.hpp).
  bool force = false;
  /// How output, depfile and input stamps are read (nullptr: stat(2)); unit tests age
  /// files through a fake instead of touching them.
  const FileStatter* files = nullptr;
  /// Called once when another run holds the output folder's lock, before waiting for it.
  std::function<void(const std::string&)> on_wait;
  /// Called (serialized) as each platform finishes: result, finished count, total.
  std::function<void(const GoBuildResult&, size_t, size_t)> on_finished;
};

/// Runs every step: go build to a temporary sibling, header check, build-settings check,
/// go list for the depfile, rename over the output, then the depfile and its stamp
/// (atomically). A step with a depfile whose stamp shows nothing changed runs no go at all
/// (unless `force`). A failed
/// step leaves the previous output and depfile untouched. Never throws for a failed
/// platform: each result says what happened. Results are in plan order.
std::vector<GoBuildResult> run_go_build(ProcessRunner& runner, const GoBuildPlan& plan,
                                        const GoBuildRunOptions& options);

/// run_go_build() for a group (plan_go_build_group()): per platform (in parallel, `jobs` at
/// once; a platform's invocations too) the stale binaries are built by one `go build` per
/// go_build_invocations() entry and
/// their inputs listed by one `go list -deps`; each binary keeps its own verification,
/// depfile and stamp, so an up-to-date binary is never rebuilt or touched. When an
/// invocation of several packages fails, each is built alone to tell which failed.
/// Results: [binary][platform], in plan order; `on_finished` gets every binary of every
/// platform (total = binaries x platforms).
std::vector<std::vector<GoBuildResult>> run_go_build_group(ProcessRunner& runner,
                                                           const std::vector<GoBuildPlan>& group,
                                                           const GoBuildRunOptions& options);

}  // namespace multiarch
