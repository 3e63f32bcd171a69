#pragma once
// Pushing a layout's image index to a registry with its digests preserved, through Debian's
// skopeo: `skopeo copy --all --preserve-digests oci:DIR:TAG docker://REF`.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "oci/image_reference.hpp"
#include "publish/registry_auth_file.hpp"
#include "util/process.hpp"

namespace multiarch {

struct PushOptions {
  std::filesystem::path layout;
  std::string source_tag;      ///< ref.name in the layout ("" = its only image)
  ImageReference destination;  ///< must carry a tag
  bool insecure = false;       ///< plain HTTP / no TLS verification (implied for loopback)
  /// "USER:PASSWORD" (--creds), or "". Never passed in argv: write_credentials_file() puts it
  /// into a private auth file that skopeo reads through --dest-authfile.
  std::string credentials;
  std::string authfile;  ///< skopeo --authfile, or "" (skopeo reads REGISTRY_AUTH_FILE)
  /// The private auth file holding `credentials` (skopeo --dest-authfile), or "".
  std::filesystem::path dest_authfile;
  std::filesystem::path digest_file;  ///< where skopeo writes the pushed manifest digest
  std::string skopeo = "skopeo";
};

/// The exact skopeo argv; it never holds `credentials` (see dest_authfile). Throws
/// std::logic_error when credentials are set without a dest_authfile.
std::vector<std::string> skopeo_push_argv(const PushOptions& options);

/// With credentials: writes them into a PrivateAuthFile for the destination's registry and
/// points options.dest_authfile at it (removed with the returned object); else nullptr.
std::unique_ptr<PrivateAuthFile> write_credentials_file(PushOptions& options);

/// Runs skopeo (`skopeo_push_argv`) with `options.credentials` in a private auth file
/// (removed afterwards) and a temporary digest file; returns the manifest digest skopeo
/// pushed ("sha256:..."). Throws RuntimeError when skopeo is missing (naming the package)
/// or fails (its message, with a hint when the registry wants credentials).
std::string push_with_skopeo(ProcessRunner& runner, PushOptions options);

}  // namespace multiarch
