#pragma once
// A light reading of a user's Dockerfile: does it run programs while building? RUN steps of a
// foreign platform execute under emulation in the builder, so they need binfmt_misc with the
// F flag (or a native node); COPY-only Dockerfiles do not.
#include <string_view>

namespace multiarch {

/// True when an instruction (not a comment, not a continuation line) is RUN, in any case.
bool dockerfile_has_run_steps(std::string_view dockerfile);

}  // namespace multiarch
