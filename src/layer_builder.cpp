#include "multiarch/layer_builder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "multiarch/digest.hpp"
#include "multiarch/error.hpp"

namespace multiarch {
namespace {

/// Streams one file into the tar: fstat for the header size, then read() to the end.
void write_file_entry(TarWriter& tar, const LayerFile& file) {
  TarEntry entry{tar_path(file.path), file.type, file.mode, 0, file.link_target};
  if (file.type != TarEntry::Type::file) {
    tar.begin_entry(entry);
    tar.end_entry();
    return;
  }
  if (file.source.empty()) {
    entry.size = file.content.size();
    tar.begin_entry(entry);
    tar.write_data(file.content.data(), file.content.size());
    tar.end_entry();
    return;
  }
  int fd = ::open(file.source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw RuntimeError(
        fmt::format("cannot read {}: {}", file.source.string(), std::strerror(errno)));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw RuntimeError(fmt::format("{} is not a regular file", file.source.string()));
  entry.size = static_cast<uint64_t>(st.st_size);
  tar.begin_entry(entry);
  std::unique_ptr<char[]> buffer;
  while (true) {
    // Read straight into the sink's buffer when it offers one (no copy), else into ours.
    std::span<char> target = tar.direct_space();
    if (target.empty()) {
      if (!buffer) buffer.reset(new char[kLayerChunkSize]);
      target = {buffer.get(), kLayerChunkSize};
    }
    ssize_t n = ::read(fd, target.data(), target.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw RuntimeError(
          fmt::format("cannot read {}: {}", file.source.string(), std::strerror(errno)));
    if (n == 0) break;
    tar.write_data(target.data(), static_cast<size_t>(n));
  }
  tar.end_entry();
}

/// A fixed-capacity byte buffer: no zero-filling, reused through a BufferPool.
struct Buffer {
  std::unique_ptr<char[]> bytes{new char[kLayerChunkSize]};
  size_t size = 0;
};
using SharedBuffer = std::shared_ptr<const Buffer>;

/// Recycles chunk buffers: fresh 1 MiB allocations cost page faults and kernel zeroing on
/// every chunk, reused ones do not. Chunks come back from the helper thread, hence the lock.
class BufferPool {
 public:
  std::shared_ptr<Buffer> acquire() {
    std::unique_ptr<Buffer> buffer;
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        buffer = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!buffer) buffer = std::make_unique<Buffer>();
    buffer->size = 0;
    return std::shared_ptr<Buffer>(buffer.release(), [this](Buffer* b) {
      std::lock_guard lock(mutex_);
      free_.emplace_back(b);
    });
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Buffer>> free_;
};

/// The helper thread: hashes tar chunks (diff_id), hashes and writes blob chunks (digest).
class HashWorker {
 public:
  struct Chunk {
    SharedBuffer buffer;
    bool tar = false;   ///< part of the uncompressed tar
    bool blob = false;  ///< part of the stored blob
  };

  explicit HashWorker(ByteSink& blob) : blob_(blob), thread_([this] { loop(); }) {}
  ~HashWorker() { stop(); }
  HashWorker(const HashWorker&) = delete;
  HashWorker& operator=(const HashWorker&) = delete;

  void push(Chunk chunk) {
    std::unique_lock lock(mutex_);
    // Bounded queue: a slow disk must not make the whole layer pile up in memory.
    space_.wait(lock, [&] { return queue_.size() < kMaxQueued || error_; });
    if (error_) std::rethrow_exception(error_);
    queue_.push_back(std::move(chunk));
    ready_.notify_one();
  }

  /// Waits for the queue to drain; rethrows a write error from the thread.
  void finish(std::string& tar_digest, std::string& blob_digest) {
    stop();
    if (error_) std::rethrow_exception(error_);
    tar_digest = "sha256:" + tar_hash_.hex_digest();
    blob_digest = "sha256:" + blob_hash_.hex_digest();
  }

 private:
  static constexpr size_t kMaxQueued = 32;

  void stop() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
      ready_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }

  void loop() {
    while (true) {
      Chunk chunk;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        chunk = std::move(queue_.front());
        queue_.pop_front();
        space_.notify_one();
      }
      if (error_) continue;  // drain without work after a failure
      try {
        const char* bytes = chunk.buffer->bytes.get();
        size_t size = chunk.buffer->size;
        if (chunk.tar) tar_hash_.update(bytes, size);
        // An uncompressed blob is the tar itself: one hash serves both.
        if (chunk.blob && !chunk.tar) blob_hash_.update(bytes, size);
        if (chunk.blob) blob_.write(bytes, size);
      } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
        space_.notify_all();
      }
    }
  }

  ByteSink& blob_;
  Sha256 tar_hash_;
  Sha256 blob_hash_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::deque<Chunk> queue_;
  std::exception_ptr error_;
  bool done_ = false;
  std::thread thread_;
};

/// Cuts a stream into fixed-size chunks and hands each to a callback. Offers its free space
/// for direct reads (ByteSink::direct_space).
class Chunker : public ByteSink {
 public:
  using ByteSink::write;
  template <typename F>
  Chunker(BufferPool& pool, F on_chunk)
      : pool_(pool), on_chunk_(std::move(on_chunk)), current_(pool.acquire()) {}
  void write(const void* data, size_t size) override {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
      size_t take = std::min(size, kLayerChunkSize - current_->size);
      char* end = current_->bytes.get() + current_->size;
      if (p != end) std::memcpy(end, p, take);  // filled in place: nothing to copy
      current_->size += take;
      p += take;
      size -= take;
      if (current_->size == kLayerChunkSize) flush();
    }
  }
  std::span<char> direct_space() override {
    return {current_->bytes.get() + current_->size, kLayerChunkSize - current_->size};
  }
  void flush() {
    if (current_->size == 0) return;
    SharedBuffer full = std::move(current_);
    current_ = pool_.acquire();
    on_chunk_(std::move(full));
  }

 private:
  BufferPool& pool_;
  std::function<void(SharedBuffer)> on_chunk_;
  std::shared_ptr<Buffer> current_;
};

}  // namespace

void write_layer_tar(const LayerPlan& plan, int64_t mtime, ByteSink& out) {
  TarWriter tar(out, mtime);
  for (const auto& file : plan.entries) write_file_entry(tar, file);
  tar.finish();
}

BuiltLayer build_layer(const LayerPlan& plan, const LayerOptions& options, ByteSink& blob) {
  BuiltLayer result;
  result.blob.media_type = layer_media_type(options.compression);
  const bool compressed = options.compression != Compression::none;

  uint64_t size_hint = 0;
  for (const auto& file : plan.entries) {
    std::error_code ec;
    if (file.source.empty()) continue;
    auto size = std::filesystem::file_size(file.source, ec);
    if (!ec) size_hint += size;  // a missing file fails below, when it is opened
  }

  BufferPool pool;  // outlives every chunk below
  HashWorker worker(blob);
  uint64_t blob_size = 0;
  Chunker blob_chunks(pool, [&](SharedBuffer chunk) {
    blob_size += chunk->size;
    worker.push({std::move(chunk), false, true});
  });
  std::unique_ptr<Compressor> compressor;
  if (compressed)
    compressor = make_compressor(options.compression, options.level, blob_chunks,
                                 size_hint + size_hint / 64 + 65536);
  Chunker tar_chunks(pool, [&](SharedBuffer chunk) {
    // Queue the chunk for hashing first so the helper hashes while we compress it.
    worker.push({chunk, true, !compressed});
    if (compressed) compressor->write(chunk->bytes.get(), chunk->size);
  });

  TarWriter tar(tar_chunks, options.mtime);
  for (const auto& file : plan.entries) write_file_entry(tar, file);
  tar.finish();
  tar_chunks.flush();
  if (compressed) {
    compressor->finish();
    blob_chunks.flush();
  }

  std::string tar_digest, blob_digest;
  worker.finish(tar_digest, blob_digest);
  result.diff_id = tar_digest;
  result.tar_size = tar.bytes_written();
  result.blob.digest = compressed ? blob_digest : tar_digest;
  result.blob.size = compressed ? blob_size : result.tar_size;
  return result;
}

}  // namespace multiarch
