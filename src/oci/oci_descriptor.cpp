#include "oci/oci_descriptor.hpp"

#include <fmt/format.h>

#include "util/digest.hpp"
#include "util/error.hpp"

namespace multiarch {

bool is_index_media_type(std::string_view type) {
  return type == media_type::kOciIndex || type == media_type::kDockerManifestList;
}

bool is_manifest_media_type(std::string_view type) {
  return type == media_type::kOciManifest || type == media_type::kDockerManifest;
}

std::string sha256_digest(std::string_view bytes) { return "sha256:" + sha256_hex(bytes); }

bool is_sha256_digest(std::string_view digest) {
  if (digest.size() != 71 || digest.substr(0, 7) != "sha256:") return false;
  for (char c : digest.substr(7))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

nlohmann::ordered_json descriptor_json(const Descriptor& d) {
  nlohmann::ordered_json j;
  j["mediaType"] = d.media_type;
  j["digest"] = d.digest;
  j["size"] = d.size;
  if (d.platform) {
    nlohmann::ordered_json p;
    p["architecture"] = d.platform->architecture;
    p["os"] = d.platform->os;
    if (!d.platform->os_version.empty()) p["os.version"] = d.platform->os_version;
    if (!d.platform->variant.empty()) p["variant"] = d.platform->variant;
    j["platform"] = p;
  }
  if (!d.annotations.empty()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::object();
    for (const auto& [k, v] : d.annotations) a[k] = v;
    j["annotations"] = a;
  }
  return j;
}

Descriptor descriptor_from_json(const nlohmann::json& j, std::string_view where) {
  auto fail = [&](std::string_view problem) {
    return RuntimeError(fmt::format("{}: {}", where, problem));
  };
  if (!j.is_object()) throw fail("a descriptor must be a JSON object");
  Descriptor d;
  if (!j.contains("mediaType") || !j["mediaType"].is_string()) throw fail("missing mediaType");
  if (!j.contains("digest") || !j["digest"].is_string()) throw fail("missing digest");
  if (!j.contains("size") || !j["size"].is_number_unsigned()) throw fail("missing size");
  d.media_type = j["mediaType"].get<std::string>();
  d.digest = j["digest"].get<std::string>();
  d.size = j["size"].get<uint64_t>();
  if (!is_sha256_digest(d.digest))
    throw fail(fmt::format("digest \"{}\" is not sha256:<64 hex digits>", d.digest));
  if (j.contains("platform") && j["platform"].is_object()) {
    const auto& p = j["platform"];
    DescriptorPlatform platform;
    // A field of the wrong type is an error naming it, not nlohmann's type_error.
    auto text = [&](const char* key) {
      if (!p.contains(key)) return std::string();
      if (!p[key].is_string()) throw fail(fmt::format("platform.{} must be a string", key));
      return p[key].get<std::string>();
    };
    platform.architecture = text("architecture");
    platform.os = text("os");
    platform.variant = text("variant");
    platform.os_version = text("os.version");
    d.platform = platform;
  }
  if (j.contains("annotations") && j["annotations"].is_object())
    for (const auto& [k, v] : j["annotations"].items())
      if (v.is_string()) d.annotations[k] = v.get<std::string>();
  return d;
}

DescriptorPlatform descriptor_platform(const Platform& platform) {
  return DescriptorPlatform{platform.architecture, platform.os, platform.variant, {}};
}

std::string platform_spec(const DescriptorPlatform& platform) {
  std::string spec = platform.os + "/" + platform.architecture;
  return platform.variant.empty() ? spec : spec + "/" + platform.variant;
}

}  // namespace multiarch
