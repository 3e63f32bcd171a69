#pragma once
// The docker-archive format `docker load` reads on every Docker version (what `docker save`
// wrote before OCI layouts): a tar with manifest.json ([{Config, RepoTags, Layers}]), the
// config as <hex>.json and each layer as <hex>/layer.tar. One platform of a layout becomes one
// such archive; gzip layers are passed as they are (docker load decompresses them), zstd
// layers are decompressed first since older engines cannot read zstd.
#include <string>
#include <string_view>

#include "oci/oci_layout.hpp"
#include "platform/platform.hpp"

namespace multiarch {

/// The bytes of a docker-archive holding the image `manifest` (a platform manifest of
/// `layout`) tagged `reference` (may be empty for an untagged load).
std::string docker_archive(const OciLayout& layout, const Descriptor& manifest,
                           const std::string& reference);

/// The reference in `docker load` output ("Loaded image: REF" or "Loaded image ID: ID"),
/// or "" when there is none.
std::string parse_docker_load_output(std::string_view output);

}  // namespace multiarch
