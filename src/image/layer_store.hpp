#pragma once
// Layer stores: one platform's layer built ahead of `image assemble` by `multiarch image
// layer`, so a build tool can compress each platform's layer as soon as its binary exists
// while other platforms still link (the CMake module gives each platform such a node).
//
// A store is one folder per platform: an OCI layout without index.json (blobs/sha256/, every
// blob a temporary file renamed to its digest), its layer cache (.multiarch-cache.json, the
// assembler's keys, layer_cache.hpp; it holds the current layer only), its lock
// (util/dir_lock.hpp: one writer per store, so parallel platforms never share a file) and
// `layer.json`, the layer's descriptor, rewritten only when the layer changes: the output a
// build tool can restat.
//
// assemble_image() with AssembleRequest::layer_stores computes every layer's cache key as it
// always does; when the platform's store holds that key, the blob is hard-linked (else
// copied, its digest checked) into the layout instead of being built. A store that does not
// hold the key (inputs changed since, a different epoch) is ignored and the layer is built
// as without one. Both ways build a layer through write_layer_blob(), so the bytes and
// digests are the same as a single `image assemble` gives.
#include <filesystem>
#include <optional>
#include <string>

#include "image/image_assembler.hpp"
#include "image/layer_builder.hpp"
#include "image/layer_contents.hpp"
#include "oci/oci_layout.hpp"
#include "platform/platform.hpp"
#include "util/file_stamp.hpp"

namespace multiarch {

/// The store's record of its layer (layer_record_json()).
inline constexpr const char* kLayerRecordFile = "layer.json";

/// Builds `plan`'s layer (build_layer(): one read of each file, tar, diff_id, compression,
/// digest) into a temporary blob of `transaction`'s layout and renames it to its digest (an
/// existing blob stays). Throws RuntimeError when a source cannot be read or writing fails.
BuiltLayer write_layer_blob(const LayerPlan& plan, const LayerOptions& options,
                            LayoutTransaction& transaction);

/// `layer.json`: {"platform", "media_type", "digest", "size" (bytes stored), "diff_id",
/// "tar_size" (bytes uncompressed)} in this order, one key a line, newline-terminated.
std::string layer_record_json(const Platform& platform, const BuiltLayer& layer);

struct StoredLayer {
  Platform platform;
  std::filesystem::path store;
  BuiltLayer layer;
  bool cached = false;          ///< the store held it already: no byte was read or compressed
  bool record_written = false;  ///< layer.json changed (a new layer, or a new store)
  size_t files_removed = 0;     ///< older layers and what killed runs left
};

/// `multiarch image layer`: the layer of request.binaries[0] as assemble_image() would build
/// it (request.binary_path, request.files, request.layer; plan_binary_layer() and
/// layer_cache_key()), in the store request.output unless the store holds it already. Then
/// the store keeps that layer only, layer.json names it (rewritten only when it changes) and
/// request.depfile lists the binary and the files (target: request.depfile_target, default
/// STORE/layer.json). The rest of the request is not used (the ELF interpreter is assemble's
/// to judge, with its base). Throws InputError before writing for bad input (not exactly one
/// binary, a binary that fails its checks, a bad file, a store folder holding something else),
/// RuntimeError for failures while writing (after removing the temporary blob).
StoredLayer store_layer(const AssembleRequest& request, const FileStatter& statter,
                        const ProgressFunction& progress = {});

/// The layer whose cache key is `key`, from the store `store`, made available in
/// `transaction`'s layout (LayoutTransaction::copy_blob(): hard link, else copy; digest and
/// size checked). nullopt when the store does not hold that key, its blob is gone, or the blob
/// does not match (said through `progress`). Holds the store's lock while reading it.
std::optional<BuiltLayer> take_stored_layer(const std::filesystem::path& store,
                                            const std::string& key, LayoutTransaction& transaction,
                                            const ProgressFunction& progress);

}  // namespace multiarch
