#pragma once
// OCI content descriptors and media types (image-spec descriptor.md), with the JSON shape
// written in a fixed key order so the same descriptor always serializes to the same bytes.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "platform/platform.hpp"

namespace multiarch {

namespace media_type {
inline constexpr std::string_view kOciLayout = "application/vnd.oci.layout.header.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
}  // namespace media_type

bool is_index_media_type(std::string_view type);
bool is_manifest_media_type(std::string_view type);

/// The platform object of an index entry: architecture, os, variant (when set).
struct DescriptorPlatform {
  std::string architecture;
  std::string os;
  std::string variant;
  std::string os_version;
  friend bool operator==(const DescriptorPlatform&, const DescriptorPlatform&) = default;
};

struct Descriptor {
  std::string media_type;
  std::string digest;  ///< "sha256:<64 hex>"
  uint64_t size = 0;
  std::optional<DescriptorPlatform> platform;
  std::map<std::string, std::string> annotations;  ///< sorted keys: stable bytes
  friend bool operator==(const Descriptor&, const Descriptor&) = default;
};

/// "sha256:" + the hex SHA-256 of `bytes`.
std::string sha256_digest(std::string_view bytes);
/// True for "sha256:" followed by 64 lower-case hex digits (the only algorithm accepted,
/// since digests become file names under blobs/sha256/).
bool is_sha256_digest(std::string_view digest);

nlohmann::ordered_json descriptor_json(const Descriptor& descriptor);
/// Reads a descriptor; throws RuntimeError naming `where` when a field is missing or bad.
Descriptor descriptor_from_json(const nlohmann::json& json, std::string_view where);

/// A normalized platform as an index entry's platform object.
DescriptorPlatform descriptor_platform(const Platform& platform);
/// An index entry's platform as a spec parse_platform() reads: "os/architecture[/variant]".
std::string platform_spec(const DescriptorPlatform& platform);

}  // namespace multiarch
