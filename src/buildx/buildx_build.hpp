#pragma once
// One `multiarch buildx` build after its inputs are checked and its strategy chosen: stage the
// build context in a private work folder, write the Dockerfile(s), run the strategy
// (buildx_run.hpp) and write the depfile. The options are checked before this is called; what
// can only be checked against the staged context (a user Dockerfile's COPY sources) is checked
// here, before anything runs.
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "buildx/build_context.hpp"
#include "buildx/buildx_run.hpp"
#include "buildx/dockerfile_generator.hpp"
#include "go/source_date_epoch.hpp"
#include "image/image_metadata.hpp"

namespace multiarch {

struct BuildxBuild {
  BuildxJob job;     ///< request.context, request.dockerfile and work_dir are filled here
  ContextPlan plan;  ///< plan_build_context() of the binaries and --file inputs
  DepfileRequest depfile;
  /// The user's Dockerfile (absolute, checked to exist); nullopt: render `generated`.
  std::optional<std::filesystem::path> user_dockerfile;
  DockerfileSpec generated;  ///< validated by render_dockerfile() already
  SourceDateEpoch epoch;     ///< job.request.epoch is epoch.seconds
  /// --metadata-file: buildx_metadata() is written here after a build that reported a digest.
  std::filesystem::path metadata_file;
  /// --sbom, --provenance: job.attest and job.request's flags follow it; the run logs
  /// attestation_note() of it.
  AttestationChoice attestations;
  /// With job.push_layout: pushes the layout (job.layout_dir, outcome.digest its index) to
  /// every tag and returns the metadata file of the push. Set by the CLI, which may use
  /// publish/ (buildx/ may not); called after the strategy, before the depfile is written.
  std::function<ImageMetadata(const std::filesystem::path& layout, const BuildxOutcome& outcome)>
      publish_layout;
};

/// The metadata file (image/image_metadata.hpp) of a finished build: the first tag's
/// repository and tag, every tag as image.name, the index digest (and size, for a layout),
/// per-platform digests when built one by one or read from the layout (sizes unknown: 0) with
/// their attestation manifests' digests when multiarch attached them, and REF@DIGEST per tag
/// after a push.
ImageMetadata buildx_metadata(const BuildxJob& job, const BuildxOutcome& outcome);

/// Runs `build` with `choice`, logging the epoch, the context and each command to `log`.
/// Says what attestations the image gets (attestation_note()). In a dry run the work folder
/// is kept (its path is logged) and nothing else is written;
/// otherwise the depfile and the metadata file (when asked for) are written at the end. With
/// job.push_layout the layout goes into the work folder and publish_layout() pushes it.
/// Returns the outcome to render; throws InputError when the user's Dockerfile COPYs what the
/// context lacks (context_sources.hpp), RuntimeError naming a failed command.
BuildxOutcome run_buildx_build(ProcessRunner& runner, const StrategyChoice& choice,
                               BuildxBuild& build, std::ostream& log);

}  // namespace multiarch
