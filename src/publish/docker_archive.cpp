#include "publish/docker_archive.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "oci/compression.hpp"
#include "oci/oci_manifest.hpp"
#include "oci/tar_writer.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

void add_file(TarWriter& tar, const std::string& path, std::string_view bytes) {
  tar.begin_entry(TarEntry{path, TarEntry::Type::file, 0644, bytes.size(), {}});
  tar.write_data(bytes.data(), bytes.size());
  tar.end_entry();
}

}  // namespace

std::string docker_archive(const OciLayout& layout, const Descriptor& manifest,
                           const std::string& reference) {
  auto parsed = parse_manifest(layout.read_blob(manifest), manifest.digest);
  std::string config = layout.read_blob(parsed.config);
  StringSink out;
  TarWriter tar(out, 0);

  std::string config_name = parsed.config.digest.substr(7) + ".json";
  add_file(tar, config_name, config);
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const auto& layer : parsed.layers) {
    std::string blob = layout.read_blob(layer);
    auto compression = compression_of_media_type(layer.media_type);
    if (!compression)
      throw RuntimeError(fmt::format("layer {} has media type {} which docker load cannot take",
                                     layer.digest, layer.media_type));
    std::string name = layer.digest.substr(7) + "/layer.tar";
    if (*compression == Compression::zstd) {
      StringSink plain;
      decompress(Compression::zstd, blob, plain);
      blob = std::move(plain.bytes);
    }
    tar.begin_entry(TarEntry{layer.digest.substr(7), TarEntry::Type::directory, 0755, 0, {}});
    tar.end_entry();
    add_file(tar, name, blob);
    layers.push_back(name);
  }
  nlohmann::ordered_json entry;
  entry["Config"] = config_name;
  entry["RepoTags"] = reference.empty() ? nlohmann::ordered_json::array()
                                        : nlohmann::ordered_json::array({reference});
  entry["Layers"] = layers;
  add_file(tar, "manifest.json", nlohmann::ordered_json::array({entry}).dump());
  tar.finish();
  return std::move(out.bytes);
}

std::string parse_docker_load_output(std::string_view output) {
  for (std::string_view prefix : {"Loaded image: ", "Loaded image ID: "}) {
    size_t at = output.find(prefix);
    if (at == std::string_view::npos) continue;
    std::string_view rest = output.substr(at + prefix.size());
    return std::string(rest.substr(0, rest.find('\n')));
  }
  return {};
}

}  // namespace multiarch
