#include "oci/oci_manifest.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace multiarch {
namespace {

using ordered = nlohmann::ordered_json;

ordered annotations_json(const std::map<std::string, std::string>& annotations) {
  ordered a = ordered::object();
  for (const auto& [k, v] : annotations) a[k] = v;
  return a;
}

nlohmann::json parse_json(std::string_view text, std::string_view where) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw RuntimeError(fmt::format("{}: not valid JSON ({})", where, e.what()));
  }
}

}  // namespace

std::string manifest_json(const Descriptor& config, const std::vector<Descriptor>& layers,
                          const std::map<std::string, std::string>& annotations) {
  ordered m;
  m["schemaVersion"] = 2;
  m["mediaType"] = media_type::kOciManifest;
  m["config"] = descriptor_json(config);
  ordered list = ordered::array();
  for (const auto& layer : layers) list.push_back(descriptor_json(layer));
  m["layers"] = list;
  if (!annotations.empty()) m["annotations"] = annotations_json(annotations);
  return m.dump();
}

std::string index_json(const std::vector<Descriptor>& manifests,
                       const std::map<std::string, std::string>& annotations) {
  ordered index;
  index["schemaVersion"] = 2;
  index["mediaType"] = media_type::kOciIndex;
  ordered list = ordered::array();
  for (const auto& manifest : manifests) list.push_back(descriptor_json(manifest));
  index["manifests"] = list;
  if (!annotations.empty()) index["annotations"] = annotations_json(annotations);
  return index.dump();
}

ParsedManifest parse_manifest(std::string_view text, std::string_view where) {
  auto j = parse_json(text, where);
  // Compared as JSON numbers: value<int>() of 1e30 would be undefined (the fuzzer found it).
  if (!j.is_object() || !j.contains("schemaVersion") || j["schemaVersion"] != 2 ||
      !j.contains("config") || !j.contains("layers") || !j["layers"].is_array())
    throw RuntimeError(
        fmt::format("{}: not an image manifest (schemaVersion 2 with config "
                    "and layers)",
                    where));
  ParsedManifest manifest;
  manifest.config = descriptor_from_json(j["config"], fmt::format("{} config", where));
  for (size_t i = 0; i < j["layers"].size(); ++i)
    manifest.layers.push_back(
        descriptor_from_json(j["layers"][i], fmt::format("{} layer {}", where, i)));
  if (j.contains("annotations") && j["annotations"].is_object())
    for (const auto& [k, v] : j["annotations"].items())
      if (v.is_string()) manifest.annotations[k] = v.get<std::string>();
  return manifest;
}

std::vector<Descriptor> parse_index(std::string_view text, std::string_view where) {
  auto j = parse_json(text, where);
  if (!j.is_object() || !j.contains("manifests") || !j["manifests"].is_array())
    throw RuntimeError(fmt::format("{}: not an image index (no manifests array)", where));
  std::vector<Descriptor> manifests;
  for (size_t i = 0; i < j["manifests"].size(); ++i)
    manifests.push_back(
        descriptor_from_json(j["manifests"][i], fmt::format("{} entry {}", where, i)));
  return manifests;
}

std::string oci_media_type(std::string_view type) {
  if (type == "application/vnd.docker.image.rootfs.diff.tar.gzip")
    return "application/vnd.oci.image.layer.v1.tar+gzip";
  if (type == "application/vnd.docker.image.rootfs.diff.tar.zstd")
    return "application/vnd.oci.image.layer.v1.tar+zstd";
  if (type == "application/vnd.docker.image.rootfs.diff.tar")
    return "application/vnd.oci.image.layer.v1.tar";
  if (type == media_type::kDockerConfig) return std::string(media_type::kOciConfig);
  if (type == media_type::kDockerManifest) return std::string(media_type::kOciManifest);
  if (type == media_type::kDockerManifestList) return std::string(media_type::kOciIndex);
  return std::string(type);
}

}  // namespace multiarch
