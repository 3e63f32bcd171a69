// docker save archives into OCI layouts, and the tar reading under it.
#include "oci/layout_merge.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "buildx_test_support.hpp"
#include "oci/compression.hpp"
#include "oci/oci_manifest.hpp"
#include "oci/tar_reader.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {
using test::docker_save;
using test::make_tar;

TEST(ReadTarFiles, LongNamesAndSymlinks) {
  std::string long_name = "blobs/sha256/" + std::string(120, 'a');
  auto archive = make_tar({{long_name, "layer bytes"},
                           {"abc/layer.tar", "", "../" + long_name},
                           {"manifest.json", "[]"}});
  auto files = read_tar_files(archive);
  ASSERT_EQ(files.count(long_name), 1u);
  EXPECT_EQ(files.at(long_name), "layer bytes");
  EXPECT_EQ(files.at("abc/layer.tar"), "layer bytes");  // Docker >= 25 links layers to blobs
  EXPECT_EQ(files.at("manifest.json"), "[]");
  EXPECT_THROW(read_tar_files(archive.substr(0, 700)), RuntimeError);
}

class LayoutMergeTest : public ::testing::Test {
 protected:
  WorkDir work_;
};

TEST_F(LayoutMergeTest, ImportsDockerSaveAsAnOciManifestWithGzipLayers) {
  OciLayout layout(work_.path() / "oci");
  LayoutTransaction transaction(layout);
  Descriptor manifest = import_docker_save(docker_save("linux", "arm", "v7"),
                                           Platform{"linux", "arm", "v7"}, transaction);
  ASSERT_TRUE(manifest.platform);
  EXPECT_EQ(manifest.platform->architecture, "arm");
  EXPECT_EQ(manifest.platform->variant, "v7");
  EXPECT_EQ(manifest.media_type, media_type::kOciManifest);
  std::string index = index_json_with(
      layout, transaction.put_blob(media_type::kOciIndex, multiarch::index_json({manifest}, {})),
      "1.0", "127.0.0.1:5000/team/user:1.0");
  transaction.write_index_json(index);
  transaction.commit();

  auto parsed = parse_manifest(layout.read_blob(manifest), "manifest");
  ASSERT_EQ(parsed.layers.size(), 1u);
  EXPECT_EQ(parsed.layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  // The config is stored byte for byte: its digest is the engine's image ID.
  auto config = nlohmann::json::parse(layout.read_blob(parsed.config));
  StringSink layer;
  decompress(Compression::gzip, layout.read_blob(parsed.layers[0]), layer);
  EXPECT_EQ(sha256_digest(layer.bytes), config["rootfs"]["diff_ids"][0]);
  auto entries = layout.index_entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].annotations.at("org.opencontainers.image.ref.name"), "1.0");
  EXPECT_EQ(entries[0].annotations.at("io.containerd.image.name"), "127.0.0.1:5000/team/user:1.0");
}

// Issue 17 item 5: BuildKit 0.8 (Docker 20.10's) ignores SOURCE_DATE_EPOCH; the import sets
// the times so the digest follows the epoch, not the build's clock.
TEST_F(LayoutMergeTest, ImportSetsCreatedTimesWhenAsked) {
  OciLayout layout(work_.path() / "oci");
  LayoutTransaction transaction(layout);
  auto archive = docker_save("linux", "amd64", "", false, "2026-11-30T20:01:02.123456789Z");
  Descriptor kept = import_docker_save(archive, Platform{"linux", "amd64", ""}, transaction);
  Descriptor at_epoch = import_docker_save(archive, Platform{"linux", "amd64", ""}, transaction,
                                           "1970-01-01T00:16:40Z");
  EXPECT_NE(kept.digest, at_epoch.digest);
  auto parsed = parse_manifest(layout.read_blob(at_epoch), "manifest");
  std::string bytes = layout.read_blob(parsed.config);
  auto config = nlohmann::json::parse(bytes);
  EXPECT_EQ(config["created"], "1970-01-01T00:16:40Z");
  EXPECT_EQ(config["history"][0]["created"], "1970-01-01T00:16:40Z");
  EXPECT_EQ(config["history"][0]["created_by"], "COPY /app/service # buildkit");
  EXPECT_EQ(bytes.rfind("{\"created\":", 0), 0u) << bytes;  // field order kept
  EXPECT_EQ(bytes.find("2026-11-30"), std::string::npos) << bytes;
  // Another build of the same content at another time gives the same manifest.
  auto later = docker_save("linux", "amd64", "", false, "2027-01-01T00:00:00Z");
  EXPECT_EQ(
      import_docker_save(later, Platform{"linux", "amd64", ""}, transaction, "1970-01-01T00:16:40Z")
          .digest,
      at_epoch.digest);
}

TEST_F(LayoutMergeTest, RefusesAnImageOfAnotherPlatform) {
  OciLayout layout(work_.path() / "oci");
  LayoutTransaction transaction(layout);
  try {
    import_docker_save(docker_save("linux", "amd64", ""), Platform{"linux", "arm", "v7"},
                       transaction);
    FAIL() << "accepted an amd64 image as linux/arm/v7";
  } catch (const RuntimeError& e) {
    EXPECT_STREQ(e.what(), "docker built an image for linux/amd64, not linux/arm/v7");
  }
}

TEST_F(LayoutMergeTest, RefusesALayerThatDoesNotMatchItsDiffId) {
  OciLayout layout(work_.path() / "oci");
  LayoutTransaction transaction(layout);
  EXPECT_THROW(import_docker_save(docker_save("linux", "arm64", "", true),
                                  Platform{"linux", "arm64", ""}, transaction),
               RuntimeError);
  EXPECT_THROW(import_docker_save(make_tar({{"manifest.json", "[]"}}),
                                  Platform{"linux", "arm64", ""}, transaction),
               RuntimeError);
}

TEST_F(LayoutMergeTest, IndexJsonWithReplacesTheSameTagAndKeepsOthers) {
  OciLayout layout(work_.path() / "oci");
  {
    LayoutTransaction transaction(layout);
    Descriptor a = transaction.put_blob(media_type::kOciIndex, index_json({}, {{"n", "a"}}));
    transaction.write_index_json(index_json_with(layout, a, "a", ""));
    transaction.commit();
  }
  LayoutTransaction transaction(layout);
  Descriptor b = transaction.put_blob(media_type::kOciIndex, index_json({}, {{"n", "b"}}));
  transaction.write_index_json(index_json_with(layout, b, "b", ""));
  Descriptor a2 = transaction.put_blob(media_type::kOciIndex, index_json({}, {{"n", "a2"}}));
  transaction.write_index_json(index_json_with(layout, a2, "a", ""));
  transaction.commit();
  auto entries = layout.index_entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].digest, a2.digest);
  EXPECT_EQ(entries[1].digest, b.digest);
}

}  // namespace
}  // namespace multiarch
