#pragma once
// Registry credentials and the authentication challenge (distribution spec "token"
// authentication, docs/spec/auth/token.md of distribution/distribution; RFC 7235).
//
// Where credentials come from, first match wins (Docker's and containers-auth.json's order):
//   1. an explicit source: --creds-file FILE or --creds - (stdin), "USER:PASSWORD" on one line
//   2. $REGISTRY_AUTH_FILE (containers-auth.json: {"auths": {HOST: {"auth": base64}}})
//   3. $DOCKER_CONFIG/config.json or ~/.docker/config.json: credHelpers[HOST], then
//      credsStore, through `docker-credential-NAME get` (HOST on stdin, JSON on stdout), then
//      auths[HOST].auth (base64 "USER:PASSWORD")
//   4. anonymous
// Secrets never appear in argv or in messages.
#include <map>
#include <optional>
#include <string>

#include "util/process.hpp"

namespace multiarch {

struct RegistryCredentials {
  std::string username;
  std::string password;
  std::string source;  ///< where they came from, for messages ("~/.docker/config.json")
};

/// Parses "USER:PASSWORD" (one line; trailing newline ignored). Throws InputError naming
/// `what` when there is no ':' or no user.
RegistryCredentials parse_user_password(std::string text, const std::string& what);

/// The environment the lookup reads (tests give their own).
struct CredentialEnvironment {
  std::string home;                ///< $HOME
  std::string docker_config;       ///< $DOCKER_CONFIG, "" when unset
  std::string registry_auth_file;  ///< $REGISTRY_AUTH_FILE, "" when unset
  static CredentialEnvironment from_process();
};

/// What lookup_credentials() found.
struct CredentialLookup {
  std::optional<RegistryCredentials> credentials;  ///< nullopt: anonymous
  /// The Docker config.json that was skipped because it is not valid JSON, and why
  /// ("/root/.docker/config.json: not valid JSON (at byte 41)"): Docker warns and goes on
  /// anonymously, and so does this. "" when none was skipped.
  std::string skipped;
};

/// The credentials for `host` (a registry domain "host[:port]") from the files above, or
/// none (anonymous). Docker Hub's aliases ("docker.io", "index.docker.io") are looked up
/// as "https://index.docker.io/v1/" too. Throws RuntimeError when $REGISTRY_AUTH_FILE
/// (asked for by name) is malformed, or a credential helper fails for another reason than
/// "credentials not found".
CredentialLookup lookup_credentials(const std::string& host, const CredentialEnvironment& env,
                                    ProcessRunner& runner);

/// One challenge of a WWW-Authenticate header: scheme ("basic" or "bearer", lower case) and
/// its parameters (realm, service, scope, error).
struct AuthChallenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};

/// Parses a WWW-Authenticate value such as
/// `Bearer realm="https://auth/token",service="registry",scope="repository:a/b:pull"`.
/// Returns nullopt when the value is empty or has no scheme.
std::optional<AuthChallenge> parse_auth_challenge(const std::string& value);

/// base64 of `text` (RFC 4648, with padding); for the Basic scheme.
std::string base64_encode(const std::string& text);
/// Decodes base64; throws RuntimeError naming `what` when it is not base64.
std::string base64_decode(const std::string& text, const std::string& what);

}  // namespace multiarch
