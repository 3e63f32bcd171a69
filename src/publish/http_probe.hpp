#pragma once
// The HTTP probe of `multiarch image test --http-get`: one GET on the loopback (libcurl, no
// proxy), and whether a loopback port is free before a service is started on it.
#include <string>

namespace multiarch {

struct HttpAnswer {
  bool connected = false;  ///< something accepted the connection
  long status = 0;         ///< the HTTP status, 0 when none arrived
  std::string error;       ///< libcurl's words when the GET failed
};

/// GET http://127.0.0.1:PORT<path>, at most `timeout_ms` in all (1 s to connect).
HttpAnswer http_get_loopback(int port, const std::string& path, long timeout_ms);

/// True when nothing listens on 127.0.0.1:`port` (a bind succeeds).
bool loopback_port_free(int port);

}  // namespace multiarch
