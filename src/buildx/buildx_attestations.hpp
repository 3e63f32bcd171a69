#pragma once
// multiarch's own SBOM and SLSA provenance for `multiarch buildx` (docs/supply-chain.md, "The
// buildx backend"): where multiarch writes the final image index (--output-layout), each
// platform image gets the attestation manifest `image assemble` makes
// (image/image_attestations.hpp), from the binary staged in the build context for that
// platform. Deterministic, so two identical builds keep one index digest. BuildKit's own
// attestations (--sbom=buildkit, --provenance=mode=max) are passed to buildx instead and
// never mixed with these.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "image/image_attestations.hpp"
#include "image/image_index.hpp"
#include "oci/oci_descriptor.hpp"
#include "oci/oci_layout.hpp"
#include "platform/platform.hpp"

namespace multiarch {

/// What --sbom and --provenance ask for.
struct AttestationChoice {
  std::string buildx_sbom = "false";        ///< BuildxRequest::sbom: "false" or BuildKit's value
  std::string buildx_provenance = "false";  ///< BuildxRequest::provenance
  bool sbom = true;                         ///< multiarch's own SBOM
  bool provenance = true;                   ///< multiarch's own provenance
  bool buildkit() const { return buildx_sbom != "false" || buildx_provenance != "false"; }
};

/// --sbom / --provenance (nullopt: not given). "true" (the default, and the bare flag) is
/// multiarch's own, "false" none, "buildkit" BuildKit's own (buildx gets "true"), any other
/// value (mode=max, generator=IMAGE, ...) BuildKit's own with that value passed to buildx.
/// Once one flag asks BuildKit, the other (when not given) is off: BuildKit's and multiarch's
/// are not mixed in one index, and an explicit `true` beside a BuildKit value is InputError.
/// Throws InputError for a value with spaces or an empty one.
AttestationChoice choose_attestations(const std::optional<std::string>& sbom,
                                      const std::optional<std::string>& provenance);

/// multiarch's attestations of one `multiarch buildx` build.
struct BuildxAttestations {
  AttestationOptions options;  ///< sbom, provenance (both off: none), references, revision
  std::vector<Platform> platforms;
  std::vector<std::filesystem::path> binaries;  ///< per platform: the binary staged for it
  std::string binary_path = "/app/service";     ///< where the Dockerfile puts it
  std::string image_name;                       ///< the layout's io.containerd.image.name or ""
  int64_t epoch = 0;
  bool any() const { return options.any(); }
};

/// Pairs every image manifest of `manifests` with its attestation, written through
/// `transaction` (nullopt when attestations are off). Every manifest needs a platform that is
/// one of attest.platforms; attestation manifests already in `manifests` (BuildKit's) stay,
/// unattested. Throws RuntimeError naming a manifest whose platform was not built, or a
/// binary that cannot be read.
std::vector<IndexedImage> attest_buildx_images(const BuildxAttestations& attest,
                                               const std::vector<Descriptor>& manifests,
                                               LayoutTransaction& transaction);

/// One line for the run's output saying what is attached and why, "" when nothing was asked:
/// with `writes_index` false (--load, or --push to a Docker Hub tag: buildx or imagetools
/// writes the index) multiarch's own cannot be attached, and the line says so and what to use
/// instead.
std::string attestation_note(const AttestationChoice& choice, bool writes_index,
                             const std::string& output_flag);

}  // namespace multiarch
