#pragma once
// Where streamed bytes go: a tar writer feeds a compressor, a compressor feeds a blob file.
// A tiny interface so each stage can be tested against a string.
#include <cstddef>
#include <string>
#include <string_view>

namespace multiarch {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const void* data, size_t size) = 0;
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
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
