#pragma once
// Where streamed bytes go: a tar writer feeds a compressor, a compressor feeds a blob file.
// A tiny interface so each stage can be tested against a string.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace multiarch {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const void* data, size_t size) = 0;
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  /// Free space inside the sink's own buffer, or an empty span. A producer may fill a prefix
  /// of it (e.g. read() straight into it) and then call write() with that same pointer: the
  /// sink then takes the bytes without copying them.
  virtual std::span<char> direct_space() { return {}; }
};

/// Collects everything in memory (tests, small archives, JSON blobs).
class StringSink : public ByteSink {
 public:
  using ByteSink::write;
  void write(const void* data, size_t size) override {
    bytes.append(static_cast<const char*>(data), size);
  }
  std::string bytes;
};

/// Counts and drops (benchmarks, size-only passes).
class CountingSink : public ByteSink {
 public:
  using ByteSink::write;
  void write(const void*, size_t size) override { count += size; }
  size_t count = 0;
};

}  // namespace multiarch
