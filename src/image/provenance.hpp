#pragma once
// SLSA provenance v1 (https://slsa.dev/spec/v1.0/provenance) of one platform image, from what
// multiarch knows: the Go build settings embedded in the binary (package, -ldflags, -tags,
// -trimpath, GOARM/GOAMD64..., CGO_*, vcs.*), the image references, the source revision and
// the base image digest. No clock and no host names: equal inputs give equal bytes.
#include <optional>
#include <string>
#include <vector>

#include "go/go_module_info.hpp"
#include "image/sbom.hpp"
#include "platform/platform.hpp"

namespace multiarch {

/// buildDefinition.buildType of images written by `multiarch image assemble`.
inline constexpr const char* kMultiarchBuildType = "urn:multiarch:buildtype:image-assemble:v1";
/// buildDefinition.buildType of images `multiarch buildx` packaged with a Dockerfile: the
/// Go binary is the same, but the rest of the image is the Dockerfile's.
inline constexpr const char* kMultiarchBuildxBuildType = "urn:multiarch:buildtype:buildx:v1";
/// runDetails.builder.id.
inline constexpr const char* kMultiarchBuilderId = "urn:multiarch:builder";

struct ProvenanceInput {
  Platform platform;
  std::string binary_path;
  std::optional<GoModuleInfo> go;
  std::vector<std::string> image_references;  ///< "registry/team/user:1.4.2", or the tag
  std::string source_uri;                     ///< org.opencontainers.image.source, or ""
  std::string source_revision;  ///< the git commit (vcs.revision, else the revision annotation)
  std::optional<SbomBaseImage> base;
  /// The C/C++ compilers of a cgo build when the caller knows them (CC, CXX); Go records only
  /// CGO_ENABLED and CGO_*FLAGS.
  std::vector<std::pair<std::string, std::string>> cgo_compilers;
  std::string build_type = kMultiarchBuildType;
};

/// The predicate (JSON object) with buildDefinition {buildType, externalParameters {platform,
/// package, image references, build tags, ldflags, go flags}, internalParameters {Go version,
/// GOOS/GOARCH/level variable, CGO_ENABLED, CGO_*FLAGS, compilers}, resolvedDependencies
/// {source commit, base image digest}} and runDetails {builder {id, version}}.
std::string slsa_provenance_json(const ProvenanceInput& input);

}  // namespace multiarch
