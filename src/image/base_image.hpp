#pragma once
// A base image given as an OCI image layout (`--base DIR` or `--base DIR:TAG`), for example
// one made by `skopeo copy docker://... oci:DIR:TAG` on a connected machine. For each
// platform of the new image the matching manifest is picked by normalized comparison
// (parse_platform on both sides, so arm64/v8 matches arm64); its layers are reused as they are
// and its config becomes the defaults under ours.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "oci/oci_layout.hpp"
#include "oci/oci_manifest.hpp"
#include "platform/platform.hpp"

namespace multiarch {

struct BaseManifest {
  Platform platform;
  Descriptor manifest;  ///< as found in the base (its digest names the base image)
  ParsedManifest parsed;
  nlohmann::json config;  ///< the parsed config blob
};

class BaseLayout {
 public:
  /// Opens "DIR" or "DIR:TAG" (TAG matched against org.opencontainers.image.ref.name).
  /// Throws InputError naming the spec when the folder is not a layout, the tag is unknown or
  /// several images are present and no tag chooses one.
  BaseLayout(std::string_view spec, const Platform& host);

  const OciLayout& layout() const { return layout_; }
  const std::string& spec() const { return spec_; }
  /// The platforms the base offers, normalized.
  std::vector<Platform> platforms() const;
  /// The manifest for `platform`; throws InputError listing what the base has.
  BaseManifest for_platform(const Platform& platform) const;

 private:
  std::string spec_;
  OciLayout layout_;
  std::vector<std::pair<Platform, Descriptor>> manifests_;
};

}  // namespace multiarch
