#pragma once
// The HTTP seam of the registry client: one small interface (HttpClient::send) so unit tests
// can script a registry's answers, and its real implementation on libcurl (Debian's
// libcurl4-openssl-dev, TLS through OpenSSL). Bodies are sent from memory or from a byte
// range of a file (blob uploads), received into memory or appended to a file (blob pulls).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/byte_sink.hpp"

namespace multiarch {

struct HttpRequest {
  std::string method = "GET";  ///< GET, HEAD, POST, PUT, PATCH, DELETE
  std::string url;             ///< absolute: "https://host:port/v2/..."
  std::vector<std::pair<std::string, std::string>> headers;  ///< sent as "Name: value"
  std::string body;                 ///< in-memory body (when body_file is empty)
  std::filesystem::path body_file;  ///< or: this file's bytes [body_offset, +body_length)
  uint64_t body_offset = 0;
  uint64_t body_length = 0;
  /// When set, the response body of a 2xx answer streams here instead of into `body` (blob
  /// pulls into a BlobWriter); error bodies still go to `body`.
  ByteSink* response_sink = nullptr;
  /// Called with the bytes of the body sent so far (uploads; may be called often).
  std::function<void(uint64_t sent)> on_upload_progress;
  /// Called with the bytes of the response body received so far (downloads).
  std::function<void(uint64_t received)> on_download_progress;
  /// The whole exchange's limit in milliseconds (connecting included); 0: none, only the 30 s
  /// connect and 60 s stall limits. `image test`'s probe of a starting service sets it.
  long timeout_ms = 0;
  /// Connect directly, whatever http_proxy and no_proxy say (a probe of 127.0.0.1).
  bool no_proxy = false;
};

struct HttpResponse {
  int status = 0;     ///< HTTP status; 0 when the transfer failed (see error)
  std::string error;  ///< transport error (connection refused, reset, TLS), or ""
  /// The transport error is one a retry will not change: the host name does not resolve, or
  /// the server's TLS certificate is not trusted (it answered, but not to be believed).
  bool permanent = false;
  std::map<std::string, std::string> headers;  ///< names lower-cased; last value wins
  std::string body;                            ///< unless the request named a response_sink

  /// The header's value, or "" (name in lower case).
  std::string header(const std::string& lower_name) const;
};

/// TLS settings of a run (all paths optional).
struct TlsOptions {
  std::filesystem::path ca_file;      ///< extra CA bundle (PEM) instead of the system's
  std::filesystem::path client_cert;  ///< PEM client certificate (mutual TLS)
  std::filesystem::path client_key;   ///< its PEM private key
  bool verify = true;                 ///< false only for hosts given to --insecure
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Performs one request. Never throws for HTTP or transport failures (they are in the
  /// response); must be callable from several threads at once. Does not follow redirects
  /// except for GET (registries redirect blob downloads to storage).
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

/// libcurl implementation: one easy handle per thread (keep-alive connections reused),
/// HTTP/1.1, the system CA bundle unless `tls.ca_file` is given. `insecure_hosts` lists hosts
/// whose TLS certificates are not verified (--insecure HOST).
std::unique_ptr<HttpClient> make_curl_http_client(TlsOptions tls,
                                                  std::vector<std::string> insecure_hosts = {});

/// "https://a/b/c" + "/v2/x" -> "https://a/v2/x"; absolute locations are kept (RFC 3986 5.2
/// for the two shapes registries send in Location headers).
std::string resolve_location(const std::string& base_url, const std::string& location);

}  // namespace multiarch
