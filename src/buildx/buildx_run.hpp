#pragma once
// Carrying out a strategy (buildx_strategy.hpp): the docker commands in order, the merge of
// per-platform results, and the final index digest. With dry_run the commands are printed,
// not run.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "buildx/buildx_attestations.hpp"
#include "buildx/buildx_commands.hpp"
#include "buildx/buildx_strategy.hpp"
#include "util/process.hpp"

namespace multiarch {

struct BuildxJob {
  BuildxRequest request;
  OutputKind output = OutputKind::push;
  std::filesystem::path layout_dir;   ///< --output-layout
  std::string layout_tag = "latest";  ///< ref.name of the image in the layout
  std::string image_name;             ///< io.containerd.image.name in the layout, or ""
  Platform host;
  /// The Dockerfile the legacy `docker build` uses for a platform (the generated one is
  /// rendered per platform; a user's is the same file for all).
  std::function<std::filesystem::path(const Platform&)> legacy_dockerfile;
  std::filesystem::path work_dir;  ///< metadata files and intermediate layouts
  bool dry_run = false;
  /// multiarch's SBOM and provenance, attached where multiarch writes the index (layout).
  BuildxAttestations attest;
  /// --push through a layout (pushes_attested_layout()): the strategy builds into layout_dir
  /// (in the work folder), attestations attached, and multiarch's registry client pushes it
  /// to every tag afterwards (BuildxBuild::publish_layout; buildx/ does not push itself).
  bool push_layout = false;
  /// True when the strategy writes the index into layout_dir: --output-layout or push_layout.
  bool writes_layout() const { return output == OutputKind::layout || push_layout; }
};

/// Whether `--push` goes through a layout that multiarch attests and pushes itself: with
/// --push, multiarch's own SBOM or provenance asked (the default) rather than none or
/// BuildKit's, and every tag naming its registry (REGISTRY/REPO:TAG). A tag without one is
/// Docker Hub's, which multiarch's registry client does not address: buildx pushes those.
bool pushes_attested_layout(const AttestationChoice& choice, OutputKind output,
                            const std::vector<std::string>& tags);

/// The strategy of `job`: choose_build_strategy() for its output, or for a layout when
/// job.push_layout, the reason then saying that multiarch attaches its attestations and
/// pushes the layout with its registry client.
StrategyChoice choose_job_strategy(const BuildEnvironment& environment, const BuildxJob& job);

struct BuildxOutcome {
  StrategyChoice choice;
  /// The image index digest (or the manifest digest for a single-platform load);
  /// "" in a dry run or when the builder did not report one.
  std::string digest;
  uint64_t index_size = 0;  ///< bytes of the index, when multiarch wrote or copied it (layout)
  /// or buildx reported it (imagetools create)
  std::string index_media_type;  ///< the index's media type when reported; "" = OCI index
  /// Per platform its manifest digest: when built one by one, or read from the layout.
  std::vector<std::pair<Platform, std::string>> platform_digests;
  /// Per platform its attestation manifest's digest, in platform_digests' order ("" for
  /// none); empty when multiarch attached none.
  std::vector<std::string> attestation_digests;
};

/// Runs `choice` for `job`, printing each command before it runs (and buildx's own progress)
/// to `log`. Throws RuntimeError naming the failed command; temporary images in the engine
/// are removed even then.
BuildxOutcome run_buildx_job(ProcessRunner& runner, const StrategyChoice& choice,
                             const BuildxJob& job, std::ostream& log);

/// Where the per-platform strategies push one platform before the index joins them:
/// "REPO:multiarch-staging-<slug>-<TAG>" (cut to the 128 characters a tag may have), so the
/// user's tag moves only once every platform is in the registry.
std::string staging_reference(const std::string& tag, const Platform& platform);

/// What buildx recorded in a --metadata-file about the image it made.
struct RecordedImage {
  std::string digest;      ///< "" when absent
  std::string media_type;  ///< from "containerimage.descriptor", "" when absent
  uint64_t size = 0;       ///< from "containerimage.descriptor", 0 when absent
};

/// The image in a --metadata-file: the digest from "containerimage.digest", else from
/// "containerimage.descriptor" (imagetools create writes only that); the media type and size
/// from the descriptor when it names that digest. Empty for unreadable JSON.
RecordedImage metadata_image(const std::string& metadata_json);

/// metadata_image(metadata_json).digest.
std::string metadata_digest(const std::string& metadata_json);

/// The digest in `docker push` / `docker manifest push` output ("...digest: sha256:... size"
/// or a bare "sha256:..." line); "" when none.
std::string pushed_digest(const std::string& output);

}  // namespace multiarch
