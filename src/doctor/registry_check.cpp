#include "doctor/registry_check.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "util/error.hpp"

namespace multiarch {

RegistryCheck check_registry(const ImageReference& reference,
                             const RegistryConnectionOptions& options, ProcessRunner& runner) {
  RegistryCheck check;
  check.registry = reference.domain;
  check.repository = reference.path;
  RegistryConnectionOptions quick = options;
  quick.max_attempts = std::min(quick.max_attempts, 2);
  RegistryConnection connection;
  try {
    connection = connect_registry(reference.domain, quick, runner);
  } catch (const std::exception& e) {
    check.error = e.what();
    check.untrusted_certificate = check.error.find("certificate") != std::string::npos;
    check.fix = check.untrusted_certificate
                    ? "give the registry's CA with --ca-file (or install it in the system CAs)"
                    : "check the host and port, that the registry runs, and proxies/firewalls";
    return check;
  }
  check.reachable = true;
  check.url = connection.client->base_url();
  check.credentials = connection.client->credentials_source();
  try {
    HttpRequest head;
    head.method = "HEAD";
    std::string ref = reference.digest.empty() ? (reference.tag.empty() ? "latest" : reference.tag)
                                               : reference.digest;
    head.url = "/v2/" + reference.path + "/manifests/" + ref;
    head.headers = {{"Accept",
                     "application/vnd.oci.image.index.v1+json, "
                     "application/vnd.oci.image.manifest.v1+json, "
                     "application/vnd.docker.distribution.manifest.list.v2+json, "
                     "application/vnd.docker.distribution.manifest.v2+json"}};
    auto response = connection.client->send(head, {"repository:" + reference.path + ":pull,push"});
    if (response.status == 200 || response.status == 404) {
      check.authorized = true;
      check.reference_exists = response.status == 200;
    } else {
      check.error = fmt::format("HEAD {} answered {}", head.url, response.status);
      check.fix = response.status == 403 ? "the credentials may not push to this repository"
                                         : "see the registry's log";
    }
  } catch (const std::exception& e) {
    check.error = e.what();
    check.fix = "log in (docker login), or give --creds-file FILE / --creds - / --authfile FILE";
  }
  return check;
}

void print_registry_check(const RegistryCheck& check, std::ostream& out) {
  fmt::print(out, "registry {}\n", check.registry);
  fmt::print(out, "  reachable     {}\n",
             check.reachable               ? "yes, " + check.url
             : check.untrusted_certificate ? "it answers, but its TLS certificate is not trusted"
                                           : "no");
  if (check.reachable) {
    fmt::print(out, "  credentials   {}\n", check.credentials);
    fmt::print(out, "  {:<13} {}\n", check.repository,
               check.authorized
                   ? (check.reference_exists ? "pull,push accepted; the reference exists"
                                             : "pull,push accepted; the reference does "
                                               "not exist yet")
                   : "refused");
  }
  if (!check.error.empty()) fmt::print(out, "problem: {}\n  fix: {}\n", check.error, check.fix);
}

nlohmann::ordered_json registry_check_json(const RegistryCheck& check) {
  nlohmann::ordered_json j;
  j["registry"] = check.registry;
  j["repository"] = check.repository;
  j["reachable"] = check.reachable;
  j["untrustedCertificate"] = check.untrusted_certificate;
  j["url"] = check.url;
  j["credentials"] = check.credentials;
  j["authorized"] = check.authorized;
  j["referenceExists"] = check.reference_exists;
  if (!check.error.empty()) {
    j["error"] = check.error;
    j["fix"] = check.fix;
  }
  return j;
}

}  // namespace multiarch
