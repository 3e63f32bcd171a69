#pragma once
// Pushing one image of an OCI layout (an index with its manifests, configs, layers and
// attestation manifests, or a single manifest) to a registry, following the OCI distribution
// spec v1.1 "Push" section:
//   1. every blob (configs, layers, other non-manifest content), several at once: HEAD
//      /v2/<name>/blobs/<digest> first (present blobs are not sent, so a rerun after a kill
//      sends only what is missing); a cross-repository mount (POST ...?mount=&from=) when
//      mount_from is given; else POST /v2/<name>/blobs/uploads/ and either one PUT with the
//      whole blob (monolithic) or PATCH chunks then PUT ?digest= (chunked, above the threshold);
//   2. the manifests below the top, children before parents (PUT /v2/<name>/manifests/<digest>);
//   3. the top index or manifest last, under the tag (or only by digest): the tag moves only
//      when everything it reaches is in the registry.
// Each operation is retried by the RegistryClient on 429, 5xx and dropped connections.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "oci/image_reference.hpp"
#include "oci/oci_layout.hpp"
#include "publish/registry_client.hpp"

namespace multiarch {

/// What the push reports as it goes (serialized: never two calls at once).
struct PushEvent {
  /// "plan" (size: total bytes of the blobs, bytes: their count), "up-to-date" (the
  /// reference names this image already: nothing else follows), "blob-exists",
  /// "blob-mounted", "blob-start", "blob-progress", "blob-pushed", "manifest-exists",
  /// "manifest-pushed", "retry"
  std::string type;
  std::string digest;
  uint64_t size = 0;   ///< the blob's size
  uint64_t bytes = 0;  ///< bytes of it sent so far (blob-progress, blob-pushed)
  std::string detail;  ///< media type, the mount's source, or the retry's reason
};

struct RegistryPushOptions {
  ImageReference destination;              ///< repository (path) and tag; tag unused with by_digest
  bool by_digest = false;                  ///< push the top manifest by digest only (no tag)
  std::vector<std::string> mount_from;     ///< repositories of the same registry to mount from
  uint64_t chunk_threshold = 64ull << 20;  ///< blobs above this go in chunks
  uint64_t chunk_size = 16ull << 20;       ///< bytes per PATCH
  unsigned jobs = 4;                       ///< blobs in flight
  std::function<void(const PushEvent&)> on_event;
};

struct RegistryPushResult {
  std::string digest;      ///< the top manifest's digest, as the registry confirmed it
  std::string media_type;  ///< its media type
  uint64_t size = 0;
  size_t blobs_total = 0, blobs_pushed = 0, blobs_existing = 0, blobs_mounted = 0;
  size_t manifests_total = 0, manifests_pushed = 0;
  uint64_t bytes_pushed = 0;
};

/// The content below `top` in `layout`: manifests in push order (children first, `top` last)
/// and the other blobs, each once. Throws RuntimeError naming a blob the layout lacks.
struct ImageContent {
  std::vector<Descriptor> manifests;
  std::vector<Descriptor> blobs;
};
ImageContent collect_image_content(const OciLayout& layout, const Descriptor& top);

/// Pushes `top` of `layout` as described above. `client` must have been pinged. Throws
/// RuntimeError naming the registry and the failing step.
RegistryPushResult push_layout_image(RegistryClient& client, const OciLayout& layout,
                                     const Descriptor& top, const RegistryPushOptions& options);

}  // namespace multiarch
