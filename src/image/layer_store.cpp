#include "image/layer_store.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "image/layer_cache.hpp"
#include "image/locked_layout.hpp"
#include "oci/compression.hpp"
#include "util/dir_lock.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace fs = std::filesystem;

BuiltLayer write_layer_blob(const LayerPlan& plan, const LayerOptions& options,
                            LayoutTransaction& transaction) {
  auto writer = transaction.begin_blob();
  BuiltLayer layer = build_layer(plan, options, *writer);
  transaction.finish_blob(*writer, layer.blob.digest);
  return layer;
}

std::string layer_record_json(const Platform& platform, const BuiltLayer& layer) {
  nlohmann::ordered_json j;
  j["platform"] = platform.str();
  j["media_type"] = layer.blob.media_type;
  j["digest"] = layer.blob.digest;
  j["size"] = layer.blob.size;
  j["diff_id"] = layer.diff_id;
  j["tar_size"] = layer.tar_size;
  return j.dump(1) + "\n";
}

StoredLayer store_layer(const AssembleRequest& request, const FileStatter& statter,
                        const ProgressFunction& progress) {
  if (request.binaries.size() != 1)
    throw InputError(fmt::format(
        "--binary PLATFORM=PATH: give exactly one (a layer store holds one platform's layer); "
        "{} given",
        request.binaries.size()));
  const BinaryInput& binary = request.binaries.front();
  std::string binary_path = normalize_image_path(request.binary_path, "--binary-path");
  LayerPlan plan =
      plan_binary_layer(binary, binary_path, extra_layer_files(request.files), statter).plan;
  check_depfile_request(request);
  std::string key = layer_cache_key(plan, request.layer, statter);

  OciLayout store(request.output);
  LockedLayout open(store, "--output", progress);
  LayerCache& cache = open.cache;

  StoredLayer result;
  result.platform = binary.platform;
  result.store = store.root();
  std::optional<BuiltLayer> layer = cache.find(key);
  if (layer && store.has_blob(layer->blob)) {
    result.cached = true;
  } else {
    if (progress)
      progress(fmt::format("[{}] building layer from {} ({})", binary.platform.str(),
                           binary.path.string(), compression_name(request.layer.compression)));
    layer = write_layer_blob(plan, request.layer, open.transaction);
  }
  open.transaction.commit();

  // The store keeps the current layer only: the layout it feeds has linked the older ones, and
  // this build never asks for them again. Killed runs' temporaries go with them.
  cache.retain([](const BuiltLayer&) { return false; });
  cache.put(key, *layer);
  result.files_removed = remove_stale_files(store, {layer->blob.digest});
  cache.save(open.cache_file);
  result.layer = *layer;

  // Last, and only when it changes: a build tool that restats it re-runs `image assemble`
  // only for a new layer, not for a binary relinked to the same bytes.
  const fs::path record_file = store.root() / kLayerRecordFile;
  std::string record = layer_record_json(binary.platform, *layer);
  std::error_code ec;
  if (!fs::exists(record_file, ec) || read_file(record_file) != record) {
    atomic_write_file(record_file, record);
    result.record_written = true;
  }
  write_request_depfile(request, record_file);
  return result;
}

std::optional<BuiltLayer> take_stored_layer(const fs::path& store, const std::string& key,
                                            LayoutTransaction& transaction,
                                            const ProgressFunction& progress) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  DirectoryLock lock(store, "--layer-store", say);
  OciLayout layout(store);
  std::optional<BuiltLayer> layer = LayerCache::load(store / kLayerCacheFile).find(key);
  if (!layer || !layout.has_blob(layer->blob)) return std::nullopt;
  try {
    transaction.copy_blob(layout, layer->blob);
  } catch (const RuntimeError& e) {
    say(fmt::format("layer store {}: {}; building the layer instead", store.string(), e.what()));
    return std::nullopt;
  }
  return layer;
}

}  // namespace multiarch
