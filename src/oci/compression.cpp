#include "oci/compression.hpp"

#include <fmt/format.h>
#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>
#include <deque>
#include <future>
#include <mutex>
#include <vector>

#include "util/error.hpp"

namespace multiarch {
namespace {

class PassThrough : public Compressor {
 public:
  explicit PassThrough(ByteSink& out) : out_(out) {}
  void write(const void* data, size_t size) override { out_.write(data, size); }
  void finish() override {}

 private:
  ByteSink& out_;
};

/// libdeflate compressors of one level, reused across members: allocating one costs its
/// hash tables (and their page faults) every time.
class DeflatePool {
 public:
  explicit DeflatePool(int level) : level_(level) {}
  ~DeflatePool() {
    for (auto* compressor : free_) libdeflate_free_compressor(compressor);
  }
  DeflatePool(const DeflatePool&) = delete;
  DeflatePool& operator=(const DeflatePool&) = delete;
  libdeflate_compressor* acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        auto* compressor = free_.back();
        free_.pop_back();
        return compressor;
      }
    }
    auto* compressor = libdeflate_alloc_compressor(level_);
    if (!compressor) throw RuntimeError("libdeflate: cannot allocate a compressor");
    return compressor;
  }
  void release(libdeflate_compressor* compressor) {
    std::lock_guard lock(mutex_);
    free_.push_back(compressor);
  }

 private:
  int level_;
  std::mutex mutex_;
  std::vector<libdeflate_compressor*> free_;
};

/// gzip as a series of members of kGzipMemberSize input bytes each. RFC 1952 allows several
/// members and every gzip reader (Go's compress/gzip in Docker, containerd and skopeo, zlib,
/// gzip(1)) reads them as one stream. libdeflate has no streaming API, so members are what
/// let compression start before the whole layer is read and run on every core; they are
/// compressed in parallel and written in order, so the bytes depend only on the input and the
/// level, never on the number of threads.
class GzipCompressor : public Compressor {
 public:
  GzipCompressor(int level, ByteSink& out, unsigned threads)
      : out_(out), threads_(std::max(1u, threads)), pool_(level) {
    current_.reserve(kGzipMemberSize);
  }
  void write(const void* data, size_t size) override {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
      size_t take = std::min(size, kGzipMemberSize - current_.size());
      current_.append(p, take);
      p += take;
      size -= take;
      if (current_.size() == kGzipMemberSize) submit();
    }
  }
  void finish() override {
    if (!current_.empty() || !submitted_) submit();  // an empty input is one empty member
    while (!pending_.empty()) write_oldest();
  }

 private:
  void submit() {
    auto input = std::make_shared<std::string>(std::move(current_));
    current_ = std::string();
    current_.reserve(kGzipMemberSize);
    while (pending_.size() >= threads_) write_oldest();
    pending_.push_back(std::async(std::launch::async, [this, input] { return compress(*input); }));
    submitted_ = true;
  }
  void write_oldest() {
    std::string member = pending_.front().get();  // rethrows the member's error
    pending_.pop_front();
    out_.write(member.data(), member.size());
  }
  std::string compress(const std::string& input) {
    libdeflate_compressor* compressor = pool_.acquire();
    std::string output(libdeflate_gzip_compress_bound(compressor, input.size()), '\0');
    // libdeflate writes a gzip header with MTIME 0 and no file name: nothing varies.
    size_t n = libdeflate_gzip_compress(compressor, input.data(), input.size(), output.data(),
                                        output.size());
    pool_.release(compressor);
    if (n == 0) throw RuntimeError("libdeflate: gzip compression failed");
    output.resize(n);
    return output;
  }

  ByteSink& out_;
  unsigned threads_;
  DeflatePool pool_;
  std::string current_;
  bool submitted_ = false;
  std::deque<std::future<std::string>> pending_;  // last: joined before the pool goes
};

class ZstdCompressor : public Compressor {
 public:
  ZstdCompressor(int level, ByteSink& out) : out_(out), buffer_(ZSTD_CStreamOutSize()) {
    context_ = ZSTD_createCCtx();
    if (!context_) throw RuntimeError("zstd: cannot allocate a compression context");
    // Single-threaded, no checksum, no content size: the frame depends only on the bytes.
    check(ZSTD_CCtx_setParameter(context_, ZSTD_c_compressionLevel, level));
    check(ZSTD_CCtx_setParameter(context_, ZSTD_c_checksumFlag, 0));
    check(ZSTD_CCtx_setParameter(context_, ZSTD_c_contentSizeFlag, 0));
  }
  ~ZstdCompressor() override { ZSTD_freeCCtx(context_); }
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;

  void write(const void* data, size_t size) override {
    ZSTD_inBuffer in{data, size, 0};
    while (in.pos < in.size) drain(ZSTD_e_continue, in);
  }
  void finish() override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    while (drain(ZSTD_e_end, in) != 0) {
    }
  }

 private:
  static size_t check(size_t code) {
    if (ZSTD_isError(code)) throw RuntimeError(std::string("zstd: ") + ZSTD_getErrorName(code));
    return code;
  }
  size_t drain(ZSTD_EndDirective directive, ZSTD_inBuffer& in) {
    ZSTD_outBuffer out{buffer_.data(), buffer_.size(), 0};
    size_t left = check(ZSTD_compressStream2(context_, &out, &in, directive));
    if (out.pos) out_.write(buffer_.data(), out.pos);
    return left;
  }

  ByteSink& out_;
  std::vector<char> buffer_;
  ZSTD_CCtx* context_ = nullptr;
};

void gunzip(std::string_view input, ByteSink& out) {
  libdeflate_decompressor* decompressor = libdeflate_alloc_decompressor();
  if (!decompressor) throw RuntimeError("libdeflate: cannot allocate a decompressor");
  std::string buffer(std::max<size_t>(input.size() * 4, 1 << 16), '\0');
  // Several gzip members may follow each other (RFC 1952); decompress them one by one.
  while (!input.empty()) {
    size_t used = 0, produced = 0;
    libdeflate_result result = libdeflate_gzip_decompress_ex(
        decompressor, input.data(), input.size(), buffer.data(), buffer.size(), &used, &produced);
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (result != LIBDEFLATE_SUCCESS) {
      libdeflate_free_decompressor(decompressor);
      throw RuntimeError("gzip: corrupt data");
    }
    out.write(buffer.data(), produced);
    input.remove_prefix(used);
  }
  libdeflate_free_decompressor(decompressor);
}

void unzstd(std::string_view input, ByteSink& out) {
  ZSTD_DCtx* context = ZSTD_createDCtx();
  if (!context) throw RuntimeError("zstd: cannot allocate a decompression context");
  std::vector<char> buffer(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  size_t last = 0;
  bool output_full = false;  // the decoder may hold more output even when input is consumed
  while (in.pos < in.size || output_full) {
    ZSTD_outBuffer o{buffer.data(), buffer.size(), 0};
    last = ZSTD_decompressStream(context, &o, &in);
    if (ZSTD_isError(last)) {
      ZSTD_freeDCtx(context);
      throw RuntimeError(std::string("zstd: ") + ZSTD_getErrorName(last));
    }
    out.write(buffer.data(), o.pos);
    output_full = o.pos == o.size;
  }
  ZSTD_freeDCtx(context);
  if (last != 0) throw RuntimeError("zstd: truncated data");
}

}  // namespace

Compression parse_compression(std::string_view name) {
  if (name == "gzip") return Compression::gzip;
  if (name == "zstd") return Compression::zstd;
  if (name == "none") return Compression::none;
  throw InputError(fmt::format("--compression \"{}\": expected gzip, zstd or none", name));
}

std::string_view compression_name(Compression compression) {
  switch (compression) {
    case Compression::gzip:
      return "gzip";
    case Compression::zstd:
      return "zstd";
    case Compression::none:
      break;
  }
  return "none";
}

std::string layer_media_type(Compression compression) {
  std::string type = "application/vnd.oci.image.layer.v1.tar";
  if (compression != Compression::none) type += "+" + std::string(compression_name(compression));
  return type;
}

int default_compression_level(Compression compression) {
  switch (compression) {
    case Compression::gzip:
      return 6;
    case Compression::zstd:
      return 3;
    case Compression::none:
      break;
  }
  return 0;
}

void check_compression_level(Compression compression, int level) {
  int low = 1, high = 1;
  if (compression == Compression::gzip) high = 12;
  if (compression == Compression::zstd) high = 19;
  if (compression == Compression::none) low = high = 0;
  if (level < low || level > high)
    throw InputError(fmt::format("--compression-level {}: {} takes {}", level,
                                 compression_name(compression),
                                 low == high ? "no level" : fmt::format("{}-{}", low, high)));
}

std::unique_ptr<Compressor> make_compressor(Compression compression, int level, ByteSink& out,
                                            unsigned threads) {
  switch (compression) {
    case Compression::gzip:
      return std::make_unique<GzipCompressor>(level, out, threads);
    case Compression::zstd:
      return std::make_unique<ZstdCompressor>(level, out);
    case Compression::none:
      break;
  }
  return std::make_unique<PassThrough>(out);
}

void decompress(Compression compression, std::string_view input, ByteSink& out) {
  switch (compression) {
    case Compression::gzip:
      return gunzip(input, out);
    case Compression::zstd:
      return unzstd(input, out);
    case Compression::none:
      break;
  }
  out.write(input);
}

std::optional<Compression> compression_of_media_type(std::string_view media_type) {
  auto ends_with = [&](std::string_view suffix) {
    return media_type.size() >= suffix.size() &&
           media_type.substr(media_type.size() - suffix.size()) == suffix;
  };
  if (media_type.find("layer") == std::string_view::npos &&
      media_type.find("rootfs.diff") == std::string_view::npos)
    return std::nullopt;
  if (ends_with("+gzip") || ends_with(".tar.gzip")) return Compression::gzip;
  if (ends_with("+zstd") || ends_with(".tar.zstd")) return Compression::zstd;
  if (ends_with(".tar") || ends_with("v1.tar")) return Compression::none;
  return std::nullopt;
}

}  // namespace multiarch
