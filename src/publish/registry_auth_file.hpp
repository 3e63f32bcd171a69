#pragma once
// Registry credentials handed to a tool without putting them in its argv (readable by every
// user in /proc/PID/cmdline and ps): a containers-auth.json file (containers-auth.json(5),
// the format of Docker's config.json "auths") in a private 0700 folder, the file itself 0600,
// removed when the object goes away.
#include <filesystem>
#include <string>

namespace multiarch {

/// {"auths":{"REGISTRY":{"auth":"base64(USER:PASSWORD)"}}}; `registry` is the reference's
/// domain ("127.0.0.1:5000", "docker.io"), `user_password` "USER:PASSWORD".
std::string registry_auth_json(const std::string& registry, const std::string& user_password);

class PrivateAuthFile {
 public:
  /// Creates TMPDIR/multiarch-auth-XXXXXX/auth.json (0700 folder, 0600 file, O_EXCL).
  /// Throws RuntimeError when it cannot be written.
  PrivateAuthFile(const std::string& registry, const std::string& user_password);
  ~PrivateAuthFile();
  PrivateAuthFile(const PrivateAuthFile&) = delete;
  PrivateAuthFile& operator=(const PrivateAuthFile&) = delete;
  const std::filesystem::path& path() const { return file_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path file_;
};

}  // namespace multiarch
