#include "oci/layout_merge.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "oci/compression.hpp"
#include "oci/oci_layout.hpp"
#include "oci/oci_manifest.hpp"
#include "oci/tar_reader.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace multiarch {
namespace {

constexpr const char* kMergedImageNameAnnotation = "io.containerd.image.name";

std::string_view archive_file(const std::map<std::string, std::string_view>& files,
                              const std::string& path) {
  auto it = files.find(path);
  if (it == files.end())
    throw RuntimeError(fmt::format("docker save archive: {} is missing", path));
  return it->second;
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

}  // namespace

Descriptor import_docker_save(std::string_view archive, const Platform& expected,
                              LayoutTransaction& transaction, const std::string& created) {
  auto files = read_tar_files(archive);
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(archive_file(files, "manifest.json"));
  } catch (const nlohmann::json::exception& e) {
    throw RuntimeError(fmt::format("docker save archive: manifest.json: {}", e.what()));
  }
  if (!manifest.is_array() || manifest.size() != 1 || !manifest[0].is_object())
    throw RuntimeError("docker save archive: manifest.json must describe exactly one image");
  const auto& image = manifest[0];
  std::string config_path = image.value("Config", "");
  std::string_view config_bytes = archive_file(files, config_path);
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(config_bytes);
  } catch (const nlohmann::json::exception& e) {
    throw RuntimeError(fmt::format("docker save archive: {}: {}", config_path, e.what()));
  }

  // The platform the engine recorded must be the one asked for.
  std::string recorded = config.value("os", "") + "/" + config.value("architecture", "");
  if (!config.value("variant", "").empty()) recorded += "/" + config.value("variant", "");
  Platform actual;
  try {
    actual = parse_platform(recorded, expected);
  } catch (const InputError&) {
    throw RuntimeError(
        fmt::format("docker built an image for \"{}\", not {}", recorded, expected.str()));
  }
  if (actual != expected)
    throw RuntimeError(
        fmt::format("docker built an image for {}, not {}", actual.str(), expected.str()));

  std::vector<std::string> diff_ids;
  if (config.contains("rootfs") && config["rootfs"].contains("diff_ids"))
    for (const auto& id : config["rootfs"]["diff_ids"]) diff_ids.push_back(id.get<std::string>());
  const auto& layer_paths = image.value("Layers", nlohmann::json::array());
  if (layer_paths.size() != diff_ids.size())
    throw RuntimeError(fmt::format("docker save archive: {} layers but {} diff_ids",
                                   layer_paths.size(), diff_ids.size()));

  std::vector<Descriptor> layers;
  for (size_t i = 0; i < layer_paths.size(); ++i) {
    std::string_view bytes = archive_file(files, layer_paths[i].get<std::string>());
    if (is_gzip(bytes)) {
      StringSink plain;
      decompress(Compression::gzip, bytes, plain);
      if (sha256_digest(plain.bytes) != diff_ids[i])
        throw RuntimeError(
            fmt::format("docker save archive: layer {} does not match diff_id {}", i, diff_ids[i]));
      layers.push_back(transaction.put_blob(layer_media_type(Compression::gzip), bytes));
      continue;
    }
    if (sha256_digest(bytes) != diff_ids[i])
      throw RuntimeError(
          fmt::format("docker save archive: layer {} does not match diff_id {}", i, diff_ids[i]));
    StringSink compressed;
    auto compressor =
        make_compressor(Compression::gzip, default_compression_level(Compression::gzip), compressed,
                        default_jobs());
    compressor->write(bytes);
    compressor->finish();
    layers.push_back(transaction.put_blob(layer_media_type(Compression::gzip), compressed.bytes));
  }
  std::string rewritten;
  if (!created.empty()) {
    // ordered_json keeps the builder's field order: only the times change.
    auto ordered = nlohmann::ordered_json::parse(config_bytes);
    ordered["created"] = created;
    if (auto history = ordered.find("history"); history != ordered.end() && history->is_array())
      for (auto& step : *history)
        if (step.is_object() && step.contains("created")) step["created"] = created;
    rewritten = ordered.dump();
    config_bytes = rewritten;
  }
  Descriptor config_descriptor = transaction.put_blob(media_type::kOciConfig, config_bytes);
  Descriptor result =
      transaction.put_blob(media_type::kOciManifest, manifest_json(config_descriptor, layers, {}));
  result.platform = descriptor_platform(expected);
  return result;
}

void copy_layout_image(const OciLayout& source, const Descriptor& entry,
                       LayoutTransaction& transaction) {
  for (const auto& descriptor : reachable_descriptors(source, {entry}))
    transaction.copy_blob(source, descriptor);
}

std::string index_json_with(const OciLayout& layout, Descriptor entry, const std::string& tag,
                            const std::string& image_name) {
  entry.annotations.erase(kMergedImageNameAnnotation);
  entry.annotations[kRefNameAnnotation] = tag;
  if (!image_name.empty()) entry.annotations[kMergedImageNameAnnotation] = image_name;
  return index_json_with_entry(layout, entry);
}

}  // namespace multiarch
