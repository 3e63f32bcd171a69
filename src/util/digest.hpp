#pragma once
// SHA-256 through OpenSSL, incremental so large files and streams hash in one pass; SHA-1 only
// where a format still requires it (SPDX 2.3 file checksums).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace multiarch {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(const void* data, size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  /// Lower-case hex of the digest; the object must not be updated afterwards.
  std::string hex_digest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string sha256_hex(std::string_view data);
/// SHA-1 of `data`, lower-case hex. Not for integrity: SPDX 2.3 requires it for files.
std::string sha1_hex(std::string_view data);
/// Lower-case hex of `size` bytes: the one hex encoder of the project.
std::string hex_string(const unsigned char* bytes, size_t size);
/// Streams the file; throws RuntimeError naming the path on failure.
std::string sha256_file_hex(const std::filesystem::path& path);

/// A file's size, SHA-256 and SHA-1, read once.
struct FileDigests {
  uint64_t size = 0;
  std::string sha256_hex;
  std::string sha1_hex;
};
/// Streams the file; throws RuntimeError naming the path on failure.
FileDigests file_digests(const std::filesystem::path& path);

}  // namespace multiarch
