#pragma once
// The up-to-date record of one go-build platform, kept next to its depfile: what Ninja does
// for a build edge (command hash, input mtimes), done by go-build itself so that a direct
// re-run (`make docker-deployx`, a CI step) with nothing changed runs no `go` either.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "go/go_build.hpp"
#include "util/file_stamp.hpp"

namespace multiarch {

struct GoBuildStamp {
  std::string key;              ///< go_build_key() of the command that built the output
  int64_t started_ns = 0;       ///< when that build started (the file-system clock)
  int64_t output_mtime_ns = 0;  ///< the output as that build left it
  uintmax_t output_size = 0;
  std::vector<std::string> inputs;  ///< the depfile's prerequisites
};

/// Where the stamp of a depfile lives: "<depfile>.stamp".
std::filesystem::path go_build_stamp_path(const std::filesystem::path& depfile);

/// A hash of everything besides the inputs that decides the binary: the build argv (with the
/// final output path), the step's environment and removals, the toolchain (path, version,
/// GOROOT), and `caller_env`: the caller's GO*, CGO_*, CC, CXX variables that Go reads.
std::string go_build_key(const GoBuildPlan& plan, const GoBuildStep& step,
                         const std::map<std::string, std::string>& caller_env);

/// The variables of this process's environment that go_build_key() takes into account.
std::map<std::string, std::string> go_relevant_environment();

/// Now, on the clock the kernel stamps file modification times with (coarse): a file
/// written after this call never has an older mtime.
int64_t file_clock_now_ns();

/// Writes the stamp atomically (JSON).
void write_go_build_stamp(const std::filesystem::path& path, const GoBuildStamp& stamp);

/// The stamp at `stamp_path` when it was made by the same `key`, the output and the depfile
/// are still there with the output as that build left it, and every input exists and is
/// older than the start of that build; nullopt (build again) otherwise, or when anything is
/// unreadable. The output, depfile and inputs are looked at through `files`.
std::optional<GoBuildStamp> go_build_up_to_date(const std::filesystem::path& stamp_path,
                                                const std::string& key,
                                                const std::filesystem::path& output,
                                                const std::filesystem::path& depfile,
                                                const FileStatter& files);

/// Whether `run_go_build` would skip this step now (it has a depfile and its stamp, checked
/// with this process's environment, shows nothing changed): what --dry-run reports.
bool go_build_step_up_to_date(const GoBuildPlan& plan, const GoBuildStep& step,
                              const FileStatter& files);

}  // namespace multiarch
