#include "cli/registry_options.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <iterator>

#include "cli/image_cli.hpp"
#include "util/error.hpp"

namespace multiarch::cli {

void add_registry_options(cxxopts::Options& options) {
  options.add_options("registry")(
      "creds", "`-`: read USER:PASSWORD from stdin (never given on the command line)",
      cxxopts::value<std::string>())("creds-file", "a file (chmod 600) holding USER:PASSWORD",
                                     cxxopts::value<std::string>())(
      "authfile",
      "a containers-auth.json / Docker config.json to read credentials from (default: "
      "$REGISTRY_AUTH_FILE, then ~/.docker/config.json with its credential helpers)",
      cxxopts::value<std::string>())(
      "ca-file", "PEM CA bundle to verify the registry with (default: the system's)",
      cxxopts::value<std::string>())("client-cert", "PEM client certificate (mutual TLS)",
                                     cxxopts::value<std::string>())(
      "client-key", "PEM key of --client-cert", cxxopts::value<std::string>())(
      "insecure",
      "HOST[:PORT]: skip TLS verification and allow plain HTTP for this registry "
      "(repeatable; loopback registries get plain HTTP fallback without it)",
      cxxopts::value<std::string>())("retries",
                                     "attempts per request on 429, 5xx and dropped connections",
                                     cxxopts::value<std::string>()->default_value("6"));
}

std::vector<std::string> given_registry_options(const cxxopts::Options& options,
                                                const cxxopts::ParseResult& parsed) {
  std::vector<std::string> given;
  for (const auto& option : options.group_help("registry").options)
    if (!option.l.empty() && parsed.count(option.l.front()))
      given.push_back("--" + option.l.front());
  return given;
}

RegistryConnectionOptions registry_connection_options(const cxxopts::ParseResult& parsed) {
  RegistryConnectionOptions options;
  if (parsed.count("creds")) {
    std::string value = parsed["creds"].as<std::string>();
    if (value != "-")
      throw InputError(
          "--creds: passwords are not taken from the command line (other users see it in ps); "
          "pipe USER:PASSWORD to --creds - or give --creds-file FILE");
    if (parsed.count("creds-file")) throw InputError("--creds - and --creds-file: give one");
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    options.credentials = parse_user_password(text, "--creds - (stdin)");
  }
  if (parsed.count("creds-file"))
    options.credentials = read_credentials_file(parsed["creds-file"].as<std::string>());
  options.authfile = value_or(parsed, "authfile");
  if (!options.authfile.empty() && !std::filesystem::is_regular_file(options.authfile))
    throw InputError(fmt::format("--authfile {}: no such file", options.authfile));
  auto check_file = [&](const char* name) -> std::string {
    std::string path = value_or(parsed, name);
    if (!path.empty() && !std::filesystem::is_regular_file(path))
      throw InputError(fmt::format("--{} {}: no such file", name, path));
    return path;
  };
  options.tls.ca_file = check_file("ca-file");
  options.tls.client_cert = check_file("client-cert");
  options.tls.client_key = check_file("client-key");
  if (!options.tls.client_key.empty() && options.tls.client_cert.empty())
    throw InputError("--client-key needs --client-cert");
  options.insecure_hosts = all_values(parsed, "insecure");
  options.max_attempts = int_option(parsed, "retries", 1);
  return options;
}

}  // namespace multiarch::cli
