#pragma once
// The attestations of one platform image (docs/supply-chain.md): its SBOM (image/sbom.hpp) and
// SLSA provenance (image/provenance.hpp) as in-toto statements in one attestation manifest,
// BuildKit's layout (oci/attestation_manifest.hpp). The assembler calls this after writing the
// platform's manifest, and caches the result in the layer cache under
// attestation_cache_key(): a re-run with nothing changed reads no binary.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "image/layer_contents.hpp"
#include "image/provenance.hpp"
#include "image/sbom.hpp"
#include "oci/oci_descriptor.hpp"
#include "oci/oci_layout.hpp"
#include "platform/platform.hpp"

namespace multiarch {

/// What `image assemble` attaches (--sbom, --sbom-format, --provenance) and the facts only the
/// caller knows.
struct AttestationOptions {
  bool sbom = false;  ///< the CLI turns both on by default
  bool provenance = false;
  SbomFormat sbom_format = SbomFormat::spdx;
  std::vector<std::string> references;  ///< image references for provenance ("" entries skipped)
  std::string source_uri;               ///< org.opencontainers.image.source
  std::string source_revision;          ///< the git commit, when known
  std::vector<std::pair<std::string, std::string>> cgo_compilers;  ///< ("CC", path)...
  std::string build_type = kMultiarchBuildType;                    ///< the provenance's buildType
  bool any() const { return sbom || provenance; }
};

/// One platform image as the attestations describe it.
struct PlatformAttestationInput {
  Platform platform;
  std::string image_name;            ///< "registry/team/user:1.4.2", "" when unnamed
  std::string binary_path;           ///< the Go binary's path in the image
  std::filesystem::path binary;      ///< the binary on this machine (its Go build info is read)
  const LayerPlan* layer = nullptr;  ///< the files of the platform's own layer (hashed)
  std::optional<SbomBaseImage> base;
  int64_t epoch = 0;
  Descriptor manifest;  ///< the platform's image manifest: the statements' subject
};

/// An attestation manifest in the layout and its in-toto layers.
struct WrittenAttestation {
  Descriptor manifest;  ///< without the index entry's platform and annotations
  std::vector<Descriptor> layers;
};

/// "pkg:docker/REPO@TAG?platform=linux%2Farm64", the subject name BuildKit gives its
/// statements; "pkg:docker/image?..." for an unnamed layout.
std::string attestation_subject_name(const std::string& image_name, const Platform& platform);

/// The cache key of a platform's attestation manifest: everything it is made of. The image
/// manifest digest covers the layer bytes (so every file hash and the Go build info) and the
/// config; the rest are the options, the names and the base.
std::string attestation_cache_key(const AttestationOptions& options,
                                  const PlatformAttestationInput& input);

/// The cached manifest when it and everything it names are still in the layout.
std::optional<WrittenAttestation> reuse_attestation(const OciLayout& layout,
                                                    const Descriptor& manifest);

/// Builds the SBOM and/or provenance statements and their attestation manifest and writes
/// them through `transaction` (safe from several threads). Throws RuntimeError when a file
/// cannot be read.
WrittenAttestation write_attestation(const AttestationOptions& options,
                                     const PlatformAttestationInput& input,
                                     LayoutTransaction& transaction);

}  // namespace multiarch
