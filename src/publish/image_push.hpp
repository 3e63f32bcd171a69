#pragma once
// Pushing a layout's image index to a registry with its digests preserved, through Debian's
// skopeo: `skopeo copy --all --preserve-digests oci:DIR:TAG docker://REF`.
#include <filesystem>
#include <string>
#include <vector>

#include "oci/image_reference.hpp"

namespace multiarch {

struct PushOptions {
  std::filesystem::path layout;
  std::string source_tag;      ///< ref.name in the layout ("" = its only image)
  ImageReference destination;  ///< must carry a tag
  bool insecure = false;       ///< plain HTTP / no TLS verification (implied for loopback)
  std::string credentials;     ///< "USER:PASSWORD" for --dest-creds, or ""
  std::string authfile;        ///< skopeo --authfile, or "" (skopeo reads REGISTRY_AUTH_FILE)
  std::filesystem::path digest_file;  ///< where skopeo writes the pushed manifest digest
  std::string skopeo = "skopeo";
};

/// The exact skopeo argv.
std::vector<std::string> skopeo_push_argv(const PushOptions& options);

/// argv for display: the password in --dest-creds replaced by "***".
std::vector<std::string> redact_credentials(std::vector<std::string> argv);

}  // namespace multiarch
