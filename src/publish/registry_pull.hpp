#pragma once
// Pulling an image from a registry into an OCI layout (OCI distribution spec v1.1 "Pull"):
// the manifest by tag or digest (Accept: OCI and Docker index and manifest types), its
// children by digest, then every blob not already in the layout, several at once. Every
// manifest and blob is checked against its digest and size before it is named in the layout
// (spec: "the client SHOULD verify the returned content against the digest").
#include <cstdint>
#include <functional>
#include <string>

#include "oci/image_reference.hpp"
#include "oci/oci_layout.hpp"
#include "publish/registry_client.hpp"

namespace multiarch {

struct RegistryPullOptions {
  ImageReference source;  ///< tag and/or digest; with both, the digest decides
  unsigned jobs = 4;      ///< blobs in flight
  /// Told about each blob: ("blob-fetched" | "blob-present", digest, size). Serialized.
  std::function<void(const std::string& type, const std::string& digest, uint64_t size)> on_blob;
};

struct RegistryPullResult {
  Descriptor top;  ///< the pulled index or manifest (media type, digest, size)
  size_t manifests = 0, blobs_fetched = 0, blobs_present = 0;
  uint64_t bytes_fetched = 0;
};

/// The Accept header for manifests: OCI index and manifest, Docker list and manifest.
std::string manifest_accept_header();

/// Pulls `options.source` into `tx` (a transaction on `layout`); index.json is the caller's.
/// Throws RuntimeError naming the registry and the digest that failed its check.
RegistryPullResult pull_image(RegistryClient& client, const OciLayout& layout,
                              LayoutTransaction& tx, const RegistryPullOptions& options);

/// GETs one manifest (by tag or digest) and verifies it: against `expected_digest` when given,
/// else against the registry's Docker-Content-Digest. Returns its descriptor and bytes.
std::pair<Descriptor, std::string> fetch_manifest(RegistryClient& client,
                                                  const std::string& repository,
                                                  const std::string& reference,
                                                  const std::string& expected_digest);

/// GETs a small blob (a config) into memory, verified against `descriptor`.
std::string fetch_small_blob(RegistryClient& client, const std::string& repository,
                             const Descriptor& descriptor);

}  // namespace multiarch
