#pragma once
// `multiarch doctor --registry REF`: can this machine reach the registry of REF, over which
// scheme, which authentication it asks for, where the credentials come from, and whether they
// let us read and write REF's repository (a HEAD of the reference with a pull,push scope).
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "oci/image_reference.hpp"
#include "publish/registry_connection.hpp"

namespace multiarch {

struct RegistryCheck {
  std::string registry;    ///< host[:port]
  std::string repository;  ///< path
  bool reachable = false;
  /// It answered over TLS with a certificate this machine does not trust (not reachable for
  /// pushing, but there).
  bool untrusted_certificate = false;
  std::string url;          ///< "https://host", once reachable
  std::string credentials;  ///< where they came from, or "anonymous"
  bool authorized = false;  ///< a pull,push request on the repository was accepted
  bool reference_exists = false;
  std::string error;  ///< the first failure, one line
  std::string fix;    ///< what to do about it
};

/// Runs the checks; never throws for registry failures (they are in the result).
RegistryCheck check_registry(const ImageReference& reference,
                             const RegistryConnectionOptions& options, ProcessRunner& runner);

void print_registry_check(const RegistryCheck& check, std::ostream& out);
nlohmann::ordered_json registry_check_json(const RegistryCheck& check);

}  // namespace multiarch
