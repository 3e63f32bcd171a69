#pragma once
// Everything a command needs to talk to one registry, from its options: the TLS settings,
// the credentials (explicit, else looked up as registry_auth.hpp says), the libcurl client
// and the pinged RegistryClient.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "publish/http_client.hpp"
#include "publish/registry_auth.hpp"
#include "publish/registry_client.hpp"
#include "util/process.hpp"

namespace multiarch {

struct RegistryConnectionOptions {
  TlsOptions tls;
  std::vector<std::string> insecure_hosts;  ///< --insecure HOST: no TLS verification, HTTP ok
  std::optional<RegistryCredentials> credentials;  ///< --creds-file / --creds -: used as given
  std::string authfile;  ///< --authfile: read instead of $REGISTRY_AUTH_FILE
  int max_attempts = 6;
  std::function<void(const std::string& what, int attempt, const std::string& reason)> on_retry;
};

struct RegistryConnection {
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<RegistryClient> client;
};

/// Credentials (explicit or looked up), a libcurl client and a RegistryClient for `host`,
/// pinged (so its scheme is known). Plain HTTP is allowed for loopback hosts and
/// insecure_hosts. Throws RuntimeError naming the registry when it cannot be reached.
RegistryConnection connect_registry(const std::string& host,
                                    const RegistryConnectionOptions& options,
                                    ProcessRunner& runner);

/// Reads "USER:PASSWORD" from --creds-file FILE (--creds - reads stdin in the CLI); throws
/// InputError naming the option when the file is missing, readable by others, or malformed.
RegistryCredentials read_credentials_file(const std::string& path);

}  // namespace multiarch
