#pragma once
// Attestations stored the way BuildKit stores them (buildkit docs/attestations/
// attestation-storage.md), which registries, `docker buildx imagetools inspect` and Docker
// read: per platform image, one extra manifest in the image index with platform
// unknown/unknown and the annotations vnd.docker.reference.type=attestation-manifest and
// vnd.docker.reference.digest=<the image manifest's digest>; its layers are in-toto
// statements (application/vnd.in-toto+json), each annotated with in-toto.io/predicate-type;
// its config is a minimal image config (unknown/unknown) listing the layers as diff_ids.
#include <string>
#include <string_view>
#include <vector>

#include "oci/oci_descriptor.hpp"

namespace multiarch {

inline constexpr std::string_view kInTotoMediaType = "application/vnd.in-toto+json";
inline constexpr const char* kPredicateTypeAnnotation = "in-toto.io/predicate-type";
inline constexpr const char* kReferenceTypeAnnotation = "vnd.docker.reference.type";
inline constexpr const char* kReferenceDigestAnnotation = "vnd.docker.reference.digest";
inline constexpr const char* kAttestationManifestType = "attestation-manifest";

namespace predicate_type {
inline constexpr const char* kSpdx = "https://spdx.dev/Document";
inline constexpr const char* kCycloneDx = "https://cyclonedx.org/bom";
inline constexpr const char* kSlsaProvenanceV1 = "https://slsa.dev/provenance/v1";
}  // namespace predicate_type

/// An index entry (or manifest descriptor) that is an attestation manifest, not an image:
/// readers choosing a platform, loading or taking a base must skip it.
bool is_attestation_manifest(const Descriptor& descriptor);

/// The subject of an in-toto statement: a name and the SHA-256 (hex) of what it attests.
struct InTotoSubject {
  std::string name;  ///< "pkg:docker/registry/team/user@1.4.2?platform=linux%2Farm64"
  std::string sha256_hex;
};

/// An in-toto Statement v1 (in-toto/attestation spec/v1/statement.md): _type,
/// predicateType, subject, predicate (`predicate_json` parsed, its key order kept). Throws
/// nlohmann::json::parse_error when predicate_json is not JSON.
std::string in_toto_statement(const std::vector<InTotoSubject>& subjects,
                              std::string_view predicate_type, std::string_view predicate_json);

/// The config of an attestation manifest: {"architecture":"unknown","os":"unknown",
/// "config":{},"rootfs":{"type":"layers","diff_ids":[...]}} (the statements are stored
/// uncompressed, so each diff_id is the layer's digest).
std::string attestation_config_json(const std::vector<Descriptor>& layers);

/// The index entry for an attestation manifest of `image_manifest_digest`.
Descriptor attestation_index_entry(Descriptor manifest, const std::string& image_manifest_digest);

}  // namespace multiarch
