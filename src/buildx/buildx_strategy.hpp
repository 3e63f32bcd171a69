#pragma once
// How `multiarch buildx` gets a multi-platform image out of whatever builder is there.
// Builders differ: the docker driver without the containerd image store can neither export
// an OCI layout nor a multi-platform image; docker-container, remote and kubernetes builders
// (and the docker driver with the containerd store) can. Without buildx only the legacy
// `docker build` is left. The choice and the reason are printed, so users learn why.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "buildx/build_environment.hpp"

namespace multiarch {

/// Where the image goes.
enum class OutputKind { push, load, layout };

enum class BuildStrategy {
  /// One `docker buildx build --platform a,b,c` exporting straight to the output.
  multi_platform,
  /// `docker buildx build --load` per platform into the engine, `docker save`, and multiarch
  /// merges the images into one OCI index (the output layout).
  per_platform_merge,
  /// `docker buildx build --push` per platform, then `docker buildx imagetools create`
  /// writes the index that references the pushed manifests by digest.
  per_platform_push,
  /// No buildx: the legacy `docker build` per platform with the TARGET* values passed as
  /// build args; merged by multiarch (layout) or by `docker manifest` (push).
  docker_build,
};

/// "multi-platform", "per-platform-merge", "per-platform-push", "docker-build".
std::string_view strategy_name(BuildStrategy strategy);

struct StrategyChoice {
  BuildStrategy strategy;
  std::string reason;  ///< one sentence: why this strategy, naming the builder and driver
};

/// Picks the strategy for `platform_count` platforms going to `output`. Throws RuntimeError
/// (with the command that fixes it) when nothing here can produce that output: no docker CLI,
/// an unreachable engine where one is needed, a builder that does not exist, or several
/// platforms loaded into an engine that stores one platform per tag.
StrategyChoice choose_build_strategy(const BuildEnvironment& environment, OutputKind output,
                                     size_t platform_count, const std::string& builder_flag);

/// "" when the image's times (config and history "created", hence its digest) follow
/// SOURCE_DATE_EPOCH with `choice`; else one sentence naming the builder, why it cannot, and
/// the fix. BuildKit honours SOURCE_DATE_EPOCH from v0.11 (docs/build-repro.md of
/// moby/buildkit); Docker 20.10's embedded BuildKit (v0.8) and the legacy builder ignore it.
/// The strategies that merge into a layout are fine whatever the builder: multiarch writes
/// the times itself. A node whose version cannot be read is assumed to be recent.
std::string epoch_limitation(const BuildEnvironment& environment, const StrategyChoice& choice,
                             OutputKind output);

/// "v0.8+unknown" -> {0, 8}; "v0.34.2" -> {0, 34}; nullopt when not a version.
std::optional<std::pair<int, int>> parse_buildkit_version(std::string_view text);

}  // namespace multiarch
