#pragma once
// `image merge`: one image index made from manifests other jobs pushed by digest (one
// platform each, on native runners), pushed under a tag. Each source is an image manifest or
// an index (then its entries are taken); the platform of every image manifest is read from its
// config (image-spec config.md: architecture, os, variant, os.version), as `docker buildx
// imagetools create` does. Two sources for the same platform are refused. Attestation
// manifests (SBOM, provenance) stay attached, after every platform as BuildKit orders them.
#include <string>
#include <vector>

#include "oci/image_reference.hpp"
#include "oci/oci_descriptor.hpp"
#include "publish/registry_client.hpp"

namespace multiarch {

struct MergePlan {
  std::vector<Descriptor> manifests;  ///< the new index's entries, platforms filled in
  std::string index;                  ///< its exact bytes (OCI image index)
  std::string digest;
};

/// Reads the sources (digests in `to`'s repository) and builds the index. Throws InputError
/// for two sources with the same platform or a digest the repository lacks (naming them),
/// RuntimeError for registry failures.
MergePlan plan_merge(RegistryClient& client, const ImageReference& to,
                     const std::vector<std::string>& digests);

/// PUTs the plan's index under `to`'s tag (its entries are already in the repository).
void push_merged_index(RegistryClient& client, const ImageReference& to, const MergePlan& plan);

}  // namespace multiarch
