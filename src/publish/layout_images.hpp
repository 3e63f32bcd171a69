#pragma once
// The images in a layout as `image load`, `push` and `inspect` see them: index.json entries
// chosen by tag (org.opencontainers.image.ref.name), and the platform manifests of each.
#include <optional>
#include <string>
#include <vector>

#include "oci/attestation_manifest.hpp"
#include "oci/oci_layout.hpp"
#include "platform/platform.hpp"

namespace multiarch {

struct LayoutImage {
  Descriptor entry;                   ///< the index.json entry (an index, or a single manifest)
  std::string tag;                    ///< ref.name, "" when untagged
  std::string name;                   ///< io.containerd.image.name, "" when absent
  std::vector<Descriptor> manifests;  ///< platform manifests (platform filled in)
  /// Attestation manifests (BuildKit's layout: unknown/unknown, vnd.docker.reference.digest
  /// naming the platform manifest they describe); never among `manifests`.
  std::vector<Descriptor> attestations;
};

/// Every image in the layout. Throws InputError when `dir` is not a layout.
std::vector<LayoutImage> layout_images(const OciLayout& layout);

/// The image tagged `tag`, or the only image when `tag` is empty. Throws InputError naming
/// the tags that exist otherwise.
LayoutImage select_layout_image(const OciLayout& layout, const std::string& tag);

// is_attestation_manifest(): oci/attestation_manifest.hpp.
/// The manifest of `image` for `platform` (normalized comparison). Throws InputError listing
/// the platforms the image has.
Descriptor select_platform_manifest(const LayoutImage& image, const Platform& platform,
                                    const Platform& host);

}  // namespace multiarch
