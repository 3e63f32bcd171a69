#pragma once
// A client for one registry (OCI distribution spec v1.1, "API" section): finds the scheme
// (HTTPS; plain HTTP only for loopback hosts or hosts given to --insecure), authenticates
// (anonymous, Basic, or the Bearer token flow of WWW-Authenticate challenges, one token per
// scope cached for the run), and retries transient failures (transport errors, 429, 5xx)
// with exponential backoff. Used by registry_push and registry_pull.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "publish/http_client.hpp"
#include "publish/registry_auth.hpp"

namespace multiarch {

/// A failure worth retrying: connection dropped or refused, 429, 5xx, a digest check the
/// registry failed because bytes were damaged in flight.
class TransientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RegistryClientOptions {
  std::string host;  ///< the reference's domain: "registry.example.com", "127.0.0.1:5000"
  std::optional<RegistryCredentials> credentials;  ///< nullopt: anonymous
  /// Why there are none although a file could hold them (CredentialLookup::skipped), for the
  /// messages of an anonymous client; "" when none was skipped.
  std::string credentials_skipped;
  bool allow_plain_http = false;  ///< loopback host or --insecure HOST: HTTPS, else HTTP
  /// With allow_plain_http: ask plain HTTP first (a loopback registry with no TLS options
  /// given: most are plain, and a failed TLS handshake costs ~20 ms of every run).
  bool plain_http_first = false;
  int max_attempts = 6;                    ///< per operation, the first try included
  std::chrono::milliseconds backoff{200};  ///< first delay; doubled per attempt, max 10 s
  /// Told about each retry (operation, attempt number starting at 2, reason).
  std::function<void(const std::string& what, int attempt, const std::string& reason)> on_retry;
};

class RegistryClient {
 public:
  RegistryClient(HttpClient& http, RegistryClientOptions options);

  const std::string& host() const { return options_.host; }
  /// Where the credentials came from, or "anonymous".
  std::string credentials_source() const {
    if (options_.credentials) return options_.credentials->source;
    if (!options_.credentials_skipped.empty())
      return "anonymous (skipped " + options_.credentials_skipped + ")";
    return "anonymous";
  }
  /// "https://host" or "http://host", known after ping().
  const std::string& base_url() const { return base_url_; }

  /// GET /v2/ (spec: "end-1"): chooses the scheme and reads the challenge. Throws
  /// RuntimeError "registry HOST is not reachable: ..." after the retry budget.
  void ping();

  /// Sends `request` (its url may be a path "/v2/..." or absolute) with the authorization for
  /// `scopes` (e.g. {"repository:team/user:pull,push"}); on 401 fetches a token (Bearer) and
  /// sends once more. Throws RuntimeError naming the registry when credentials are missing
  /// or refused; other statuses are returned as they are.
  HttpResponse send(HttpRequest request, const std::vector<std::string>& scopes);

  /// Runs `operation` until it returns, retrying on TransientError with exponential backoff;
  /// after max_attempts throws RuntimeError naming the registry, `what` and the last reason.
  void with_retries(const std::string& what, const std::function<void()>& operation);

  /// Throws TransientError for 0/429/5xx, RuntimeError "registry HOST: WHAT: STATUS CODE
  /// message" for other statuses outside `expected`.
  void expect(const HttpResponse& response, std::initializer_list<int> expected,
              const std::string& what) const;

 private:
  std::string authorization(const std::vector<std::string>& scopes, const std::string& refused);
  std::string fetch_token(const std::vector<std::string>& scopes);
  [[noreturn]] void auth_failure() const;

  HttpClient& http_;
  RegistryClientOptions options_;
  std::string base_url_;
  std::mutex mutex_;
  std::optional<AuthChallenge> challenge_;
  std::map<std::string, std::string> tokens_;  ///< scope list -> "Bearer ..."
};

/// The first error of a registry's JSON error body ("MANIFEST_BLOB_UNKNOWN: blob unknown to
/// registry"), or the body's first line, or "".
std::string registry_error_message(const std::string& body);

}  // namespace multiarch
