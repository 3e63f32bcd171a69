#pragma once
// The metadata file for CI (`--metadata-file F`), in the spirit of `docker buildx build
// --metadata-file`: what was built and where it went, as JSON a pipeline can read without
// parsing our text output. Written atomically (temporary file + rename): a failed run leaves
// the previous file.
//   {"image.name": "reg/team/user:1.4.2", "tags": ["1.4.2"],
//    "containerimage.digest": "sha256:...",          (the image index, buildx's key)
//    "containerimage.descriptor": {mediaType, digest, size},
//    "platforms": [{"platform": "linux/arm64", "digest": "sha256:...", "size": N,
//                   "attestation": "sha256:..." (when attached)}],
//    "pushed": ["reg/team/user:1.4.2@sha256:..."]}
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "image/image_assembler.hpp"
#include "oci/oci_descriptor.hpp"

namespace multiarch {

struct PlatformMetadata {
  std::string platform;     ///< "linux/arm/v7"
  std::string digest;       ///< the platform's image manifest
  uint64_t size = 0;        ///< manifest + config + layers, bytes as stored
  std::string attestation;  ///< the attestation manifest's digest, or ""
};

struct ImageMetadata {
  std::string name;               ///< io.containerd.image.name, or ""
  std::vector<std::string> tags;  ///< tags of the layout / of the push
  Descriptor index;
  std::vector<PlatformMetadata> platforms;
  std::vector<std::string> pushed;  ///< REF@DIGEST per pushed reference
};

/// What `image assemble --metadata-file` writes: the request's name and tag, the index, and
/// per platform its manifest digest, size (manifest, config and layers as stored) and
/// attestation manifest digest.
ImageMetadata assemble_metadata(const AssembleRequest& request, const AssembleResult& result);

/// The JSON text (2-space indented, fixed key order, trailing newline).
std::string image_metadata_json(const ImageMetadata& metadata);

/// Writes it atomically to `path` (parents created). Throws RuntimeError naming the path.
void write_image_metadata(const std::filesystem::path& path, const ImageMetadata& metadata);

}  // namespace multiarch
