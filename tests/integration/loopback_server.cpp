#include "loopback_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "util/fs.hpp"

namespace multiarch::test {
namespace {

bool read_message(int fd, HttpMessage& message) {
  std::string data;
  char buffer[65536];
  size_t header_end = std::string::npos;
  while (header_end == std::string::npos) {
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return false;
    data.append(buffer, static_cast<size_t>(n));
    header_end = data.find("\r\n\r\n");
  }
  message.raw_headers = data.substr(0, header_end + 2);
  std::istringstream lines(message.raw_headers);
  std::getline(lines, message.start_line);
  if (!message.start_line.empty() && message.start_line.back() == '\r')
    message.start_line.pop_back();
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t start = line.find_first_not_of(' ', colon + 1);
    message.headers[name] = start == std::string::npos ? "" : line.substr(start);
  }
  size_t length = 0;
  if (auto it = message.headers.find("content-length"); it != message.headers.end())
    length = std::stoul(it->second);
  message.body = data.substr(header_end + 4);
  while (message.body.size() < length) {
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return false;
    message.body.append(buffer, static_cast<size_t>(n));
  }
  return true;
}

void send_all(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string base64url(const std::string& bytes) {
  std::string out = base64(bytes);
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string url_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

}  // namespace

std::string HttpMessage::target() const {
  auto first = start_line.find(' ');
  auto second = start_line.find(' ', first + 1);
  return start_line.substr(first + 1, second - first - 1);
}

LoopbackServer::LoopbackServer(std::function<std::string(const HttpMessage&)> handle)
    : handle_(std::move(handle)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::listen(listen_fd_, 64) == 0 &&
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

LoopbackServer::~LoopbackServer() {
  stopping_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void LoopbackServer::serve() {
  // One connection at a time: a request is answered and its connection closed before the
  // next is accepted; clients queue in the listen backlog.
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    HttpMessage request;
    if (read_message(fd, request)) send_all(fd, handle_(request));
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
  }
}

std::string forward(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    send_all(fd, request);
    char buffer[65536];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;)
      response.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return response;
}

std::string http_response(int status, const std::string& reason, const std::string& body,
                          const std::string& extra_headers) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
         extra_headers + "\r\n" + body;
}

FaultProxy::FaultProxy(int upstream_port, int period, bool corrupt_first_blob)
    : upstream_port_(upstream_port),
      period_(period),
      corrupt_(corrupt_first_blob),
      server_([this](const HttpMessage& request) { return handle(request); }) {}

std::string FaultProxy::handle(const HttpMessage& request) {
  int n = ++requests_;
  if (period_ > 0 && n % period_ == 0) {
    int fault = ++faults_;
    return fault % 2 ? http_response(500, "Internal Server Error", "injected by the test proxy")
                     : http_response(429, "Too Many Requests", "injected by the test proxy");
  }
  std::string body = request.body;
  std::string method = request.method();
  if (corrupt_ && !body.empty() && (method == "PUT" || method == "PATCH") &&
      request.target().find("/blobs/uploads/") != std::string::npos && corrupted_ == 0) {
    body[body.size() / 2] = static_cast<char>(body[body.size() / 2] ^ 0x20);
    ++corrupted_;
  }
  // HTTP/1.0-style: one request per upstream connection, the answer read to EOF.
  std::string headers;
  std::istringstream lines(request.raw_headers);
  for (std::string line; std::getline(lines, line);) {
    std::string lower = line;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("connection:", 0) == 0) continue;
    headers += line + "\n";
  }
  while (!headers.empty() && (headers.back() == '\n' || headers.back() == '\r')) headers.pop_back();
  std::string upstream = forward(upstream_port_, headers + "\r\nConnection: close\r\n\r\n" + body);
  if (upstream.empty()) return http_response(502, "Bad Gateway", "upstream closed");
  return upstream;
}

TokenServer::TokenServer(std::string user, std::string password, std::string issuer,
                         std::string service, std::string key_pem_path, std::string cert_pem_path)
    : user_(std::move(user)),
      password_(std::move(password)),
      issuer_(std::move(issuer)),
      service_(std::move(service)),
      key_pem_(read_file(key_pem_path)),
      server_([this](const HttpMessage& request) { return handle(request); }) {
  // x5c holds base64 DER: the PEM's body lines are exactly that.
  std::istringstream pem(read_file(cert_pem_path));
  for (std::string line; std::getline(pem, line);)
    if (line.rfind("-----", 0) != 0) cert_der_base64_ += line;
}

std::string TokenServer::handle(const HttpMessage& request) {
  auto auth = request.headers.find("authorization");
  if (auth == request.headers.end() || auth->second != "Basic " + base64(user_ + ":" + password_))
    return http_response(401, "Unauthorized", R"({"details":"wrong credentials"})",
                         "Content-Type: application/json\r\n");
  std::string target = request.target();
  std::string query = target.substr(target.find('?') + 1);
  nlohmann::json access = nlohmann::json::array();
  std::istringstream params(query);
  for (std::string param; std::getline(params, param, '&');) {
    if (param.rfind("scope=", 0) != 0) continue;
    std::string scope = url_decode(param.substr(6));  // repository:NAME:ACTIONS
    auto first = scope.find(':');
    auto last = scope.rfind(':');
    nlohmann::json actions = nlohmann::json::array();
    std::istringstream list(scope.substr(last + 1));
    for (std::string action; std::getline(list, action, ',');) actions.push_back(action);
    access.push_back({{"type", scope.substr(0, first)},
                      {"name", scope.substr(first + 1, last - first - 1)},
                      {"actions", actions}});
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5c", {cert_der_base64_}}};
  nlohmann::json claims = {{"iss", issuer_},
                           {"sub", user_},
                           {"aud", service_},
                           {"exp", now + 600},
                           {"nbf", now - 60},
                           {"iat", now},
                           {"jti", std::to_string(now) + "-" + std::to_string(issued_ + 1)},
                           {"access", access}};
  std::string signing_input = base64url(header.dump()) + "." + base64url(claims.dump());
  BIO* bio = BIO_new_mem_buf(key_pem_.data(), static_cast<int>(key_pem_.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  std::string signature;
  if (key) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t length = 0;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
        EVP_DigestSign(ctx, nullptr, &length,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) == 1) {
      signature.resize(length);
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size());
      signature.resize(length);
    }
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
  }
  if (signature.empty()) return http_response(500, "Internal Server Error", "cannot sign");
  ++issued_;
  nlohmann::json body = {{"token", signing_input + "." + base64url(signature)},
                         {"expires_in", 600}};
  return http_response(200, "OK", body.dump(), "Content-Type: application/json\r\n");
}

}  // namespace multiarch::test
