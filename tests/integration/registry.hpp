#pragma once
// A real OCI registry for integration tests: Debian's `docker-registry` (distribution 2.8)
// started on 127.0.0.1 on a free port with a config written here, storage in a TempDir,
// optionally behind htpasswd (bcrypt) auth, and stopped by the destructor.
//
//   multiarch::test::Registry registry;
//   ASSERT_TRUE(registry.start());                        // or start({{"alice", "secret"}})
//   push to registry.host() + "/team/user:1.0" ...
//   auto response = registry.get("/v2/team/user/manifests/1.0", kOciIndexMediaType);
//
// Docker treats 127.0.0.0/8 as an insecure registry by default, so `docker pull` works over
// plain HTTP; skopeo needs --dest-tls-verify=false / --src-tls-verify=false.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "harness.hpp"

namespace multiarch::test {

struct RegistryCredentials {
  std::string username;
  std::string password;
};

/// TLS for the registry: a PEM certificate (chain) and its key.
struct RegistryTls {
  std::filesystem::path certificate;
  std::filesystem::path key;
};

/// The registry's token authentication (distribution's auth.token): clients are sent to
/// `realm` for a JWT signed by a key whose certificate is in `root_certificate_bundle`.
struct RegistryTokenAuth {
  std::string realm;
  std::string service;
  std::string issuer;
  std::filesystem::path root_certificate_bundle;
};

struct RegistryOptions {
  std::optional<RegistryCredentials> credentials;  ///< htpasswd (Basic)
  std::optional<RegistryTls> tls;
  std::optional<RegistryTokenAuth> token;
};

class Registry {
 public:
  struct Response {
    int status = 0;       ///< HTTP status, 0 when the connection failed
    std::string headers;  ///< the raw header block
    std::string body;
  };

  Registry() = default;
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Starts the registry and waits until `/v2/` answers. With credentials, every request
  /// needs HTTP basic auth (htpasswd file made by `htpasswd -Bbn`). Fails (never throws)
  /// with the registry's log when it does not come up.
  ::testing::AssertionResult start(std::optional<RegistryCredentials> credentials = std::nullopt);
  /// The same with TLS and/or token auth. With TLS, get() cannot be used (it speaks HTTP).
  ::testing::AssertionResult start(RegistryOptions options);
  /// SIGKILL, as a crash would: uploads in progress are lost, stored blobs stay.
  void kill();
  /// Starts it again on the same port with the same storage and configuration.
  ::testing::AssertionResult restart();
  /// Stops it (SIGTERM, then SIGKILL); the destructor calls this.
  void stop();

  /// "127.0.0.1:PORT": the registry part of references pushed to it.
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  /// The registry's own stdout/stderr so far (for failure messages).
  std::string log() const;

  /// GET over plain HTTP/1.0, with basic auth when the registry has credentials and
  /// `authenticate` is true. `accept` sets the Accept header (e.g. the OCI index type).
  Response get(const std::string& path, const std::string& accept = {},
               bool authenticate = true) const;

 private:
  std::unique_ptr<TempDir> dir_;
  std::optional<RegistryCredentials> credentials_;
  RegistryOptions options_;
  ::testing::AssertionResult launch(int attempts);
  pid_t pid_ = -1;
  int port_ = 0;
  std::string host_;
};

}  // namespace multiarch::test

/// Debian's docker-registry, which the Registry fixture runs; opt-out MULTIARCH_SKIP_REGISTRY.
#define MULTIARCH_REQUIRE_REGISTRY()                                           \
  MULTIARCH_REQUIRE_TOOL("docker-registry", "apt-get install docker-registry", \
                         "MULTIARCH_SKIP_REGISTRY")
