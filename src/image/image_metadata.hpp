#pragma once
// The metadata file for CI (`--metadata-file F` of `image assemble`, `image push`, `buildx` and
// the CMake image step): what was built and where it went, as JSON a pipeline reads instead of
// our text output. One format for all of them; `image merge --metadata-file` reads `name` and
// `digest`, and buildx's own keys are there too. Written atomically (temporary file + rename):
// a failed run leaves the previous file.
//   {"name": "reg/team/user",               (the repository; "" for an unnamed layout)
//    "tag": "1.4.2",                        (absent after a push by digest)
//    "digest": "sha256:...", "mediaType": "...index.v1+json", "size": N,   (the image index)
//    "platforms": ["linux/amd64", "linux/arm64"],
//    "manifests": [{"platform": "linux/arm64", "digest": "sha256:...", "size": N,
//                   "attestation": "sha256:..." (its SBOM/provenance manifest, when attached)}],
//    "pushed": ["reg/team/user:1.4.2@sha256:..."],                    (after a push)
//    "image.name": "reg/team/user:1.4.2", "containerimage.digest": "sha256:...",
//    "containerimage.descriptor": {mediaType, digest, size}}          (docker buildx's keys)
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "image/image_assembler.hpp"
#include "oci/oci_descriptor.hpp"

namespace multiarch {

struct PlatformMetadata {
  std::string platform;     ///< "linux/arm/v7"
  std::string digest;       ///< the platform's image manifest
  uint64_t size = 0;        ///< manifest + config + layers, bytes as stored (0: unknown)
  std::string attestation;  ///< the attestation manifest's digest, or ""
};

struct ImageMetadata {
  std::string name;  ///< the repository ("reg/team/user"), "" when the image has none
  std::string tag;   ///< "" for a push by digest or an untagged image
  /// Full references for buildx's "image.name" (comma-joined); empty: name[:tag].
  std::vector<std::string> references;
  Descriptor index;  ///< the image index (or the one manifest) written or pushed
  std::vector<PlatformMetadata> platforms;
  std::vector<std::string> pushed;  ///< REF@DIGEST per pushed reference
};

/// What `image assemble --metadata-file` writes: the request's name and tag, the index, and
/// per platform its manifest digest, size (manifest, config and layers as stored) and
/// attestation manifest digest.
ImageMetadata assemble_metadata(const AssembleRequest& request, const AssembleResult& result);

/// The JSON object above, keys in that order.
nlohmann::ordered_json image_metadata_object(const ImageMetadata& metadata);

/// The JSON text (2-space indented, trailing newline).
std::string image_metadata_json(const ImageMetadata& metadata);

/// Writes it atomically to `path` (parents created). Throws RuntimeError naming the path.
void write_image_metadata(const std::filesystem::path& path, const ImageMetadata& metadata);

}  // namespace multiarch
