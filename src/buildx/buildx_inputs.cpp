#include "buildx/buildx_inputs.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "go/binaries_dir.hpp"
#include "oci/image_reference.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace fs = std::filesystem;

std::vector<Platform> buildx_platforms(const fs::path& binaries_dir,
                                       const std::vector<std::string>& specs, const Platform& host,
                                       bool generate) {
  std::error_code ec;
  if (!fs::is_directory(binaries_dir, ec))
    throw InputError(
        fmt::format("--binaries-dir {}: not a directory (build the binaries with "
                    "`multiarch go-build --output-dir {}`)",
                    binaries_dir.string(), binaries_dir.string()));
  std::vector<Platform> platforms;
  if (!specs.empty()) {
    platforms = parse_platform_list(specs, host);
  } else {
    platforms = platforms_in_binaries_dir(binaries_dir, host);
    std::sort(platforms.begin(), platforms.end(),
              [](const Platform& a, const Platform& b) { return a.str() < b.str(); });
    if (platforms.empty())
      throw InputError(fmt::format(
          "--binaries-dir {}: no <slug> folders (linux_amd64, ...); give --platform or build "
          "with `multiarch go-build --output-dir {}`",
          binaries_dir.string(), binaries_dir.string()));
  }
  if (generate)
    for (const auto& p : platforms)
      if (p.os != "linux")
        throw InputError(
            fmt::format("--platform {}: the generated Dockerfile makes Linux images; use your own "
                        "--dockerfile for {}",
                        p.str(), p.os));
  return platforms;
}

void check_buildx_tags(const std::vector<std::string>& tags, OutputKind output) {
  for (const auto& tag : tags) {
    auto reference = parse_image_reference(tag, "--tag");
    if (!reference.digest.empty())
      throw InputError(fmt::format("--tag \"{}\": a tag, not a digest, is needed", tag));
  }
  if (output != OutputKind::layout && tags.empty())
    throw InputError(fmt::format("--{} needs at least one --tag REF",
                                 output == OutputKind::push ? "push" : "load"));
}

void check_provenance(const std::string& provenance) {
  if (provenance.empty() || provenance.find_first_of(" \n") != std::string::npos)
    throw InputError(
        fmt::format("--provenance \"{}\": expected true, false or mode=...", provenance));
}

void check_sbom(const std::string& sbom) {
  if (sbom.empty() || sbom.find_first_of(" \n") != std::string::npos)
    throw InputError(fmt::format("--sbom \"{}\": expected true, false or generator=...", sbom));
}

}  // namespace multiarch
