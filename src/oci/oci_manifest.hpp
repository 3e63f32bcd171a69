#pragma once
// Image manifests and image indexes (image-spec manifest.md, image-index.md) as exact bytes,
// and the reading side for layouts made by other tools (OCI or Docker media types).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "oci/oci_descriptor.hpp"

namespace multiarch {

/// schemaVersion 2, the OCI manifest media type, config, layers (base first), annotations.
std::string manifest_json(const Descriptor& config, const std::vector<Descriptor>& layers,
                          const std::map<std::string, std::string>& annotations);

/// schemaVersion 2, the OCI index media type, manifests (each with its platform), annotations.
std::string index_json(const std::vector<Descriptor>& manifests,
                       const std::map<std::string, std::string>& annotations);

struct ParsedManifest {
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
};
/// Throws RuntimeError naming `where` when the JSON is not an image manifest.
ParsedManifest parse_manifest(std::string_view json, std::string_view where);

/// The `manifests` of an index (or of index.json). Throws RuntimeError naming `where`.
std::vector<Descriptor> parse_index(std::string_view json, std::string_view where);

/// The OCI equivalent of a Docker media type (same bytes, other name); others unchanged.
std::string oci_media_type(std::string_view media_type);

}  // namespace multiarch
