#include "publish/http_probe.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace multiarch {

HttpResponse probe_loopback(HttpClient& http, int port, const std::string& path, long timeout_ms) {
  HttpRequest request;
  request.url = fmt::format("http://127.0.0.1:{}{}", port, path);
  request.timeout_ms = timeout_ms;
  request.no_proxy = true;
  return http.send(request);
}

bool loopback_port_free(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return free;
}

}  // namespace multiarch
