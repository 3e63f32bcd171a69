#include "publish/registry_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace multiarch {

std::string registry_error_message(const std::string& body) {
  try {
    auto j = nlohmann::json::parse(body);
    if (j.contains("errors") && j["errors"].is_array() && !j["errors"].empty()) {
      const auto& e = j["errors"][0];
      std::string code = e.value("code", "");
      std::string message = e.value("message", "");
      return code.empty() ? message : message.empty() ? code : code + ": " + message;
    }
  } catch (const nlohmann::json::exception&) {
  }
  std::string line = body.substr(0, body.find('\n'));
  return line.size() > 200 ? line.substr(0, 200) : line;
}

namespace {

std::string url_escape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

RegistryClient::RegistryClient(HttpClient& http, RegistryClientOptions options)
    : http_(http), options_(std::move(options)) {}

void RegistryClient::ping() {
  std::vector<std::string> schemes = {"https://"};
  if (options_.allow_plain_http)
    schemes.insert(options_.plain_http_first ? schemes.begin() : schemes.end(), "http://");
  with_retries("reach the registry", [&] {
    std::vector<std::string> errors;
    bool answered = false;  // some scheme got an HTTP answer that retrying will not change
    for (const auto& scheme : schemes) {
      HttpRequest request;
      request.url = scheme + options_.host + "/v2/";
      auto response = http_.send(request);
      if (response.status == 0) {
        errors.push_back(scheme + options_.host + ": " + response.error);
        // A name that does not resolve or a certificate not trusted stays so: fail now.
        if (response.permanent) answered = true;
        continue;
      }
      // 200 and 401 are the two answers of a registry (spec end-1). A TLS port spoken to in
      // plain HTTP answers 400; a plain port answers TLS with garbage (status 0 above).
      if (response.status != 200 && response.status != 401) {
        errors.push_back(
            fmt::format("GET {}/v2/ answered {}", scheme + options_.host, response.status));
        if (response.status != 429 && response.status < 500) answered = true;
        continue;
      }
      std::lock_guard lock(mutex_);
      base_url_ = scheme + options_.host;
      if (response.status == 401)
        challenge_ = parse_auth_challenge(response.header("www-authenticate"));
      return;
    }
    std::string message;
    for (const auto& e : errors) message += (message.empty() ? "" : "; ") + e;
    if (answered)
      throw RuntimeError(
          fmt::format("registry {}: {}{}", options_.host, message,
                      message.find("certificate") != std::string::npos
                          ? " (its TLS certificate is not trusted here: give its CA with --ca-file)"
                          : ""));
    throw TransientError(message + " (is a registry running at " + options_.host +
                         "? a private CA needs --ca-file)");
  });
}

std::string RegistryClient::fetch_token(const std::vector<std::string>& scopes) {
  const auto& params = challenge_->params;
  auto realm = params.find("realm");
  if (realm == params.end())
    throw RuntimeError(
        fmt::format("registry {}: its Bearer challenge names no realm", options_.host));
  std::string url = realm->second;
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  if (auto service = params.find("service"); service != params.end()) {
    url += separator + std::string("service=") + url_escape(service->second);
    separator = '&';
  }
  for (const auto& scope : scopes) {
    url += separator + std::string("scope=") + url_escape(scope);
    separator = '&';
  }
  HttpResponse response;
  with_retries("get a token", [&] {
    HttpRequest request;
    request.url = url;
    if (options_.credentials)
      request.headers.emplace_back("Authorization",
                                   "Basic " + base64_encode(options_.credentials->username + ":" +
                                                            options_.credentials->password));
    response = http_.send(request);
    if (response.status == 0 || response.status == 429 || response.status >= 500)
      throw TransientError(
          fmt::format("token server {}: {}", realm->second,
                      response.status ? std::to_string(response.status) : response.error));
  });
  if (response.status == 401 || response.status == 403) auth_failure();
  if (response.status != 200)
    throw RuntimeError(fmt::format("registry {}: the token server {} answered {} {}", options_.host,
                                   realm->second, response.status,
                                   registry_error_message(response.body)));
  try {
    auto j = nlohmann::json::parse(response.body);
    std::string token = j.value("token", "");
    if (token.empty()) token = j.value("access_token", "");
    if (token.empty()) throw nlohmann::json::other_error::create(0, "no token", nullptr);
    return "Bearer " + token;
  } catch (const nlohmann::json::exception&) {
    throw RuntimeError(fmt::format("registry {}: the token server {} sent no token", options_.host,
                                   realm->second));
  }
}

std::string RegistryClient::authorization(const std::vector<std::string>& scopes,
                                          const std::string& refused) {
  std::lock_guard lock(mutex_);
  if (!challenge_) return {};
  if (challenge_->scheme == "basic") {
    if (!options_.credentials) return {};
    return "Basic " +
           base64_encode(options_.credentials->username + ":" + options_.credentials->password);
  }
  if (challenge_->scheme != "bearer")
    throw RuntimeError(
        fmt::format("registry {} asks for the {} authentication scheme; multiarch "
                    "speaks Basic and Bearer",
                    options_.host, challenge_->scheme));
  std::string key = join(scopes, " ");
  auto it = tokens_.find(key);
  // A token another thread fetched since `refused` was sent is used as it is.
  if (it != tokens_.end() && (refused.empty() || it->second != refused)) return it->second;
  // Held while fetching: one token request per scope even with several blobs in flight.
  std::string token = fetch_token(scopes);
  tokens_[key] = token;
  return token;
}

void RegistryClient::auth_failure() const {
  if (options_.credentials)
    throw RuntimeError(fmt::format(
        "registry {} refused the credentials from {}; check the USER:PASSWORD there (or the "
        "account's push rights on this repository)",
        options_.host, options_.credentials->source));
  throw RuntimeError(fmt::format(
      "registry {} needs credentials: give --creds-file FILE or --creds - (USER:PASSWORD on "
      "stdin), REGISTRY_AUTH_FILE, or log in (~/.docker/config.json){}",
      options_.host,
      options_.credentials_skipped.empty()
          ? ""
          : "; none were read from " + options_.credentials_skipped));
}

HttpResponse RegistryClient::send(HttpRequest request, const std::vector<std::string>& scopes) {
  if (request.url.rfind("http", 0) != 0) request.url = base_url_ + request.url;
  std::string refused;
  for (int round = 0; round < 2; ++round) {
    HttpRequest attempt = request;
    std::string auth = authorization(scopes, refused);
    if (!auth.empty()) attempt.headers.emplace_back("Authorization", auth);
    HttpResponse response = http_.send(attempt);
    if (response.status != 401 || round == 1) {
      if (response.status != 401) return response;
      break;
    }
    // A 401 brings the first challenge (when /v2/ was open) or a narrower one: a Bearer
    // challenge is answered with a new token; Basic only helps when nothing was sent yet.
    auto challenge = parse_auth_challenge(response.header("www-authenticate"));
    if (!challenge) break;
    {
      std::lock_guard lock(mutex_);
      challenge_ = challenge;
    }
    if (challenge->scheme == "basic" && (!options_.credentials || !auth.empty())) break;
    refused = auth.empty() ? "none" : auth;
  }
  auth_failure();
}

void RegistryClient::with_retries(const std::string& what, const std::function<void()>& operation) {
  auto delay = options_.backoff;
  for (int attempt = 1;; ++attempt) {
    try {
      operation();
      return;
    } catch (const TransientError& e) {
      if (attempt >= options_.max_attempts)
        throw RuntimeError(fmt::format("registry {}: {} failed after {} attempts: {}",
                                       options_.host, what, attempt, e.what()));
      if (options_.on_retry) options_.on_retry(what, attempt + 1, e.what());
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(10000));
    }
  }
}

void RegistryClient::expect(const HttpResponse& response, std::initializer_list<int> expected,
                            const std::string& what) const {
  if (std::find(expected.begin(), expected.end(), response.status) != expected.end()) return;
  if (response.status == 0) throw TransientError(what + ": " + response.error);
  std::string message = registry_error_message(response.body);
  std::string line =
      fmt::format("{}: {}{}", what, response.status, message.empty() ? "" : " " + message);
  if (response.status == 429 || response.status >= 500) throw TransientError(line);
  throw RuntimeError(fmt::format("registry {}: {}", options_.host, line));
}

}  // namespace multiarch
