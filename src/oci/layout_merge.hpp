#pragma once
// Putting images built elsewhere into an OCI layout, the same shape `multiarch image` writes:
// index.json holds one entry per tag (org.opencontainers.image.ref.name), each an image index
// of platform manifests. Used by `multiarch buildx` to merge per-platform builds (from
// `docker save`) into one index, and to take over the layout buildx's OCI exporter wrote.
#include <string>
#include <string_view>
#include <vector>

#include "oci/oci_layout.hpp"
#include "platform/platform.hpp"

namespace multiarch {

/// Stores the single image of a `docker save` archive (any Docker version) as an OCI manifest,
/// each layer gzip-compressed unless it already is. Checks every layer against the config's
/// diff_ids and that the config's platform is `expected` (the legacy builder can silently
/// produce the engine's platform). With `created` (RFC 3339, e.g. "1970-01-01T00:00:00Z") the
/// config's "created" and every history entry's "created" are set to it, since builders
/// without SOURCE_DATE_EPOCH support (BuildKit < 0.11, the legacy builder) write the build's
/// wall clock or cache time there (image-spec config.md: both optional strings); other fields
/// keep their order. Without it the config bytes are unchanged (the image ID stays).
/// Returns the manifest descriptor with its platform. Throws RuntimeError naming the problem.
Descriptor import_docker_save(std::string_view archive, const Platform& expected,
                              LayoutTransaction& transaction, const std::string& created = {});

/// Copies `entry` of `source` and every blob it reaches into the transaction's layout.
void copy_layout_image(const OciLayout& source, const Descriptor& entry,
                       LayoutTransaction& transaction);

/// The index.json bytes of `layout` after tagging `entry` as `tag` (and `image_name` as
/// io.containerd.image.name when not empty): an entry with the same tag is replaced, other
/// entries stay.
std::string index_json_with(const OciLayout& layout, Descriptor entry, const std::string& tag,
                            const std::string& image_name);

}  // namespace multiarch
