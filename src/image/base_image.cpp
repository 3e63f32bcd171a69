#include "image/base_image.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "oci/attestation_manifest.hpp"
#include "oci/image_reference.hpp"
#include "oci/oci_layout.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

/// Splits "DIR:TAG" unless the whole spec is an existing folder (folders may contain ':').
std::pair<std::string, std::string> split_spec(std::string_view spec) {
  std::error_code ec;
  if (std::filesystem::is_directory(std::string(spec), ec)) return {std::string(spec), {}};
  return split_name_tag(spec);
}

}  // namespace

BaseLayout::BaseLayout(std::string_view spec, const Platform& host)
    : spec_(spec), layout_(split_spec(spec).first) {
  std::string tag = split_spec(spec).second;
  if (!OciLayout::is_layout(layout_.root()))
    throw InputError(fmt::format("--base {}: {} is not an OCI image layout (no oci-layout file)",
                                 spec, layout_.root().string()));
  std::vector<Descriptor> entries;
  try {
    entries = layout_.index_entries();
  } catch (const RuntimeError& e) {
    throw InputError(fmt::format("--base {}: {}", spec, e.what()));
  }
  std::vector<Descriptor> chosen;
  for (const auto& entry : entries) {
    auto ref = entry.annotations.find(kRefNameAnnotation);
    if (tag.empty() || (ref != entry.annotations.end() && ref->second == tag))
      chosen.push_back(entry);
  }
  if (chosen.empty())
    throw InputError(
        fmt::format("--base {}: no image tagged \"{}\" in {}", spec, tag, layout_.root().string()));
  size_t images = 0;
  for (const auto& entry : chosen) images += is_index_media_type(entry.media_type) ? 1 : 0;
  if (tag.empty() && images > 1)
    throw InputError(
        fmt::format("--base {}: the layout holds {} images; choose one with --base {}:TAG", spec,
                    images, layout_.root().string()));

  try {
    for (const auto& entry : chosen) {
      std::vector<Descriptor> candidates;
      if (is_index_media_type(entry.media_type)) {
        candidates = parse_index(layout_.read_blob(entry), entry.digest);
      } else {
        candidates.push_back(entry);
      }
      for (const auto& candidate : candidates) {
        if (!is_manifest_media_type(candidate.media_type)) continue;
        if (is_attestation_manifest(candidate)) continue;  // SBOM/provenance, not an image
        DescriptorPlatform p;
        if (candidate.platform) {
          p = *candidate.platform;
        } else {
          // No platform in the index entry: the config says it.
          auto manifest = parse_manifest(layout_.read_blob(candidate), candidate.digest);
          auto config = nlohmann::json::parse(layout_.read_blob(manifest.config));
          p.os = config.value("os", "");
          p.architecture = config.value("architecture", "");
          p.variant = config.value("variant", "");
        }
        std::string text = platform_spec(p);
        try {
          manifests_.emplace_back(parse_platform(text, host), candidate);
        } catch (const InputError&) {
          // Not a platform image (buildx attestations use unknown/unknown): not a candidate.
        }
      }
    }
  } catch (const RuntimeError& e) {
    throw InputError(fmt::format("--base {}: {}", spec, e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("--base {}: a config is not valid JSON: {}", spec, e.what()));
  }
}

std::vector<Platform> BaseLayout::platforms() const {
  std::vector<Platform> result;
  for (const auto& [platform, descriptor] : manifests_) result.push_back(platform);
  return result;
}

BaseManifest BaseLayout::for_platform(const Platform& platform) const {
  for (const auto& [candidate, descriptor] : manifests_) {
    if (!(candidate == platform)) continue;
    BaseManifest base;
    base.platform = candidate;
    base.manifest = descriptor;
    try {
      base.parsed = parse_manifest(layout_.read_blob(descriptor), descriptor.digest);
      base.config = nlohmann::json::parse(layout_.read_blob(base.parsed.config));
    } catch (const nlohmann::json::exception& e) {
      throw InputError(fmt::format("--base {}: config of {} is not valid JSON: {}", spec_,
                                   platform.str(), e.what()));
    } catch (const RuntimeError& e) {
      throw InputError(fmt::format("--base {}: {}", spec_, e.what()));
    }
    return base;
  }
  std::string available;
  for (const auto& p : platforms()) available += (available.empty() ? "" : ", ") + p.str();
  throw InputError(fmt::format("--base {} has no image for {} (it has: {})", spec_, platform.str(),
                               available.empty() ? "none" : available));
}

}  // namespace multiarch
