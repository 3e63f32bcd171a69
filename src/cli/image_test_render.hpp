#pragma once
// What `multiarch image test` prints on stdout: the plan (--dry-run) and the result, one line
// per platform (then its cause and last output lines when it failed) or JSON (--json).
// docs/test.md shows both.
#include <ostream>
#include <vector>

#include "publish/image_test.hpp"

namespace multiarch::cli {

/// One line per platform: "linux/arm/v6     cpu arm1176      bwrap + qemu-arm-static ...",
/// or "... cannot be tested here: <why>".
void render_image_test_plan(std::ostream& out, const std::vector<PlannedPlatformTest>& plan,
                            const ImageTestOptions& options);

/// "PASS linux/arm64  0.4 s  cpu cortex-a53  exit 0" lines and a summary, or with `json` the
/// object {index_digest, passed, platforms: [{platform, manifest_digest, passed, ran,
/// seconds, cpu_model, runner, check, exit_code, cause, output_tail}]}.
void render_image_test_report(std::ostream& out, const ImageTestReport& report, bool json);

}  // namespace multiarch::cli
