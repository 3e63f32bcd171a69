#pragma once
// What the Docker side of this machine can do: the docker CLI, the engine (`docker info`),
// the buildx plugin (`docker buildx version`) and a builder (`docker buildx inspect`).
// `multiarch buildx` picks its strategy from this, `multiarch doctor` reports it.
// Parsing is separate from running so unit tests feed recorded outputs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/platform.hpp"
#include "util/process.hpp"

namespace multiarch {

/// One node of a builder, as `docker buildx inspect` prints it.
struct BuilderNode {
  std::string name;
  std::string endpoint;
  std::string status;            ///< "running", "inactive", "stopped", ...
  std::string buildkit_version;  ///< "v0.34.2", "v0.8+unknown"
  /// The platforms the node's workers declare (natively or through binfmt emulation),
  /// normalized; entries multiarch cannot parse are kept out.
  std::vector<Platform> platforms;
};

struct BuilderInfo {
  std::string name;
  std::string driver;    ///< "docker", "docker-container", "remote", "kubernetes"
  bool current = false;  ///< the builder `docker buildx build` uses without --builder
  std::vector<BuilderNode> nodes;
  /// The union of the nodes' platforms, in first-seen order.
  std::vector<Platform> platforms() const;
};

/// Parses the text of `docker buildx inspect [NAME]` (stable since buildx 0.5).
/// Throws RuntimeError when there is no "Driver:" line.
BuilderInfo parse_buildx_inspect(std::string_view text);

/// Parses `docker buildx ls --format json` (buildx >= 0.13: one JSON object per line).
/// Throws RuntimeError when a line is not such an object.
std::vector<BuilderInfo> parse_buildx_ls_json(std::string_view text);

/// "github.com/docker/buildx v0.38.2 abc123" -> "v0.38.2"; "" when not recognized.
std::string parse_buildx_version(std::string_view text);

/// The engine as `docker info --format '{{json .}}'` describes it.
struct EngineInfo {
  std::string server_version;  ///< "20.10.24+dfsg1"
  std::string storage_driver;  ///< "overlay2", "fuse-overlayfs", "overlayfs" ...
  std::string os_type;         ///< "linux"
  std::string architecture;    ///< uname's spelling: "x86_64"
  /// Docker's containerd image store ("driver-type io.containerd.snapshotter.v1"): with it
  /// the docker driver can store and export multi-platform images.
  bool containerd_image_store = false;
};

/// Throws RuntimeError when the text is not the JSON of `docker info`.
EngineInfo parse_docker_info_json(std::string_view json);

/// Everything detected, with the reason when a part is missing.
struct BuildEnvironment {
  std::string docker_client_version;  ///< "" when the docker CLI is missing
  std::optional<EngineInfo> engine;   ///< nullopt when the daemon cannot be reached
  std::string engine_error;           ///< first line of docker's error, when unreachable
  std::string buildx_version;         ///< "" when `docker buildx` does not work
  std::optional<BuilderInfo> builder;
  std::string builder_error;  ///< why `docker buildx inspect` failed

  bool has_docker() const { return !docker_client_version.empty(); }
  bool has_buildx() const { return !buildx_version.empty(); }
  /// The builder can build several platforms in one call and export them as one index
  /// (OCI, registry, or into the engine): every driver but "docker", and the docker
  /// driver when the engine uses the containerd image store.
  bool builder_exports_multi_platform() const;
  /// The builder can write `--output type=oci` (same condition as above).
  bool builder_exports_oci() const { return builder_exports_multi_platform(); }
};

/// Runs the read-only queries (`docker version`, `docker info`, `docker buildx version`,
/// `docker buildx inspect [builder]`) through `runner`. Never throws for a missing tool:
/// the fields say what is absent. An empty `builder` means the current builder.
BuildEnvironment detect_build_environment(ProcessRunner& runner, const std::string& builder,
                                          const std::string& docker = "docker");

/// Only what `multiarch buildx` needs to pick a strategy, in as few docker calls as possible
/// (each costs ~0.1 s, a lot next to a cache-hit build): `docker buildx inspect [builder]`
/// first; `docker buildx version` only when that fails (is buildx there at all?); `docker
/// info` only when the engine matters (the docker driver, no buildx, or `with_engine`, e.g.
/// for --load). docker_client_version and buildx_version then say "detected", not versions.
BuildEnvironment detect_builder(ProcessRunner& runner, const std::string& builder, bool with_engine,
                                const std::string& docker = "docker");

}  // namespace multiarch
