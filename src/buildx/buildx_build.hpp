#pragma once
// One `multiarch buildx` build after its inputs are checked and its strategy chosen: stage the
// build context in a private work folder, write the Dockerfile(s), run the strategy
// (buildx_run.hpp) and write the depfile. The options are checked before this is called; what
// can only be checked against the staged context (a user Dockerfile's COPY sources) is checked
// here, before anything runs.
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "buildx/build_context.hpp"
#include "buildx/buildx_run.hpp"
#include "buildx/dockerfile_generator.hpp"
#include "go/source_date_epoch.hpp"

namespace multiarch {

struct BuildxBuild {
  BuildxJob job;     ///< request.context, request.dockerfile and work_dir are filled here
  ContextPlan plan;  ///< plan_build_context() of the binaries and --file inputs
  DepfileRequest depfile;
  /// The user's Dockerfile (absolute, checked to exist); nullopt: render `generated`.
  std::optional<std::filesystem::path> user_dockerfile;
  DockerfileSpec generated;  ///< validated by render_dockerfile() already
  SourceDateEpoch epoch;     ///< job.request.epoch is epoch.seconds
};

/// Runs `build` with `choice`, logging the epoch, the context and each command to `log`.
/// In a dry run the work folder is kept (its path is logged) and nothing else is written.
/// Returns the outcome to render; throws InputError when the user's Dockerfile COPYs what the
/// context lacks (context_sources.hpp), RuntimeError naming a failed command.
BuildxOutcome run_buildx_build(ProcessRunner& runner, const StrategyChoice& choice,
                               BuildxBuild& build, std::ostream& log);

}  // namespace multiarch
