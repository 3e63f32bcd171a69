#pragma once
// Small HTTP/1.1 servers on 127.0.0.1 for integration tests, run on a thread of the test
// process: a fault-injecting proxy in front of a registry, and a token server for the
// registry's token authentication. Each request is read whole (headers and Content-Length
// body) and answered with "Connection: close", which keeps them short and obviously correct.
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>

namespace multiarch::test {

struct HttpMessage {
  std::string start_line;                      ///< "PUT /v2/... HTTP/1.1"
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string raw_headers;                     ///< the header block as received
  std::string body;
  std::string method() const { return start_line.substr(0, start_line.find(' ')); }
  std::string target() const;
};

class LoopbackServer {
 public:
  /// `handle` gets each request and returns the whole raw response to send.
  explicit LoopbackServer(std::function<std::string(const HttpMessage&)> handle);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void serve();
  std::function<std::string(const HttpMessage&)> handle_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

/// Sends `request` (raw) to 127.0.0.1:port and returns the raw response (read to EOF).
std::string forward(int port, const std::string& request);

/// A raw response with a status line, headers and body, closing the connection.
std::string http_response(int status, const std::string& reason, const std::string& body,
                          const std::string& extra_headers = {});

/// A proxy in front of a registry on `upstream_port`: every `period`-th request gets 500 or
/// 429 (alternately) instead of an answer, and, with corrupt_first_blob, the body of the first
/// blob upload (a PUT or PATCH with bytes) has one byte flipped on its way.
class FaultProxy {
 public:
  FaultProxy(int upstream_port, int period, bool corrupt_first_blob = false);
  std::string host() const { return server_.host(); }
  int faults() const { return faults_; }
  int corrupted() const { return corrupted_; }
  int requests() const { return requests_; }

 private:
  std::string handle(const HttpMessage& request);
  int upstream_port_;
  int period_;
  bool corrupt_;
  std::atomic<int> requests_{0}, faults_{0}, corrupted_{0};
  LoopbackServer server_;
};

/// The registry's token server (distribution docs/spec/auth/token.md): GET /token?service=
/// &scope=... with Basic auth of `user:password` answers {"token": JWT}, an RS256 JWT with the
/// signing certificate in its x5c header, granting the actions asked for.
class TokenServer {
 public:
  TokenServer(std::string user, std::string password, std::string issuer, std::string service,
              std::string key_pem_path, std::string cert_pem_path);
  std::string realm() const { return "http://" + server_.host() + "/token"; }
  int tokens_issued() const { return issued_; }

 private:
  std::string handle(const HttpMessage& request);
  std::string user_, password_, issuer_, service_, key_pem_, cert_der_base64_;
  std::atomic<int> issued_{0};
  LoopbackServer server_;
};

}  // namespace multiarch::test
