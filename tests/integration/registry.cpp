#include "registry.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <random>
#include <thread>
#include <vector>

#include "util/fs.hpp"

namespace multiarch::test {
namespace {

constexpr const char* kInstallHint = "apt-get install docker-registry";

/// A port the kernel considers free right now (bind to port 0, read it back, release it).
/// Another process could take it before the registry binds; start() retries for that.
int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

std::string base64(const std::string& text) {
  std::string encoded(4 * ((text.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  encoded.resize(static_cast<size_t>(n));
  return encoded;
}

std::string registry_config(int port, const std::filesystem::path& storage,
                            const std::optional<std::filesystem::path>& htpasswd,
                            const RegistryOptions& options) {
  std::random_device random;
  std::string config =
      "version: 0.1\n"
      "log:\n"
      "  level: info\n"
      "  accesslog:\n"
      "    disabled: true\n"
      "storage:\n"
      "  filesystem:\n"
      "    rootdirectory: " +
      storage.string() +
      "\n"
      "  delete:\n"
      "    enabled: true\n"
      "http:\n"
      "  addr: 127.0.0.1:" +
      std::to_string(port) +
      "\n"
      "  secret: multiarch-test-" +
      std::to_string(random()) + "\n";
  if (options.tls)
    config += "  tls:\n    certificate: " + options.tls->certificate.string() +
              "\n    key: " + options.tls->key.string() + "\n";
  if (options.token) {
    config += "auth:\n  token:\n    realm: " + options.token->realm +
              "\n    service: " + options.token->service +
              "\n    issuer: " + options.token->issuer +
              "\n    rootcertbundle: " + options.token->root_certificate_bundle.string() + "\n";
  } else if (htpasswd) {
    config +=
        "auth:\n"
        "  htpasswd:\n"
        "    realm: multiarch-test\n"
        "    path: " +
        htpasswd->string() + "\n";
  }
  return config;
}

bool process_running(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == 0;
}

}  // namespace

Registry::~Registry() { stop(); }

::testing::AssertionResult Registry::start(std::optional<RegistryCredentials> credentials) {
  RegistryOptions options;
  options.credentials = std::move(credentials);
  return start(std::move(options));
}

::testing::AssertionResult Registry::start(RegistryOptions options) {
  std::string executable = find_executable("docker-registry");
  if (executable.empty())
    return ::testing::AssertionFailure() << "docker-registry is not installed: " << kInstallHint;
  stop();
  dir_ = std::make_unique<TempDir>();
  options_ = std::move(options);
  credentials_ = options_.credentials;

  if (credentials_) {
    if (find_executable("htpasswd").empty())
      return ::testing::AssertionFailure()
             << "htpasswd is not installed: apt-get install apache2-utils";
    auto result = run({"htpasswd", "-Bbn", credentials_->username, credentials_->password});
    if (!result.ok())
      return ::testing::AssertionFailure() << "htpasswd -Bbn failed: " << result.err;
    atomic_write_file(dir_->path() / "htpasswd", result.out);
  }
  port_ = 0;
  return launch(3);
}

::testing::AssertionResult Registry::restart() {
  stop();
  return launch(1);
}

void Registry::kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    stop_background(pid_, std::chrono::seconds(5));
  }
  pid_ = -1;
}

::testing::AssertionResult Registry::launch(int attempts) {
  std::string executable = find_executable("docker-registry");
  std::optional<std::filesystem::path> htpasswd;
  if (credentials_) htpasswd = dir_->path() / "htpasswd";
  bool keep_port = port_ != 0;
  std::string last_failure;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (!keep_port) port_ = free_loopback_port();
    if (port_ == 0) return ::testing::AssertionFailure() << "no free port on 127.0.0.1";
    host_ = "127.0.0.1:" + std::to_string(port_);
    auto config = dir_->path() / "config.yml";
    atomic_write_file(config, registry_config(port_, dir_->path() / "storage", htpasswd, options_));

    std::string error;
    pid_ = start_background({executable, "serve", config.string()}, dir_->path() / "registry.log",
                            error);
    if (pid_ < 0) return ::testing::AssertionFailure() << error;

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline && process_running(pid_)) {
      // /v2/ answers 200 without auth and 401 with it: either means it is serving (400: a TLS
      // port spoken to in plain HTTP, also serving).
      int status = get("/v2/", {}, false).status;
      if (status == 200 || status == 401 || (options_.tls && status == 400))
        return ::testing::AssertionSuccess();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    last_failure = log();
    stop();
  }
  return ::testing::AssertionFailure()
         << "docker-registry did not come up on " << host_ << "; its log:\n"
         << last_failure;
}

void Registry::stop() {
  stop_background(pid_, std::chrono::seconds(5));
  pid_ = -1;
}

std::string Registry::log() const {
  return dir_ ? read_whole_file(dir_->path() / "registry.log") : std::string();
}

Registry::Response Registry::get(const std::string& path, const std::string& accept,
                                 bool authenticate) const {
  Response response;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return response;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port_));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return response;
  }
  // HTTP/1.0 with Connection: close, so the body is simply everything until EOF.
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + host_ + "\r\n";
  if (!accept.empty()) request += "Accept: " + accept + "\r\n";
  if (authenticate && credentials_)
    request += "Authorization: Basic " +
               base64(credentials_->username + ":" + credentials_->password) + "\r\n";
  request += "Connection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return response;
  }
  std::string raw;
  char buffer[16384];
  while (true) {
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    raw.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  auto header_end = raw.find("\r\n\r\n");
  auto space = raw.find(' ');
  if (header_end == std::string::npos || space == std::string::npos) return response;
  response.status = std::atoi(raw.c_str() + space + 1);
  response.headers = raw.substr(0, header_end);
  response.body = raw.substr(header_end + 4);
  return response;
}

}  // namespace multiarch::test
