#include "publish/registry_auth.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace fs = std::filesystem;

RegistryCredentials parse_user_password(std::string text, const std::string& what) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || text.find('\n') != std::string::npos)
    throw InputError(fmt::format("{}: expected one line USER:PASSWORD", what));
  return {text.substr(0, colon), text.substr(colon + 1), what};
}

CredentialEnvironment CredentialEnvironment::from_process() {
  auto get = [](const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
  };
  return {get("HOME"), get("DOCKER_CONFIG"), get("REGISTRY_AUTH_FILE")};
}

std::string base64_encode(const std::string& text) {
  std::string encoded(4 * ((text.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  encoded.resize(static_cast<size_t>(n));
  return encoded;
}

std::string base64_decode(const std::string& text, const std::string& what) {
  std::string clean;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  if (clean.size() % 4 != 0) throw RuntimeError(fmt::format("{}: not base64", what));
  std::string decoded(clean.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) throw RuntimeError(fmt::format("{}: not base64", what));
  size_t size = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (!clean.empty() && clean.back() == '=') --size;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') --size;
  decoded.resize(size);
  return decoded;
}

namespace {

std::vector<std::string> host_keys(const std::string& host) {
  std::vector<std::string> keys = {host, "https://" + host, "http://" + host};
  if (host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io")
    keys.push_back("https://index.docker.io/v1/");
  return keys;
}

nlohmann::json read_json_file(const fs::path& path) {
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::parse_error& e) {
    // Never e.what(): it quotes the text around the error, which may be a password.
    throw RuntimeError(fmt::format("{}: not valid JSON (at byte {}); fix the file or remove it",
                                   path.string(), e.byte));
  }
}

std::optional<RegistryCredentials> from_auths(const nlohmann::json& config, const std::string& host,
                                              const std::string& source) {
  if (!config.contains("auths") || !config["auths"].is_object()) return std::nullopt;
  for (const auto& key : host_keys(host)) {
    auto it = config["auths"].find(key);
    if (it == config["auths"].end() || !it->is_object()) continue;
    if (it->contains("auth") && (*it)["auth"].is_string()) {
      std::string what = fmt::format("{}: auths[\"{}\"].auth", source, key);
      auto credentials = parse_user_password(base64_decode((*it)["auth"], what), what);
      credentials.source = source;
      return credentials;
    }
    if (it->contains("username") && it->contains("password") && (*it)["username"].is_string() &&
        (*it)["password"].is_string())
      return RegistryCredentials{(*it)["username"].get<std::string>(),
                                 (*it)["password"].get<std::string>(), source};
  }
  return std::nullopt;
}

/// `docker-credential-NAME get`: the server URL on stdin, {"Username","Secret"} on stdout
/// (github.com/docker/docker-credential-helpers, client/command.go). "credentials not found"
/// on stdout with exit 1 means none.
std::optional<RegistryCredentials> from_helper(const std::string& helper, const std::string& host,
                                               ProcessRunner& runner) {
  std::string program = "docker-credential-" + helper;
  if (find_executable(program).empty())
    throw RuntimeError(fmt::format(
        "the Docker config names the credential helper {} for {}, but {} is not on PATH", helper,
        host, program));
  ProcessSpec spec;
  spec.argv = {program, "get"};
  spec.stdin_data = host;
  auto result = runner.run(spec);
  if (!result.ok()) {
    if (result.out.find("credentials not found") != std::string::npos ||
        result.err.find("credentials not found") != std::string::npos)
      return std::nullopt;
    std::string message = result.err.empty() ? result.out : result.err;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw RuntimeError(fmt::format("{} get for {} failed (exit {}): {}", program, host,
                                   result.exit_code, message));
  }
  try {
    auto j = nlohmann::json::parse(result.out);
    return RegistryCredentials{j.at("Username").get<std::string>(),
                               j.at("Secret").get<std::string>(), program};
  } catch (const nlohmann::json::exception&) {
    throw RuntimeError(
        fmt::format("{} get for {}: expected JSON with Username and Secret", program, host));
  }
}

}  // namespace

CredentialLookup lookup_credentials(const std::string& host, const CredentialEnvironment& env,
                                    ProcessRunner& runner) {
  CredentialLookup lookup;
  if (!env.registry_auth_file.empty() && fs::exists(env.registry_auth_file)) {
    auto config = read_json_file(env.registry_auth_file);
    lookup.credentials = from_auths(config, host, env.registry_auth_file);
    if (lookup.credentials) return lookup;
  }
  fs::path docker_config = !env.docker_config.empty() ? fs::path(env.docker_config) / "config.json"
                           : !env.home.empty()        ? fs::path(env.home) / ".docker/config.json"
                                                      : fs::path();
  if (docker_config.empty() || !fs::exists(docker_config)) return lookup;
  nlohmann::json config;
  try {
    config = read_json_file(docker_config);
  } catch (const RuntimeError& e) {
    lookup.skipped = e.what();
    return lookup;
  }
  if (config.contains("credHelpers") && config["credHelpers"].is_object()) {
    for (const auto& key : host_keys(host)) {
      auto it = config["credHelpers"].find(key);
      if (it != config["credHelpers"].end() && it->is_string()) {
        lookup.credentials = from_helper(it->get<std::string>(), host, runner);
        return lookup;
      }
    }
  }
  if (config.contains("credsStore") && config["credsStore"].is_string() &&
      !config["credsStore"].get<std::string>().empty()) {
    lookup.credentials = from_helper(config["credsStore"], host, runner);
    if (lookup.credentials) return lookup;
  }
  lookup.credentials = from_auths(config, host, docker_config.string());
  return lookup;
}

std::optional<AuthChallenge> parse_auth_challenge(const std::string& value) {
  size_t i = 0;
  while (i < value.size() && value[i] == ' ') ++i;
  size_t start = i;
  while (i < value.size() && value[i] != ' ') ++i;
  if (i == start) return std::nullopt;
  AuthChallenge challenge;
  for (size_t k = start; k < i; ++k)
    challenge.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(value[k])));
  // auth-param = token "=" ( token / quoted-string ), separated by commas (RFC 7235 2.1).
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ' ' || value[i] == ',')) ++i;
    size_t name_start = i;
    while (i < value.size() && value[i] != '=' && value[i] != ',') ++i;
    if (i >= value.size() || value[i] != '=') break;
    std::string name;
    for (size_t k = name_start; k < i; ++k)
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(value[k])));
    ++i;
    std::string param;
    if (i < value.size() && value[i] == '"') {
      ++i;
      while (i < value.size() && value[i] != '"') {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        param += value[i++];
      }
      ++i;
    } else {
      while (i < value.size() && value[i] != ',') param += value[i++];
    }
    challenge.params[name] = param;
  }
  return challenge;
}

}  // namespace multiarch
