#pragma once
// The software bill of materials of one platform image, from facts multiarch knows exactly:
// the module information Go embedded in the binary (no scanning, no guessing), the files
// multiarch put into the layer with their hashes, and the base image. Written as SPDX 2.3 JSON
// (https://spdx.github.io/spdx-spec/v2.3/) or CycloneDX 1.5 JSON
// (https://cyclonedx.org/docs/1.5/json/), with a fixed key order and no clock: equal inputs
// give equal bytes.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "go/go_module_info.hpp"
#include "platform/platform.hpp"

namespace multiarch {

enum class SbomFormat { spdx, cyclonedx };
/// "spdx" (SPDX 2.3 JSON) or "cyclonedx" (CycloneDX 1.5 JSON); InputError naming `flag`.
SbomFormat parse_sbom_format(const std::string& text, const std::string& flag);

/// A regular file of the layer: its path in the image and the hashes of its bytes.
struct SbomFile {
  std::string path;  ///< "/app/service"
  std::string sha256_hex;
  std::string sha1_hex;  ///< SPDX 2.3 requires SHA1 for every file (clause 8.4)
  uint64_t size = 0;
};

/// Hashes a file (SHA-256 and SHA-1 in one pass); RuntimeError naming the path.
SbomFile hash_sbom_file(const std::string& image_path, const std::filesystem::path& source);

/// The same for a generated file (bytes in memory).
SbomFile sbom_file_from_content(const std::string& image_path, std::string_view content);

struct SbomBaseImage {
  std::string name;             ///< where it came from: "base-oci:12-slim" (the --base spec)
  std::string manifest_digest;  ///< "sha256:..." of the base's platform manifest
};

struct SbomInput {
  std::string image_name;  ///< "registry/team/user:1.4.2" or "user:latest"; "" when unnamed
  Platform platform;
  std::string binary_path;         ///< the Go binary's path in the image
  std::optional<GoModuleInfo> go;  ///< nullopt: the binary holds no Go build info
  std::vector<SbomFile> files;     ///< sorted by path
  std::optional<SbomBaseImage> base;
  int64_t epoch = 0;  ///< creation time (SOURCE_DATE_EPOCH)
};

/// The purl qualifier of a platform: "platform=linux%2Farm%2Fv7".
std::string purl_platform_qualifier(const Platform& platform);

/// `pkg:golang/<module path>@<version>` (purl spec, golang type): version characters outside
/// [A-Za-z0-9.-_~] percent-encoded ("+incompatible" -> "%2Bincompatible"); no version for
/// "" and Go's "(devel)".
std::string golang_purl(const std::string& module_path, const std::string& version);

/// SPDX 2.3 JSON. Packages: the image (CONTAINER), the main module (APPLICATION), every
/// dependency module (LIBRARY; go.sum h1 hash as its SHA256 checksum and in the comment,
/// purl as externalRef), the Go standard library ("stdlib", the Go version), the base image
/// (CONTAINER, its manifest digest). Files: every layer file with SHA256 and SHA1.
/// documentNamespace ends in the SHA-256 of the document written without it.
std::string spdx_json(const SbomInput& input);

/// CycloneDX 1.5 JSON with the same components (hashes as SHA-256 of the h1 sums), the image
/// as metadata.component; serialNumber a UUID derived from the content.
std::string cyclonedx_json(const SbomInput& input);

std::string sbom_json(const SbomInput& input, SbomFormat format);

}  // namespace multiarch
