#pragma once
// The metadata file (image/image_metadata.hpp) of an image already in a layout: what
// `image push --metadata-file` writes, with the destination and the pushed reference set by
// the caller.
#include "image/image_metadata.hpp"
#include "oci/oci_layout.hpp"
#include "publish/layout_images.hpp"

namespace multiarch {

/// Name, tag, index descriptor, and per platform manifest digest, size (manifest, config and
/// layers as stored) and attestation manifest digest. Throws RuntimeError for a missing blob.
ImageMetadata layout_image_metadata(const OciLayout& layout, const LayoutImage& image);

}  // namespace multiarch
