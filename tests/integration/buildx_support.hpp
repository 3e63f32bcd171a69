#pragma once
// Shared by the buildx_*_test.cpp integration tests: reading an index back over the registry's
// HTTP API, and pulling and running one platform of it under QEMU.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness.hpp"
#include "registry.hpp"
#include "util/fs.hpp"

namespace multiarch::test {

inline std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

struct RegistryIndex {
  std::string digest;               ///< Docker-Content-Digest of the tag
  std::set<std::string> platforms;  ///< "os/arch[/variant]" of each image (not attestations)
  /// The attestation manifests (unknown/unknown, vnd.docker.reference.type
  /// attestation-manifest), each with the digest of the image it describes.
  std::vector<nlohmann::json> attestations;
  nlohmann::json json;
};

/// GET /v2/REPO/manifests/TAG accepting an OCI index or a Docker manifest list.
inline RegistryIndex registry_index(const Registry& registry, const std::string& repository,
                                    const std::string& tag) {
  RegistryIndex index;
  auto response = registry.get("/v2/" + repository + "/manifests/" + tag,
                               "application/vnd.oci.image.index.v1+json, "
                               "application/vnd.docker.distribution.manifest.list.v2+json");
  EXPECT_EQ(response.status, 200) << response.headers << response.body;
  if (response.status != 200) return index;
  auto header = response.headers.find("Docker-Content-Digest: ");
  if (header != std::string::npos) {
    auto end = response.headers.find('\r', header);
    index.digest = response.headers.substr(header + 23, end - header - 23);
  }
  index.json = nlohmann::json::parse(response.body);
  for (const auto& manifest : index.json.value("manifests", nlohmann::json::array())) {
    if (manifest.value("annotations", nlohmann::json::object())
            .value("vnd.docker.reference.type", "") == "attestation-manifest") {
      index.attestations.push_back(manifest);
      continue;
    }
    const auto& p = manifest["platform"];
    std::string platform = p.value("os", "") + "/" + p.value("architecture", "");
    if (!p.value("variant", "").empty()) platform += "/" + p.value("variant", "");
    index.platforms.insert(platform);
  }
  return index;
}

/// `docker pull --platform P REF`, then `docker run --rm --platform P REF -print-platform`;
/// removes the pulled image by id (by tag, a platform pulled earlier under the same tag would
/// stay behind untagged). Returns what the service printed ("" and a failure on error).
inline std::string pull_and_print_platform(const std::string& reference,
                                           const std::string& platform,
                                           const std::map<std::string, std::string>& env = {}) {
  auto pulled = run({"docker", "pull", "--platform", platform, reference}, {}, env);
  EXPECT_EQ(pulled.exit_code, 0) << pulled.err;
  auto id =
      trimmed(run({"docker", "image", "inspect", "--format", "{{.Id}}", reference}, {}, env).out);
  auto ran =
      run({"docker", "run", "--rm", "--platform", platform, reference, "-print-platform"}, {}, env);
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  if (!id.empty()) run({"docker", "image", "rm", "--force", id}, {}, env);
  return ran.out;
}

/// The platforms of the image tagged `tag` in an OCI layout (index.json -> index -> platforms),
/// without the attestation manifests (unknown/unknown) multiarch attaches by default.
inline std::set<std::string> layout_platforms(const std::filesystem::path& layout,
                                              const std::string& tag) {
  std::set<std::string> platforms;
  auto index = nlohmann::json::parse(read_file(layout / "index.json"));
  for (const auto& entry : index["manifests"]) {
    if (entry["annotations"].value("org.opencontainers.image.ref.name", "") != tag) continue;
    std::string digest = entry["digest"];
    auto image = nlohmann::json::parse(read_file(layout / "blobs/sha256" / digest.substr(7)));
    for (const auto& manifest : image["manifests"]) {
      if (manifest.value("annotations", nlohmann::json::object())
              .value("vnd.docker.reference.type", "") == "attestation-manifest")
        continue;
      const auto& p = manifest["platform"];
      std::string platform = p.value("os", "") + "/" + p.value("architecture", "");
      if (!p.value("variant", "").empty()) platform += "/" + p.value("variant", "");
      platforms.insert(platform);
    }
  }
  return platforms;
}

/// `skopeo copy --multi-arch=all oci:LAYOUT:TAG dir:OUT`: skopeo re-verifies every digest.
inline ProcessResult skopeo_verify(const std::filesystem::path& layout, const std::string& tag,
                                   const std::filesystem::path& out) {
  return run({"skopeo", "copy", "--multi-arch=all", "oci:" + layout.string() + ":" + tag,
              "dir:" + out.string()});
}

inline const std::set<std::string>& three_platforms() {
  static const std::set<std::string> platforms = {"linux/amd64", "linux/arm64", "linux/arm/v7"};
  return platforms;
}

}  // namespace multiarch::test
