#include "image/layer_builder.hpp"

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

#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/parallel.hpp"

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
    ssize_t n = read_some(fd, target.data(), target.size());
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

/// A bounded hand-over between two threads. close(): no more items, the rest is drained;
/// cancel(): stop now (push fails, pop returns nothing), used when a stage fails.
class ChunkQueue {
 public:
  /// False when the queue was cancelled: the consumer is gone.
  bool push(SharedBuffer chunk) {
    std::unique_lock lock(mutex_);
    // Bounded: a slow stage must not make the whole layer pile up in memory.
    space_.wait(lock, [&] { return items_.size() < kMaxQueued || cancelled_; });
    if (cancelled_) return false;
    items_.push_back(std::move(chunk));
    ready_.notify_one();
    return true;
  }
  /// The next chunk, or nullptr once closed and drained (or cancelled).
  SharedBuffer pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !items_.empty() || closed_ || cancelled_; });
    if (cancelled_ || items_.empty()) return nullptr;
    SharedBuffer chunk = std::move(items_.front());
    items_.pop_front();
    space_.notify_one();
    return chunk;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    items_.clear();
    ready_.notify_all();
    space_.notify_all();
  }

 private:
  static constexpr size_t kMaxQueued = 16;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::deque<SharedBuffer> items_;
  bool closed_ = false;
  bool cancelled_ = false;
};

/// Thrown inside a stage when the next stage cancelled its queue; the real error is theirs.
struct StageCancelled {};

/// Runs `body` on a thread of its own; its exception is kept for join().
class Stage {
 public:
  template <typename F>
  explicit Stage(F body)
      : thread_([this, body = std::move(body)]() mutable {
          try {
            body();
          } catch (const StageCancelled&) {
            // stopped by a later stage, which holds the error
          } catch (...) {
            error_ = std::current_exception();
          }
        }) {}
  ~Stage() { join(); }
  Stage(const Stage&) = delete;
  Stage& operator=(const Stage&) = delete;
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  /// After join(): the exception the body ended with, if any.
  std::exception_ptr error() const { return error_; }

 private:
  std::exception_ptr error_;
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

  // Three stages, so the compressor (this thread) does nothing but compress:
  //   reader: files -> tar chunks, hashed (diff_id) -> tar_queue
  //   this thread: tar chunks -> compressor -> blob chunks -> blob_queue
  //   writer: blob chunks hashed (digest) and written to `blob`
  BufferPool pool;  // outlives every chunk below
  ChunkQueue tar_queue;
  ChunkQueue blob_queue;
  Sha256 tar_hash;
  Sha256 blob_hash;
  uint64_t tar_size = 0;
  uint64_t blob_size = 0;

  Stage writer([&] {
    try {
      while (SharedBuffer chunk = blob_queue.pop()) {
        // An uncompressed blob is the tar itself, already hashed by the reader.
        if (compressed) blob_hash.update(chunk->bytes.get(), chunk->size);
        blob.write(chunk->bytes.get(), chunk->size);
        blob_size += chunk->size;
      }
    } catch (...) {
      blob_queue.cancel();  // the compressor's next push fails and it stops
      throw;
    }
  });
  Stage reader([&] {
    try {
      Chunker chunks(pool, [&](SharedBuffer chunk) {
        tar_hash.update(chunk->bytes.get(), chunk->size);
        if (!tar_queue.push(std::move(chunk))) throw StageCancelled{};
      });
      TarWriter tar(chunks, options.mtime);
      for (const auto& file : plan.entries) write_file_entry(tar, file);
      tar.finish();
      chunks.flush();
      tar_size = tar.bytes_written();
    } catch (...) {
      tar_queue.cancel();
      throw;
    }
    tar_queue.close();
  });

  // Stops the other stages and reports the first real error (theirs before ours).
  auto fail = [&](std::exception_ptr ours) {
    tar_queue.cancel();
    blob_queue.cancel();
    reader.join();
    writer.join();
    if (reader.error()) std::rethrow_exception(reader.error());
    if (writer.error()) std::rethrow_exception(writer.error());
    if (ours) std::rethrow_exception(ours);
    throw RuntimeError("internal error: layer pipeline stopped without an error");
  };
  try {
    Chunker blob_chunks(pool, [&](SharedBuffer chunk) {
      if (!blob_queue.push(std::move(chunk))) throw StageCancelled{};
    });
    std::unique_ptr<Compressor> compressor;
    if (compressed)
      compressor =
          make_compressor(options.compression, options.level, blob_chunks,
                          options.compress_threads ? options.compress_threads : default_jobs());
    while (SharedBuffer chunk = tar_queue.pop()) {
      if (compressed) {
        compressor->write(chunk->bytes.get(), chunk->size);
      } else if (!blob_queue.push(std::move(chunk))) {
        throw StageCancelled{};
      }
    }
    reader.join();
    if (reader.error()) throw StageCancelled{};
    if (compressed) {
      compressor->finish();
      blob_chunks.flush();
    }
    blob_queue.close();
    writer.join();
    if (writer.error()) throw StageCancelled{};
  } catch (const StageCancelled&) {
    fail(nullptr);
  } catch (...) {
    fail(std::current_exception());
  }

  result.diff_id = "sha256:" + tar_hash.hex_digest();
  result.tar_size = tar_size;
  result.blob.digest = compressed ? "sha256:" + blob_hash.hex_digest() : result.diff_id;
  result.blob.size = blob_size;
  return result;
}

}  // namespace multiarch
