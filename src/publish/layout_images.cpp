#include "publish/layout_images.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "oci/attestation_manifest.hpp"
#include "oci/oci_layout.hpp"
#include "oci/oci_manifest.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

constexpr const char* kLayoutImageNameAnnotation = "io.containerd.image.name";

std::string annotation(const Descriptor& d, const char* key) {
  auto it = d.annotations.find(key);
  return it == d.annotations.end() ? std::string() : it->second;
}

/// A manifest's platform from its config when the index entry does not say.
DescriptorPlatform platform_from_config(const OciLayout& layout, const Descriptor& manifest) {
  auto parsed = parse_manifest(layout.read_blob(manifest), manifest.digest);
  auto config = nlohmann::json::parse(layout.read_blob(parsed.config));
  return DescriptorPlatform{config.value("architecture", ""), config.value("os", ""),
                            config.value("variant", ""), config.value("os.version", "")};
}

}  // namespace

std::vector<LayoutImage> layout_images(const OciLayout& layout) {
  if (!OciLayout::is_layout(layout.root()))
    throw InputError(fmt::format("--layout {}: not an OCI image layout (no oci-layout file)",
                                 layout.root().string()));
  std::vector<LayoutImage> images;
  try {
    for (const auto& entry : layout.index_entries()) {
      LayoutImage image;
      image.entry = entry;
      image.tag = annotation(entry, kRefNameAnnotation);
      image.name = annotation(entry, kLayoutImageNameAnnotation);
      if (is_index_media_type(entry.media_type)) {
        for (auto& m : parse_index(layout.read_blob(entry), entry.digest)) {
          if (!is_manifest_media_type(m.media_type)) continue;
          if (is_attestation_manifest(m)) {
            image.attestations.push_back(m);
            continue;
          }
          if (!m.platform) m.platform = platform_from_config(layout, m);
          image.manifests.push_back(m);
        }
      } else if (is_manifest_media_type(entry.media_type)) {
        Descriptor m = entry;
        if (!m.platform) m.platform = platform_from_config(layout, m);
        image.manifests.push_back(m);
      }
      images.push_back(image);
    }
  } catch (const nlohmann::json::exception& e) {
    throw RuntimeError(
        fmt::format("{}: a config is not valid JSON: {}", layout.root().string(), e.what()));
  }
  return images;
}

LayoutImage select_layout_image(const OciLayout& layout, const std::string& tag) {
  auto images = layout_images(layout);
  std::string tags;
  for (const auto& image : images) {
    if (!tag.empty() && image.tag == tag) return image;
    tags += (tags.empty() ? "" : ", ") + (image.tag.empty() ? "(untagged)" : image.tag);
  }
  if (tag.empty() && images.size() == 1) return images.front();
  if (images.empty())
    throw InputError(fmt::format("--layout {}: holds no image", layout.root().string()));
  if (tag.empty())
    throw InputError(fmt::format("--layout {} holds several images ({}); choose one with --ref",
                                 layout.root().string(), tags));
  throw InputError(fmt::format("--layout {} has no image tagged \"{}\" (it has: {})",
                               layout.root().string(), tag, tags));
}

Descriptor select_platform_manifest(const LayoutImage& image, const Platform& platform,
                                    const Platform& host) {
  std::string available;
  for (const auto& m : image.manifests) {
    const auto& p = *m.platform;
    std::string text = platform_spec(p);
    available += (available.empty() ? "" : ", ") + text;
    try {
      if (parse_platform(text, host) == platform) return m;
    } catch (const InputError&) {
      // unknown/unknown attestation entries and the like never match
    }
  }
  throw InputError(fmt::format("the image has no {} manifest (it has: {})", platform.str(),
                               available.empty() ? "none" : available));
}

}  // namespace multiarch
