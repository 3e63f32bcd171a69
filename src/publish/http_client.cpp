#include "publish/http_client.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "util/error.hpp"

namespace multiarch {

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string resolve_location(const std::string& base_url, const std::string& location) {
  if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) return location;
  auto scheme_end = base_url.find("://");
  auto path_start =
      scheme_end == std::string::npos ? std::string::npos : base_url.find('/', scheme_end + 3);
  std::string origin = path_start == std::string::npos ? base_url : base_url.substr(0, path_start);
  if (!location.empty() && location[0] == '/') return origin + location;
  return origin + "/" + location;
}

namespace {

struct Handle {
  CURL* curl = nullptr;
  Handle() : curl(curl_easy_init()) {}
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

/// One easy handle per thread: its connection cache keeps connections to the registry alive
/// between requests of that thread.
CURL* thread_handle() {
  thread_local Handle handle;
  return handle.curl;
}

struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  int body_fd = -1;
  uint64_t sent = 0;
  bool sink_failed = false;
  uint64_t received = 0;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &status);
  if (t.request->response_sink && status >= 200 && status < 300) {
    try {
      t.request->response_sink->write(data, n);
    } catch (...) {
      t.sink_failed = true;  // no exception may cross libcurl's C frames
      return 0;
    }
  } else {
    t.response->body.append(data, n);
  }
  t.received += n;
  if (t.request->on_download_progress) t.request->on_download_progress(t.received);
  return n;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after a redirect or 100 Continue): forget the previous headers.
    t.response->headers.clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t start = colon + 1;
  while (start < line.size() && line[start] == ' ') ++start;
  t.response->headers[name] = line.substr(start);
  return n;
}

std::string host_of(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return {};
  auto start = scheme_end + 3;
  auto end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class CurlHttpClient : public HttpClient {
 public:
  CurlHttpClient(TlsOptions tls, std::vector<std::string> insecure_hosts)
      : tls_(std::move(tls)), insecure_hosts_(std::move(insecure_hosts)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  HttpResponse send(const HttpRequest& request) override {
    HttpResponse response;
    CURL* curl = thread_handle();
    if (!curl) {
      response.error = "curl_easy_init failed";
      return response;
    }
    curl_easy_reset(curl);
    Transfer t;
    t.curl = curl;
    t.request = &request;
    t.response = &response;

    if (!request.body_file.empty()) {
      t.body_fd = ::open(request.body_file.c_str(), O_RDONLY | O_CLOEXEC);
      if (t.body_fd < 0) {
        response.error = "cannot read " + request.body_file.string();
        return response;
      }
    }

    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
    if (request.timeout_ms > 0) {
      curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
      curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(request.timeout_ms, 30000L));
    }
    if (request.no_proxy) curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    // A stalled transfer (under 1 byte/s for 60 s) is a dropped connection, retried above.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "multiarch");
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (request.method == "GET") {
      curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
      curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
      curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    }
    if (!tls_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, tls_.ca_file.c_str());
    if (!tls_.client_cert.empty())
      curl_easy_setopt(curl, CURLOPT_SSLCERT, tls_.client_cert.c_str());
    if (!tls_.client_key.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, tls_.client_key.c_str());
    std::string host = host_of(request.url);
    bool insecure = !tls_.verify || std::find(insecure_hosts_.begin(), insecure_hosts_.end(),
                                              host) != insecure_hosts_.end();
    if (insecure) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }

    uint64_t length = request.body_file.empty() ? request.body.size() : request.body_length;
    if (request.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.method == "PUT" || request.method == "POST" || request.method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, &CurlHttpClient::read_callback);
      curl_easy_setopt(curl, CURLOPT_READDATA, &t);
      if (request.method != "PUT")
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers)
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    // Registries answer at once; waiting a second for "100 Continue" only slows uploads.
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &write_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    char error_buffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);

    CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (t.body_fd >= 0) ::close(t.body_fd);
    if (code != CURLE_OK) {
      response.status = 0;
      response.error = t.sink_failed     ? "writing the downloaded bytes failed"
                       : error_buffer[0] ? error_buffer
                                         : curl_easy_strerror(code);
      response.permanent = code == CURLE_COULDNT_RESOLVE_HOST ||
                           code == CURLE_PEER_FAILED_VERIFICATION ||
                           code == CURLE_SSL_CACERT_BADFILE || code == CURLE_URL_MALFORMAT;
      return response;
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  static size_t read_callback(char* buffer, size_t size, size_t count, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    const HttpRequest& r = *t.request;
    size_t wanted = size * count;
    size_t n = 0;
    if (r.body_file.empty()) {
      n = std::min<size_t>(wanted, r.body.size() - t.sent);
      std::copy_n(r.body.data() + t.sent, n, buffer);
    } else {
      n = static_cast<size_t>(std::min<uint64_t>(wanted, r.body_length - t.sent));
      if (n > 0) {
        ssize_t got = ::pread(t.body_fd, buffer, n, static_cast<off_t>(r.body_offset + t.sent));
        if (got <= 0) return CURL_READFUNC_ABORT;
        n = static_cast<size_t>(got);
      }
    }
    t.sent += n;
    if (r.on_upload_progress && n > 0) r.on_upload_progress(t.sent);
    return n;
  }

  TlsOptions tls_;
  std::vector<std::string> insecure_hosts_;
};

}  // namespace

std::unique_ptr<HttpClient> make_curl_http_client(TlsOptions tls,
                                                  std::vector<std::string> insecure_hosts) {
  return std::make_unique<CurlHttpClient>(std::move(tls), std::move(insecure_hosts));
}

}  // namespace multiarch
