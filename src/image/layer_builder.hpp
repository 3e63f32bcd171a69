#pragma once
// Builds one image layer in a single pass over its inputs: each file is read once into the
// tar stream, which is hashed (diff_id) and compressed; the compressed stream is hashed
// (digest) and written to the blob sink. Three threads hand fixed 1 MiB chunks along: a
// reader (files -> tar -> diff_id), the caller (the compressor, nothing else) and a writer
// (digest + blob), so reading and hashing overlap the compressor instead of adding to it.
#include <cstdint>
#include <string>

#include "image/layer_contents.hpp"
#include "oci/compression.hpp"
#include "oci/oci_descriptor.hpp"
#include "util/byte_sink.hpp"

namespace multiarch {

struct LayerOptions {
  int64_t mtime = 0;  ///< every entry's modification time (the image epoch)
  Compression compression = Compression::gzip;
  int level = 6;
  /// Threads compressing gzip members at once; 0: one per core. The bytes never depend on it.
  unsigned compress_threads = 0;
};

struct BuiltLayer {
  std::string diff_id;    ///< "sha256:..." of the uncompressed tar
  Descriptor blob;        ///< media type, digest and size of the stored (compressed) blob
  uint64_t tar_size = 0;  ///< uncompressed bytes
};

/// Writes the plan's tar to `out` synchronously (tests, and sizes). Throws RuntimeError when a
/// source cannot be read or changes while it is read.
void write_layer_tar(const LayerPlan& plan, int64_t mtime, ByteSink& out);

/// The single-pass build; `blob` receives the stored bytes (a BlobWriter in a layout).
BuiltLayer build_layer(const LayerPlan& plan, const LayerOptions& options, ByteSink& blob);

/// Chunk size of the pipeline (and of the compressor's input): fixed, so the compressed
/// bytes never depend on how reads happened to be split.
inline constexpr size_t kLayerChunkSize = size_t{1} << 20;

}  // namespace multiarch
