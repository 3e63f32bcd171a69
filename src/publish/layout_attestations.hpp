#pragma once
// Reading the attestations of a layout's image (BuildKit's layout, as `image assemble` and
// `docker buildx build --sbom --provenance` write it): per platform manifest, the in-toto
// statements of the attestation manifest that names it in vnd.docker.reference.digest.
#include <string>
#include <vector>

#include "oci/oci_layout.hpp"
#include "platform/platform.hpp"
#include "publish/layout_images.hpp"

namespace multiarch {

struct AttestationStatement {
  std::string predicate_type;  ///< "https://spdx.dev/Document", "https://slsa.dev/provenance/v1"
  Descriptor layer;            ///< the in-toto statement blob
};

struct PlatformAttestations {
  Descriptor image_manifest;        ///< the platform manifest described
  Descriptor attestation_manifest;  ///< the unknown/unknown entry
  std::vector<AttestationStatement> statements;
};

/// Every attestation manifest of `image` matched to its platform manifest (order of
/// image.manifests); attestation entries naming no manifest of the image are skipped. Throws
/// RuntimeError when a blob is missing or not a manifest.
std::vector<PlatformAttestations> layout_attestations(const OciLayout& layout,
                                                      const LayoutImage& image);

/// The predicate of the statement for `platform` whose type is the first of
/// `predicate_types` the image has (e.g. SPDX, else CycloneDX), as JSON text (2-space
/// indented). Throws InputError when the image has no such platform or none of those
/// attestations (naming what it has), RuntimeError for a malformed statement.
std::string attestation_predicate(const OciLayout& layout, const LayoutImage& image,
                                  const Platform& platform, const Platform& host,
                                  const std::vector<std::string>& predicate_types);

}  // namespace multiarch
