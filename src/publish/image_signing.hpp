#pragma once
// Signing a pushed image with cosign (sigstore, key pair mode; https://docs.sigstore.dev):
// every platform manifest digest and the index digest get a signature, and each platform's
// SBOM and provenance are attached again as signed in-toto attestations (`cosign attest`),
// so `cosign verify --key` and `cosign verify-attestation --key` check them. Keyless signing
// (Fulcio + Rekor) needs the internet: it is the CI variant (docs/supply-chain.md), not done
// here. Nothing is uploaded to a transparency log (--tlog-upload=false): verification then
// needs --insecure-ignore-tlog, which `image verify` passes.
// The key's password never goes into an argument: cosign reads COSIGN_PASSWORD from its
// environment, set from ours or from a 0600 file the caller names.
#include <filesystem>
#include <string>
#include <vector>

#include "oci/image_reference.hpp"
#include "oci/oci_layout.hpp"
#include "publish/layout_images.hpp"
#include "util/process.hpp"

namespace multiarch {

struct CosignOptions {
  std::string cosign = "cosign";
  std::filesystem::path key;  ///< cosign.key (sign) or cosign.pub (verify)
  std::string password;       ///< the key's password, passed as COSIGN_PASSWORD ("" allowed)
  bool plain_http = false;    ///< registry on loopback / --insecure: --allow-http-registry
};

/// An SBOM or provenance predicate to attest for one manifest digest.
struct CosignAttestation {
  std::string digest;               ///< "sha256:..." of the platform manifest
  std::string type;                 ///< cosign's --type: "spdxjson", "cyclonedx", "slsaprovenance1"
  std::filesystem::path predicate;  ///< the predicate JSON file
};

/// `cosign sign` of REPO@DIGEST for each digest (platform manifests, then the index), and
/// `cosign attest` for each attestation. `repository` is "registry/team/user" (no tag).
std::vector<ProcessSpec> cosign_sign_commands(const CosignOptions& options,
                                              const std::string& repository,
                                              const std::vector<std::string>& digests,
                                              const std::vector<CosignAttestation>& attestations);

/// `cosign verify --key PUB` of `reference`, and `cosign verify-attestation --key PUB --type T`
/// for each type in `attestation_types`.
std::vector<ProcessSpec> cosign_verify_commands(const CosignOptions& options,
                                                const std::string& reference,
                                                const std::vector<std::string>& attestation_types);

/// cosign's --type for an in-toto predicate type; "" when cosign has none.
std::string cosign_predicate_type(const std::string& predicate_type);

/// The key's password: the first line of `password_file` when one is given (it must not be
/// readable by group or others; an explicit file wins over the environment), else
/// $COSIGN_PASSWORD, else "". Throws InputError naming the file when it is missing or too
/// open.
std::string cosign_password(const std::filesystem::path& password_file);

/// `cosign public-key --key KEY` with the password in its environment: it decrypts the
/// private key, so a wrong password or a broken key shows before anything is pushed.
ProcessSpec cosign_key_check_command(const CosignOptions& options);

/// Runs cosign_key_check_command(). Throws RuntimeError with cosign's message (e.g. "decrypt:
/// encrypted: decryption failed") and the fix, or naming the missing cosign.
void check_signing_key(ProcessRunner& runner, const CosignOptions& options);

/// cosign_sign_commands() for a layout's image pushed to `repository` (no tag): every platform
/// manifest and the index, then every SBOM/provenance statement's predicate as a file
/// PREDICATE_DIR/<statement digest hex>.json (written only with `write_predicates`; a dry run
/// shows the commands without writing).
std::vector<ProcessSpec> image_signing_commands(const CosignOptions& options,
                                                const OciLayout& layout, const LayoutImage& image,
                                                const std::string& repository,
                                                const std::filesystem::path& predicate_dir,
                                                bool write_predicates);

/// Signs a pushed image: runs cosign_sign_commands() for every platform manifest, the index,
/// and every SBOM/provenance statement of the layout (predicates written to a temporary
/// folder, removed afterwards). `repository` is the pushed reference's name (no tag). Returns
/// how many signatures and attestations were made. Throws RuntimeError with cosign's message
/// (and a hint to install it when it is missing).
size_t sign_pushed_image(ProcessRunner& runner, const CosignOptions& options,
                         const OciLayout& layout, const LayoutImage& image,
                         const std::string& repository);

/// Verifies `reference` (the index), and with a layout each platform manifest and its
/// attestations, at the reference's repository. Returns the lines cosign's checks passed
/// ("verified REF", "verified spdxjson attestation of REF@sha256:..."); throws RuntimeError
/// naming the first check that failed with cosign's message.
std::vector<std::string> verify_signed_image(ProcessRunner& runner, const CosignOptions& options,
                                             const ImageReference& reference,
                                             const OciLayout* layout, const std::string& tag);

}  // namespace multiarch
