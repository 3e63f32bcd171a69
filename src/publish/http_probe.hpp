#pragma once
// The HTTP probe of `multiarch image test --http-get`: one GET on the loopback through the
// registry client's HttpClient (no proxy, a short limit), and whether a loopback port is free
// before a service is started on it.
#include <string>

#include "publish/http_client.hpp"

namespace multiarch {

/// GET http://127.0.0.1:PORT<path>, at most `timeout_ms`: status 0 and the error when nothing
/// answered (a service that is still starting refuses the connection at once).
HttpResponse probe_loopback(HttpClient& http, int port, const std::string& path, long timeout_ms);

/// True when nothing listens on 127.0.0.1:`port` (a bind succeeds).
bool loopback_port_free(int port);

}  // namespace multiarch
