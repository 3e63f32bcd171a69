#include "publish/layout_metadata.hpp"

#include "oci/attestation_manifest.hpp"
#include "oci/image_reference.hpp"
#include "oci/oci_manifest.hpp"

namespace multiarch {

ImageMetadata layout_image_metadata(const OciLayout& layout, const LayoutImage& image) {
  ImageMetadata metadata;
  metadata.name = split_name_tag(image.name).first;
  metadata.tag = image.tag;
  if (!image.name.empty()) metadata.references = {image.name};
  metadata.index = image.entry;
  metadata.index.annotations.clear();
  for (const auto& m : image.manifests) {
    auto manifest = parse_manifest(layout.read_blob(m), m.digest);
    uint64_t size = m.size + manifest.config.size;
    for (const auto& l : manifest.layers) size += l.size;
    const auto& p = *m.platform;
    PlatformMetadata platform{
        p.os + "/" + p.architecture + (p.variant.empty() ? "" : "/" + p.variant), m.digest, size,
        ""};
    for (const auto& a : image.attestations)
      if (auto ref = a.annotations.find(kReferenceDigestAnnotation);
          ref != a.annotations.end() && ref->second == m.digest)
        platform.attestation = a.digest;
    metadata.platforms.push_back(platform);
  }
  return metadata;
}

}  // namespace multiarch
