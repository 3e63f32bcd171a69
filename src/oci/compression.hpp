#pragma once
// Deterministic layer compression: the same bytes in, the same bytes out, for a given
// compressor library version. gzip through libdeflate (members of kGzipMemberSize input
// bytes, header mtime 0, fixed level), zstd through libzstd (single-threaded, no content
// size, no checksum), or none.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/byte_sink.hpp"

namespace multiarch {

enum class Compression { none, gzip, zstd };

/// "gzip", "zstd" or "none"; throws InputError naming the value otherwise.
Compression parse_compression(std::string_view name);
std::string_view compression_name(Compression compression);
/// The OCI layer media type: application/vnd.oci.image.layer.v1.tar[+gzip|+zstd].
std::string layer_media_type(Compression compression);
/// gzip 6 (Go's and Docker's default), zstd 3 (zstd's default), none 0.
int default_compression_level(Compression compression);
/// Throws InputError unless `level` is valid for the compressor (gzip 1-12, zstd 1-19).
void check_compression_level(Compression compression, int level);

/// A ByteSink that compresses into `out`; call finish() once at the end.
class Compressor : public ByteSink {
 public:
  using ByteSink::write;
  /// Flushes everything that is left into the output sink.
  virtual void finish() = 0;
};

/// gzip's input per member: the output is the gzip members of each kGzipMemberSize slice
/// of the input, one after the other (1 MiB: 18 bytes of header and trailer and a fresh
/// 32 KiB window per member cost well under 1% of the size).
inline constexpr size_t kGzipMemberSize = size_t{1} << 20;

/// gzip compresses members on up to `threads` threads at once (libdeflate is about 2.5x
/// faster than zlib at the same ratio but has no streaming API); zstd streams on the calling
/// thread. The output never depends on `threads`.
std::unique_ptr<Compressor> make_compressor(Compression compression, int level, ByteSink& out,
                                            unsigned threads = 1);

/// Decompresses a whole zstd or gzip blob (for `image load`, which gives Docker plain tars
/// where its version may not read zstd). Throws RuntimeError on corrupt input.
void decompress(Compression compression, std::string_view input, ByteSink& out);

/// The compression a layer media type names (OCI and Docker types); nullopt when unknown.
std::optional<Compression> compression_of_media_type(std::string_view media_type);

}  // namespace multiarch
