#pragma once
// SHA-256 through OpenSSL, incremental so large files and streams hash in one pass.
#include <cstddef>
#include <filesystem>
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
/// Streams the file; throws RuntimeError naming the path on failure.
std::string sha256_file_hex(const std::filesystem::path& path);

}  // namespace multiarch
