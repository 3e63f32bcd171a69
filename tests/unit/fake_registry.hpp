#pragma once
// An in-memory registry behind the HttpClient seam for unit tests of the registry client:
// the distribution spec's blob and manifest endpoints (HEAD/GET/PUT, POST uploads with
// mount, PATCH chunks, PUT ?digest= with the digest checked), optional Basic or Bearer auth
// (with its token endpoint), scripted faults, and a log of every request.
#include <fcntl.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "oci/oci_descriptor.hpp"
#include "publish/http_client.hpp"
#include "publish/registry_auth.hpp"

namespace multiarch::test {

class FakeRegistry : public HttpClient {
 public:
  static constexpr const char* kBase = "https://fake.test";

  enum class Auth { kNone, kBasic, kBearer };
  Auth auth = Auth::kNone;
  std::string user = "alice", password = "secret";
  /// Answers the request with this status instead (once per entry), when the predicate holds.
  struct Fault {
    std::function<bool(const HttpRequest&)> when;
    int status;  ///< 0: a dropped connection
    /// With status 0: a transport error a retry will not change, with this text.
    std::string permanent_error = {};
  };
  std::vector<Fault> faults;
  /// Flips one byte of the next blob upload whose body is this digest's (in flight damage).
  std::set<std::string> corrupt_once;

  struct Logged {
    std::string method, path;
    std::string authorization;
  };
  std::vector<Logged> log;
  std::map<std::string, std::string> blobs;      ///< "repo@digest" -> bytes
  std::map<std::string, std::string> manifests;  ///< "repo@digest" or "repo:tag" -> bytes
  std::map<std::string, std::string> manifest_types;
  std::vector<std::string> tokens_issued;  ///< scopes of each token request

  size_t count(const std::string& method, const std::string& path_part) const {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& l : log)
      if (l.method == method && l.path.find(path_part) != std::string::npos) ++n;
    return n;
  }

  HttpResponse send(const HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    std::string url = request.url;
    if (url.rfind(kBase, 0) != 0) return error(0, "connection refused");
    std::string path = url.substr(std::string(kBase).size());
    std::string authorization;
    for (const auto& [name, value] : request.headers)
      if (name == "Authorization") authorization = value;
    log.push_back({request.method, path, authorization});
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      if (!it->when(request)) continue;
      int status = it->status;
      std::string permanent_error = it->permanent_error;
      faults.erase(it);
      if (!permanent_error.empty()) {
        HttpResponse r = error(0, permanent_error);
        r.permanent = true;
        return r;
      }
      return error(status, status ? "fault" : "Connection reset by peer");
    }
    if (path.rfind("/token", 0) == 0) return token(path, authorization);
    if (!authorized(authorization, path)) {
      HttpResponse r = error(401, R"({"errors":[{"code":"UNAUTHORIZED"}]})");
      r.headers["www-authenticate"] =
          auth == Auth::kBasic
              ? std::string("Basic realm=\"fake\"")
              : std::string("Bearer realm=\"") + kBase + "/token\",service=\"fake\"";
      return r;
    }
    if (path == "/v2/") return ok(200);
    return route(request, path);
  }

 private:
  static HttpResponse error(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    if (status == 0)
      r.error = body;
    else
      r.body = std::move(body);
    return r;
  }
  static HttpResponse ok(int status) {
    HttpResponse r;
    r.status = status;
    return r;
  }

  bool authorized(const std::string& authorization, const std::string& path) const {
    if (auth == Auth::kNone) return true;
    if (auth == Auth::kBasic)
      return authorization == "Basic " + base64_encode(user + ":" + password);
    if (path == "/v2/") return false;
    return authorization.rfind("Bearer token-", 0) == 0;
  }

  HttpResponse token(const std::string& path, const std::string& authorization) {
    if (authorization != "Basic " + base64_encode(user + ":" + password)) return error(401, "{}");
    tokens_issued.push_back(path.substr(path.find('?') + 1));
    HttpResponse r = ok(200);
    r.body = R"({"token":"token-)" + std::to_string(tokens_issued.size()) + R"("})";
    return r;
  }

  static std::string body_of(const HttpRequest& request) {
    if (request.body_file.empty()) return request.body;
    std::string bytes(request.body_length, '\0');
    int fd = ::open(request.body_file.c_str(), O_RDONLY | O_CLOEXEC);
    ssize_t n = ::pread(fd, bytes.data(), bytes.size(), static_cast<off_t>(request.body_offset));
    ::close(fd);
    bytes.resize(n < 0 ? 0 : static_cast<size_t>(n));
    if (request.on_upload_progress) request.on_upload_progress(bytes.size());
    return bytes;
  }

  static std::string query(const std::string& path, const std::string& key) {
    auto q = path.find('?');
    if (q == std::string::npos) return {};
    std::string rest = path.substr(q + 1);
    size_t start = 0;
    while (start < rest.size()) {
      size_t end = rest.find('&', start);
      std::string item =
          rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (item.rfind(key + "=", 0) == 0) return item.substr(key.size() + 1);
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return {};
  }

  HttpResponse route(const HttpRequest& request, const std::string& full_path) {
    std::string path = full_path.substr(0, full_path.find('?'));
    // /v2/<repo>/blobs/uploads/[id], /v2/<repo>/blobs/<digest>, /v2/<repo>/manifests/<ref>
    auto uploads = path.find("/blobs/uploads/");
    if (uploads != std::string::npos) {
      std::string repo = path.substr(4, uploads - 4);
      std::string id = path.substr(uploads + 15);
      if (request.method == "POST") {
        std::string mount = query(full_path, "mount"), from = query(full_path, "from");
        if (!mount.empty() && blobs.count(from + "@" + mount)) {
          blobs[repo + "@" + mount] = blobs[from + "@" + mount];
          return ok(201);
        }
        std::string new_id = "u" + std::to_string(++uploads_);
        sessions_[new_id];
        HttpResponse r = ok(202);
        r.headers["location"] = "/v2/" + repo + "/blobs/uploads/" + new_id;
        return r;
      }
      if (!sessions_.count(id)) return error(404, R"({"errors":[{"code":"BLOB_UPLOAD_UNKNOWN"}]})");
      std::string body = body_of(request);
      if (request.method == "PATCH") {
        sessions_[id] += body;
        HttpResponse r = ok(202);
        r.headers["location"] = "/v2/" + repo + "/blobs/uploads/" + id;
        return r;
      }
      if (request.method == "PUT") {
        std::string bytes = sessions_[id] + body;
        std::string digest = query(full_path, "digest");
        if (corrupt_once.count(digest) && !bytes.empty()) {
          corrupt_once.erase(digest);
          bytes[0] = static_cast<char>(bytes[0] ^ 0x55);
        }
        sessions_.erase(id);
        if (sha256_digest(bytes) != digest)
          return error(400, R"({"errors":[{"code":"DIGEST_INVALID","message":"digest invalid"}]})");
        blobs[repo + "@" + digest] = bytes;
        return ok(201);
      }
    }
    auto blob = path.find("/blobs/");
    if (blob != std::string::npos) {
      std::string key = path.substr(4, blob - 4) + "@" + path.substr(blob + 7);
      auto it = blobs.find(key);
      if (it == blobs.end()) return error(404, R"({"errors":[{"code":"BLOB_UNKNOWN"}]})");
      HttpResponse r = ok(200);
      if (request.method == "GET") {
        if (request.response_sink)
          request.response_sink->write(it->second);
        else
          r.body = it->second;
      }
      return r;
    }
    auto manifest = path.find("/manifests/");
    if (manifest != std::string::npos) {
      std::string repo = path.substr(4, manifest - 4);
      std::string reference = path.substr(manifest + 11);
      std::string key = repo + (reference.rfind("sha256:", 0) == 0 ? "@" : ":") + reference;
      if (request.method == "PUT") {
        std::string digest = sha256_digest(request.body);
        std::string type;
        for (const auto& [name, value] : request.headers)
          if (name == "Content-Type") type = value;
        manifests[key] = request.body;
        manifests[repo + "@" + digest] = request.body;
        manifest_types[repo + "@" + digest] = type;
        HttpResponse r = ok(201);
        r.headers["docker-content-digest"] = digest;
        return r;
      }
      auto it = manifests.find(key);
      if (it == manifests.end()) return error(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})");
      HttpResponse r = ok(200);
      std::string digest = sha256_digest(it->second);
      r.headers["docker-content-digest"] = digest;
      r.headers["content-type"] = manifest_types[repo + "@" + digest];
      if (request.method == "GET") r.body = it->second;
      return r;
    }
    return error(404, "{}");
  }

  mutable std::mutex mutex_;
  std::map<std::string, std::string> sessions_;
  int uploads_ = 0;
};

}  // namespace multiarch::test
