#pragma once
// What `multiarch buildx` prints once the build ran: each platform's digest (when built one by
// one) and where the image went on stderr, the image digest alone on stdout (docs/buildx.md).
#include <ostream>

#include "buildx/buildx_run.hpp"

namespace multiarch::cli {

void render_buildx_outcome(std::ostream& out, std::ostream& err, const BuildxJob& job,
                           const BuildxOutcome& outcome);

}  // namespace multiarch::cli
