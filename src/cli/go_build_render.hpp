#pragma once
// What `multiarch go-build` prints: the plan (--dry-run, text or JSON), one progress line per
// finished platform and the summary on stderr, the JSON result (--json) on stdout.
// docs/go-build.md shows each.
#include <ostream>
#include <vector>

#include "go/go_build.hpp"

namespace multiarch::cli {

/// Per platform and go build: "# PLATFORM -> OUTPUT[, OUTPUT...]", then its cd, env and go
/// commands (or "up to date" per binary); with `json` the plan object with one entry per
/// platform (several binaries: {"binaries": [plan objects]}). `force` ignores the stamps.
void render_go_build_dry_run(std::ostream& out, const std::vector<GoBuildPlan>& group, bool force,
                             bool json);

/// "[DONE/TOTAL] PLATFORM OUTPUT 1.2s" (or "PLATFORM FAILED 1.2s: OUTPUT: error"), then go's own
/// messages; successes are silent when `quiet`.
void render_go_build_progress(std::ostream& err, const GoBuildResult& result, size_t done,
                              size_t total, bool quiet);

/// The plan object with ok, seconds and each platform's result (sha256, size, up_to_date or
/// error and go_messages); several binaries: {"ok", "seconds", "binaries": [plan objects]}.
/// `results` is [binary][platform].
void render_go_build_json(std::ostream& out, const std::vector<GoBuildPlan>& group,
                          const std::vector<std::vector<GoBuildResult>>& results, double seconds);

/// The closing line on stderr: which binaries and platforms failed (then false), or how many
/// were built in how long with how many platforms at once (nothing when `quiet` or for one
/// binary of one platform).
bool render_go_build_summary(std::ostream& err,
                             const std::vector<std::vector<GoBuildResult>>& results, double seconds,
                             unsigned jobs, bool quiet);

}  // namespace multiarch::cli
