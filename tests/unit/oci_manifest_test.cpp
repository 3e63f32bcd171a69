// Manifest and index JSON shapes, descriptors, and reading other tools' JSON.
#include "oci/oci_manifest.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace multiarch {
namespace {

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');

TEST(OciManifest, ManifestBytes) {
  Descriptor config{std::string(media_type::kOciConfig), kA, 10, {}, {}};
  Descriptor layer{"application/vnd.oci.image.layer.v1.tar+gzip", kB, 20, {}, {}};
  std::string json = manifest_json(config, {layer}, {{"org.opencontainers.image.title", "user"}});
  EXPECT_EQ(json, R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                  R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                      kA +
                      R"(","size":10},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.)"
                      R"(tar+gzip","digest":")" +
                      kB +
                      R"(","size":20}],"annotations":{"org.opencontainers.image.title":"user"}})");
  auto parsed = parse_manifest(json, "test");
  EXPECT_EQ(parsed.config.digest, kA);
  ASSERT_EQ(parsed.layers.size(), 1u);
  EXPECT_EQ(parsed.layers[0].size, 20u);
  EXPECT_EQ(parsed.annotations.at("org.opencontainers.image.title"), "user");
}

TEST(OciManifest, IndexEntriesCarryPlatforms) {
  Descriptor arm{std::string(media_type::kOciManifest),
                 kA,
                 5,
                 descriptor_platform({"linux", "arm", "v7"}),
                 {}};
  Descriptor amd{std::string(media_type::kOciManifest),
                 kB,
                 6,
                 descriptor_platform({"linux", "amd64", ""}),
                 {}};
  std::string json = index_json({amd, arm}, {});
  auto j = nlohmann::json::parse(json);
  EXPECT_EQ(j["schemaVersion"], 2);
  EXPECT_EQ(j["mediaType"], media_type::kOciIndex);
  EXPECT_FALSE(j.contains("annotations"));
  EXPECT_EQ(j["manifests"][0]["platform"],
            nlohmann::json::parse(R"({"architecture":"amd64","os":"linux"})"));
  EXPECT_EQ(j["manifests"][1]["platform"]["variant"], "v7");
  auto back = parse_index(json, "test");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(*back[1].platform, *arm.platform);
  EXPECT_EQ(json, index_json({amd, arm}, {}));
}

TEST(OciManifest, BadJsonIsAClearError) {
  EXPECT_THROW(parse_manifest("{", "m"), RuntimeError);
  EXPECT_THROW(parse_manifest(R"({"schemaVersion":1})", "m"), RuntimeError);
  // Found by fuzz_oci_json: an out-of-range number was converted to int (undefined).
  EXPECT_THROW(parse_manifest(R"({"schemaVersion":2333333333333333333333333})", "m"), RuntimeError);
  EXPECT_THROW(parse_index(R"({"manifests":[{"mediaType":"x","size":1,"digest":"sha256:)" +
                               std::string(64, 'a') + R"(","platform":{"os":7}}]})",
                           "i"),
               RuntimeError);
  EXPECT_THROW(
      parse_index(R"({"manifests":[{"mediaType":"x","digest":"sha256:12","size":1}]})", "i"),
      RuntimeError);
  EXPECT_THROW(parse_index(R"({"manifests":[{"mediaType":"x","digest":")" + kA + R"("}]})", "i"),
               RuntimeError);
}

TEST(OciManifest, DockerMediaTypesMapToOci) {
  EXPECT_EQ(oci_media_type("application/vnd.docker.image.rootfs.diff.tar.gzip"),
            "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(oci_media_type(media_type::kDockerManifest), media_type::kOciManifest);
  EXPECT_EQ(oci_media_type("application/vnd.oci.image.layer.v1.tar"),
            "application/vnd.oci.image.layer.v1.tar");
  EXPECT_TRUE(is_index_media_type(media_type::kDockerManifestList));
  EXPECT_TRUE(is_manifest_media_type(media_type::kOciManifest));
  EXPECT_TRUE(is_sha256_digest(kA));
  EXPECT_FALSE(is_sha256_digest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(is_sha256_digest("sha512:" + std::string(64, 'a')));
}

}  // namespace
}  // namespace multiarch
