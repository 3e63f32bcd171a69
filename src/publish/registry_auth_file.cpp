#include "publish/registry_auth_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "util/error.hpp"

namespace multiarch {
namespace fs = std::filesystem;
namespace {

std::string base64(const std::string& bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<size_t>(n));
}

}  // namespace

std::string registry_auth_json(const std::string& registry, const std::string& user_password) {
  nlohmann::json json;
  json["auths"][registry]["auth"] = base64(user_password);
  return json.dump();
}

PrivateAuthFile::PrivateAuthFile(const std::string& registry, const std::string& user_password) {
  std::string pattern = (fs::temp_directory_path() / "multiarch-auth-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))  // mkdtemp makes it 0700
    throw RuntimeError(
        fmt::format("cannot create a private folder for the registry credentials in {}: {}",
                    fs::temp_directory_path().string(), std::strerror(errno)));
  dir_ = pattern;
  file_ = dir_ / "auth.json";
  int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  std::string json = registry_auth_json(registry, user_password);
  bool written =
      fd >= 0 && ::write(fd, json.data(), json.size()) == static_cast<ssize_t>(json.size());
  int saved = errno;
  if (fd >= 0) ::close(fd);
  if (!written) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw RuntimeError(fmt::format("cannot write the registry credentials file {}: {}",
                                   file_.string(), std::strerror(saved)));
  }
}

PrivateAuthFile::~PrivateAuthFile() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace multiarch
