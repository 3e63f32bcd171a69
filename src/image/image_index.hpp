#pragma once
// The image index of a multi-platform image and its tag in the layout's index.json, the way
// every writer of a layout in multiarch does it (`image assemble`, `multiarch buildx
// --output-layout`): every platform image manifest, then the attestation manifest of each image
// that has one (BuildKit's order, oci/attestation_manifest.hpp), so readers that pick a
// platform see the images first and skip the unknown/unknown entries.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/oci_descriptor.hpp"
#include "oci/oci_layout.hpp"

namespace multiarch {

/// One platform image of an index: its manifest (with its platform) and the attestation
/// manifest written for it (image_attestations.hpp write_attestation(); nullopt: none).
struct IndexedImage {
  Descriptor manifest;
  std::optional<Descriptor> attestation;  ///< the manifest as written, not yet an index entry
};

/// The index's manifests: every image, then attestation_index_entry() of each attestation.
std::vector<Descriptor> attested_index_manifests(const std::vector<IndexedImage>& images);

struct WrittenIndex {
  Descriptor index;  ///< the image index blob (its digest is the image's)
  std::vector<std::optional<Descriptor>> attestation_entries;  ///< per image, as in the index
  bool index_json_written = false;  ///< false when index.json already said exactly this
};

/// Writes the image index (with `annotations`) through `transaction` and tags it in
/// index.json as `tag`, with `image_name` as io.containerd.image.name when not empty (an entry
/// with the same tag is replaced, other tags stay). Does not commit.
WrittenIndex write_attested_index(LayoutTransaction& transaction, const OciLayout& layout,
                                  const std::vector<IndexedImage>& images,
                                  const std::map<std::string, std::string>& annotations,
                                  const std::string& tag, const std::string& image_name);

}  // namespace multiarch
