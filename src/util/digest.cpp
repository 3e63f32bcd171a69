#include "util/digest.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {

struct Sha256::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  if (!state_->ctx || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1)
    throw RuntimeError("OpenSSL: cannot initialise SHA-256");
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, size_t size) { EVP_DigestUpdate(state_->ctx, data, size); }

std::string Sha256::hex_digest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->ctx, digest.data(), &length);
  return hex_string(digest.data(), length);
}

std::string hex_string(const unsigned char* bytes, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    hex += kHex[bytes[i] >> 4];
    hex += kHex[bytes[i] & 0xf];
  }
  return hex;
}

namespace {

/// Calls `chunk` with the file's bytes in order; RuntimeError naming the path on failure.
void read_chunks(const std::filesystem::path& path,
                 const std::function<void(const char*, size_t)>& chunk) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw RuntimeError(fmt::format("cannot read {}: {}", path.string(), strerror(errno)));
  std::array<char, 1 << 16> buffer;
  while (true) {
    ssize_t n = read_some(fd, buffer.data(), buffer.size());
    if (n < 0) {
      int error = errno;
      ::close(fd);
      throw RuntimeError(fmt::format("cannot read {}: {}", path.string(), strerror(error)));
    }
    if (n == 0) break;
    chunk(buffer.data(), static_cast<size_t>(n));
  }
  ::close(fd);
}

/// SHA-1 through EVP, for file_digests() and sha1_hex().
class Sha1 {
 public:
  Sha1() {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha1(), nullptr) != 1)
      throw RuntimeError("OpenSSL: cannot initialise SHA-1");
  }
  void update(const void* data, size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  std::string hex_digest() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest.data(), &length);
    return hex_string(digest.data(), length);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

}  // namespace

std::string sha256_hex(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.hex_digest();
}

std::string sha1_hex(std::string_view data) {
  Sha1 hash;
  hash.update(data.data(), data.size());
  return hash.hex_digest();
}

std::string sha256_file_hex(const std::filesystem::path& path) {
  Sha256 hash;
  read_chunks(path, [&](const char* data, size_t size) { hash.update(data, size); });
  return hash.hex_digest();
}

FileDigests file_digests(const std::filesystem::path& path) {
  Sha256 sha256;
  Sha1 sha1;
  FileDigests digests;
  read_chunks(path, [&](const char* data, size_t size) {
    sha256.update(data, size);
    sha1.update(data, size);
    digests.size += size;
  });
  digests.sha256_hex = sha256.hex_digest();
  digests.sha1_hex = sha1.hex_digest();
  return digests;
}

}  // namespace multiarch
