#pragma once
// The layer cache, ninja/ccache style: a layer is identified by cheap facts about its inputs
// (each source file's path, size, mtime and ctime in nanoseconds, inode and device; inline
// contents; every entry's image path, mode and type; the epoch; the compressor, its level and
// its library version) and maps to the diff_id and blob it produced. A re-run whose facts are
// unchanged and whose blob is still in the layout reads and compresses nothing.
// The cache lives in the layout as `.multiarch-cache.json`; losing it only costs a rebuild.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/layer_builder.hpp"
#include "image/layer_contents.hpp"
#include "util/file_stamp.hpp"

namespace multiarch {

inline constexpr const char* kLayerCacheFile = ".multiarch-cache.json";

/// sha256 hex over a canonical text of every input fact. Throws InputError naming a source
/// file that does not exist.
std::string layer_cache_key(const LayerPlan& plan, const LayerOptions& options,
                            const FileStatter& statter);

class LayerCache {
 public:
  /// Reads the cache file; a missing, unreadable or other-version file gives an empty cache.
  static LayerCache load(const std::filesystem::path& file);

  std::optional<BuiltLayer> find(const std::string& key) const;
  void put(const std::string& key, const BuiltLayer& layer);
  /// Drops entries whose blob digest is not in `keep` (after blobs were removed).
  void retain(const std::function<bool(const BuiltLayer&)>& keep);

  /// The blob of every entry (layers, and the attestation manifests the assembler caches
  /// here too): what a cleanup must keep, with what those manifests reach.
  std::vector<Descriptor> blobs() const;

  /// The file's bytes (sorted keys: stable).
  std::string serialize() const;
  /// Writes the file atomically when its content changed; returns whether it wrote.
  bool save(const std::filesystem::path& file) const;
  size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, BuiltLayer> entries_;
  std::string loaded_;  ///< the bytes read, to skip rewriting an unchanged cache
};

}  // namespace multiarch
