#pragma once
// The one timestamp of a reproducible image (https://reproducible-builds.org/specs/
// source-date-epoch/), chosen the same way by `multiarch image assemble` and `multiarch buildx`:
// --source-date-epoch, else $SOURCE_DATE_EPOCH, else the committer time of the last commit of
// the git work tree holding the module, else 0. docs/image.md ("The epoch") documents the rule.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "util/process.hpp"

namespace multiarch {

/// The last commit of a git work tree: committer time (seconds since 1970) and full hash.
struct GitCommit {
  int64_t time = 0;
  std::string hash;
};

/// `git -C DIR log -1 --format=%ct %H`; nullopt when git is not installed, DIR is in no work
/// tree, the tree has no commit yet, or the output is not "SECONDS HASH". Never throws.
std::optional<GitCommit> last_git_commit(ProcessRunner& runner, const std::filesystem::path& dir);

/// Seconds since 1970 as SOURCE_DATE_EPOCH spells them: 1 to 12 decimal digits. Throws
/// InputError naming `what` (the flag or variable) otherwise.
int64_t parse_epoch_seconds(const std::string& text, const std::string& what);

/// Where the epoch comes from. `flag` and `environment` are the raw texts (nullopt when not
/// given; an empty $SOURCE_DATE_EPOCH counts as not set, as in the specification).
struct EpochInputs {
  std::optional<std::string> flag;         ///< --source-date-epoch
  std::optional<std::string> environment;  ///< $SOURCE_DATE_EPOCH
  std::filesystem::path module_dir;        ///< the git work tree to ask; "" asks none
};

struct SourceDateEpoch {
  int64_t seconds = 0;
  /// For the progress line: "--source-date-epoch", "SOURCE_DATE_EPOCH", "last commit in DIR"
  /// or "default (no SOURCE_DATE_EPOCH, no git history)".
  std::string source;
  /// Set when git was asked (only when neither the flag nor the variable gave the epoch)
  /// and answered: callers reuse its hash instead of running git again.
  std::optional<GitCommit> commit;
  bool asked_git = false;
};

/// Applies the rule above. Throws InputError for a malformed flag or variable (a malformed
/// value is never skipped for the next source: the user meant it).
SourceDateEpoch resolve_source_date_epoch(ProcessRunner& runner, const EpochInputs& inputs);

/// $SOURCE_DATE_EPOCH of this process, nullopt when unset or empty.
std::optional<std::string> source_date_epoch_from_environment();

}  // namespace multiarch
