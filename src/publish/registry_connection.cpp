#include "publish/registry_connection.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "oci/image_reference.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {

RegistryCredentials read_credentials_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(
        fmt::format("--creds-file {}: no such file (write USER:PASSWORD into a file "
                    "only you can read: chmod 600)",
                    path));
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw InputError(fmt::format("--creds-file {}: readable by others (mode {:o}); chmod 600 it",
                                 path, st.st_mode & 0777));
  return parse_user_password(read_file(path), "--creds-file " + path);
}

RegistryConnection connect_registry(const std::string& host,
                                    const RegistryConnectionOptions& options,
                                    ProcessRunner& runner) {
  RegistryConnection connection;
  bool insecure = std::find(options.insecure_hosts.begin(), options.insecure_hosts.end(), host) !=
                  options.insecure_hosts.end();
  connection.http = make_curl_http_client(options.tls, options.insecure_hosts);
  RegistryClientOptions client_options;
  client_options.host = host;
  client_options.allow_plain_http = insecure || is_loopback_domain(host);
  client_options.plain_http_first =
      is_loopback_domain(host) && options.tls.ca_file.empty() && options.tls.client_cert.empty();
  client_options.max_attempts = options.max_attempts;
  client_options.on_retry = options.on_retry;
  if (options.credentials) {
    client_options.credentials = options.credentials;
  } else {
    auto env = CredentialEnvironment::from_process();
    if (!options.authfile.empty()) env.registry_auth_file = options.authfile;
    CredentialLookup lookup = lookup_credentials(host, env, runner);
    client_options.credentials = lookup.credentials;
    client_options.credentials_skipped = lookup.skipped;
  }
  connection.client = std::make_unique<RegistryClient>(*connection.http, client_options);
  connection.client->ping();
  return connection;
}

}  // namespace multiarch
