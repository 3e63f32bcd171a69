#include "image/layer_cache.hpp"

#include <fmt/format.h>
#include <libdeflate.h>
#include <zstd.h>

#include <nlohmann/json.hpp>

#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

constexpr const char* kCacheVersion = "multiarch-layer-cache/1";

/// Output depends on the compressor library version, so it is part of the key.
std::string compressor_identity(const LayerOptions& options) {
  switch (options.compression) {
    case Compression::gzip:
      return fmt::format("gzip level={} members={} libdeflate={}", options.level, kGzipMemberSize,
                         LIBDEFLATE_VERSION_STRING);
    case Compression::zstd:
      return fmt::format("zstd level={} libzstd={}", options.level, ZSTD_versionString());
    case Compression::none:
      break;
  }
  return "none";
}

}  // namespace

std::string layer_cache_key(const LayerPlan& plan, const LayerOptions& options,
                            const FileStatter& statter) {
  // One line per fact; any change in any line gives another key.
  std::string text =
      fmt::format("{}\nmtime={}\n{}\n", kCacheVersion, options.mtime, compressor_identity(options));
  for (const auto& file : plan.entries) {
    text += fmt::format("entry {} type={} mode={:o}", file.path, static_cast<int>(file.type),
                        file.mode);
    if (file.type == TarEntry::Type::symlink) text += " link=" + file.link_target;
    if (file.type == TarEntry::Type::file && file.source.empty())
      text += " content=" + sha256_hex(file.content);
    if (!file.source.empty()) {
      auto stamp = statter.stat(file.source);
      if (!stamp) throw InputError(fmt::format("{} does not exist", file.source.string()));
      text += fmt::format(" source={} size={} mtime_ns={} ctime_ns={} inode={} device={}",
                          std::filesystem::absolute(file.source).string(), stamp->size,
                          stamp->mtime_ns, stamp->ctime_ns, stamp->inode, stamp->device);
    }
    text += "\n";
  }
  return sha256_hex(text);
}

LayerCache LayerCache::load(const std::filesystem::path& file) {
  LayerCache cache;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return cache;
  try {
    std::string bytes = read_file(file);
    auto j = nlohmann::json::parse(bytes);
    if (j.value("version", "") != kCacheVersion) return cache;
    for (const auto& [key, value] : j.at("layers").items()) {
      BuiltLayer layer;
      layer.diff_id = value.at("diff_id").get<std::string>();
      layer.tar_size = value.at("tar_size").get<uint64_t>();
      layer.blob.media_type = value.at("media_type").get<std::string>();
      layer.blob.digest = value.at("digest").get<std::string>();
      layer.blob.size = value.at("size").get<uint64_t>();
      if (!is_sha256_digest(layer.blob.digest) || !is_sha256_digest(layer.diff_id)) continue;
      cache.entries_[key] = layer;
    }
    cache.loaded_ = std::move(bytes);
  } catch (const std::exception&) {
    cache.entries_.clear();  // a damaged cache is only a cache: start over
  }
  return cache;
}

std::optional<BuiltLayer> LayerCache::find(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void LayerCache::put(const std::string& key, const BuiltLayer& layer) { entries_[key] = layer; }

void LayerCache::retain(const std::function<bool(const BuiltLayer&)>& keep) {
  std::erase_if(entries_, [&](const auto& entry) { return !keep(entry.second); });
}

std::vector<Descriptor> LayerCache::blobs() const {
  std::vector<Descriptor> blobs;
  for (const auto& [key, layer] : entries_) blobs.push_back(layer.blob);
  return blobs;
}

std::string LayerCache::serialize() const {
  nlohmann::ordered_json j;
  j["version"] = kCacheVersion;
  nlohmann::ordered_json layers = nlohmann::ordered_json::object();
  for (const auto& [key, layer] : entries_) {
    nlohmann::ordered_json entry;
    entry["diff_id"] = layer.diff_id;
    entry["tar_size"] = layer.tar_size;
    entry["media_type"] = layer.blob.media_type;
    entry["digest"] = layer.blob.digest;
    entry["size"] = layer.blob.size;
    layers[key] = entry;
  }
  j["layers"] = layers;
  return j.dump(1) + "\n";
}

bool LayerCache::save(const std::filesystem::path& file) const {
  std::string bytes = serialize();
  if (bytes == loaded_) return false;
  atomic_write_file(file, bytes);
  return true;
}

}  // namespace multiarch
