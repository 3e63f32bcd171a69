#pragma once
// A light reading of a user's Dockerfile: does it run programs while building? RUN steps of a
// foreign platform execute under emulation in the builder, so they need binfmt_misc with the
// F flag (or a native node); COPY-only Dockerfiles do not.
#include <string>
#include <string_view>
#include <vector>

namespace multiarch {

/// True when an instruction (not a comment, not a continuation line) is RUN, in any case.
bool dockerfile_has_run_steps(std::string_view dockerfile);

}  // namespace multiarch

namespace multiarch {

/// One source of a COPY or ADD that reads the build context (not --from=, not a URL, not a
/// heredoc), as written: "app/user/service/configs", "${TARGETOS}_${TARGETARCH}/user".
struct DockerfileContextSource {
  int line = 0;             ///< 1-based line of the instruction
  std::string instruction;  ///< "COPY" or "ADD"
  std::string source;
};

/// The context sources of every COPY and ADD (shell and JSON forms, continuation lines
/// joined, flags such as --chown skipped), in order.
std::vector<DockerfileContextSource> dockerfile_context_sources(std::string_view dockerfile);

}  // namespace multiarch
