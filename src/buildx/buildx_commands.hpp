#pragma once
// The exact docker commands `multiarch buildx` runs, as argv (never a shell string), so
// --dry-run prints what would run and unit tests check every flag.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "platform/platform.hpp"
#include "util/process.hpp"

namespace multiarch {

/// What every build command shares.
struct BuildxRequest {
  std::filesystem::path context;     ///< the staged context folder
  std::filesystem::path dockerfile;  ///< absolute (may live outside the context)
  std::vector<Platform> platforms;
  std::vector<std::string> tags;  ///< full references, first one used per platform
  std::vector<std::pair<std::string, std::string>> build_args;
  std::string builder;  ///< "" = the current builder
  std::vector<std::string> cache_from;
  std::vector<std::string> cache_to;
  std::string provenance = "false";  ///< passed as --provenance=VALUE (buildx)
  /// Passed as --sbom=VALUE. Off by default like provenance: BuildKit's SBOM generator is an
  /// image (docker/buildkit-syft-scanner) it must pull, and attestations change the index
  /// digest on every build whose provenance records times (docs/supply-chain.md).
  std::string sbom = "false";
  int64_t epoch = 0;  ///< SOURCE_DATE_EPOCH build arg (BuildKit >= 0.11)
  std::string docker = "docker";
};

/// `docker buildx build` for `platforms` with the given output flags, e.g.
/// {"-t", REF, "--push"} or {"--output", "type=oci,dest=DIR,tar=false"}; buildx writes the
/// build result (digests) to `metadata_file`.
ProcessSpec buildx_build_command(const BuildxRequest& request,
                                 const std::vector<Platform>& platforms,
                                 const std::vector<std::string>& output_flags,
                                 const std::filesystem::path& metadata_file);

/// Output flags: every tag with -t, then --push or --load.
std::vector<std::string> tagged_output_flags(const std::vector<std::string>& tags,
                                             const std::string& action);
/// Output flags for an OCI layout folder written by the builder.
std::vector<std::string> oci_output_flags(const std::filesystem::path& dest);

/// `docker buildx imagetools create --metadata-file M -t TAG... REPO@DIGEST...`: an index of
/// manifests already in the registry, pushed under every tag.
ProcessSpec imagetools_create_command(const BuildxRequest& request,
                                      const std::vector<std::string>& sources,
                                      const std::filesystem::path& metadata_file);

/// The legacy builder (`DOCKER_BUILDKIT=0 docker build`) for one platform: TARGET* and
/// BUILD* values passed as build args, since only BuildKit sets them by itself.
ProcessSpec legacy_build_command(const BuildxRequest& request, const Platform& platform,
                                 const Platform& host, const std::vector<std::string>& tags);

ProcessSpec docker_command(const BuildxRequest& request, std::vector<std::string> args);

/// `docker manifest create [--insecure] REF SOURCE...` / `docker manifest push`.
ProcessSpec manifest_create_command(const BuildxRequest& request, const std::string& reference,
                                    const std::vector<std::string>& sources, bool insecure);
ProcessSpec manifest_push_command(const BuildxRequest& request, const std::string& reference,
                                  bool insecure);

/// For --dry-run and progress lines: "VAR=VALUE ... argv" (display only).
std::string display_spec(const ProcessSpec& spec);

}  // namespace multiarch
