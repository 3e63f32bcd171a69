// assemble_image() with SBOM and provenance: BuildKit's attestation layout in the index, the
// readers (load, inspect, --base) skipping those entries, the cache, and determinism.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "image/image_assembler.hpp"
#include "oci/attestation_manifest.hpp"
#include "oci/oci_manifest.hpp"
#include "publish/layout_attestations.hpp"
#include "publish/layout_images.hpp"
#include "support/fake_binaries.hpp"
#include "support/temp_dir.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;
const Platform kHost{"linux", "amd64", ""};

std::string module_info(const std::string& goarch) {
  return "path\texample.com/kratosbench/cmd/user\n"
         "mod\texample.com/kratosbench\t(devel)\t\n"
         "dep\tgithub.com/go-kratos/kratos/v2\tv2.8.3\t"
         "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
         "build\tGOARCH=" +
         goarch + "\nbuild\tGOOS=linux\n";
}

class ImageAttestationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "bin");
    for (const char* arch : {"amd64", "arm64"})
      atomic_write_file(dir_ / "bin" / arch,
                        test::elf_for(arch) + std::string(64, '\0') +
                            test::go_build_info_blob("go1.26.8", module_info(arch)),
                        fs::perms::owner_all);
    atomic_write_file(dir_ / "app.yaml", "addr: :8080\n");
  }

  AssembleRequest request(const fs::path& output, bool attest = true) const {
    AssembleRequest r;
    r.binaries = {{{"linux", "amd64", ""}, dir_ / "bin" / "amd64"},
                  {{"linux", "arm64", ""}, dir_ / "bin" / "arm64"}};
    r.files = {{dir_ / "app.yaml", "/etc/app.yaml", std::nullopt}};
    r.settings.entrypoint = {"/app/service"};
    r.settings.epoch = 10;
    r.layer = {10, Compression::gzip, 6};
    r.output = output;
    r.tag = "1.0";
    r.image_name = "user:1.0";
    r.attest.sbom = attest;
    r.attest.provenance = attest;
    r.attest.references = {"user:1.0"};
    r.attest.source_revision = "0123abcd";
    return r;
  }
  test::TempDir temp_;
  const fs::path& dir_ = temp_.path();
  SystemFileStatter statter_;
};

TEST_F(ImageAttestationsTest, OneAttestationManifestPerPlatformInBuildKitsLayout) {
  auto result = assemble_image(request(dir_ / "oci"), statter_, kHost);
  OciLayout layout(dir_ / "oci");
  auto entries = parse_index(layout.read_blob(result.index), "index");
  ASSERT_EQ(entries.size(), 4u);
  for (size_t i = 0; i < 2; ++i) {
    const Descriptor& image = entries[i];
    const Descriptor& attestation = entries[2 + i];
    EXPECT_FALSE(is_attestation_manifest(image));
    EXPECT_TRUE(is_attestation_manifest(attestation));
    EXPECT_EQ(attestation.platform->os, "unknown");
    EXPECT_EQ(attestation.platform->architecture, "unknown");
    EXPECT_EQ(attestation.annotations.at(kReferenceTypeAnnotation), "attestation-manifest");
    EXPECT_EQ(attestation.annotations.at(kReferenceDigestAnnotation), image.digest);
    auto manifest = parse_manifest(layout.read_blob(attestation), attestation.digest);
    ASSERT_EQ(manifest.layers.size(), 2u);
    EXPECT_EQ(manifest.layers[0].media_type, kInTotoMediaType);
    EXPECT_EQ(manifest.layers[0].annotations.at(kPredicateTypeAnnotation), predicate_type::kSpdx);
    EXPECT_EQ(manifest.layers[1].annotations.at(kPredicateTypeAnnotation),
              predicate_type::kSlsaProvenanceV1);
    for (const auto& layer : manifest.layers) {
      auto statement = nlohmann::json::parse(layout.read_blob(layer));
      EXPECT_EQ(statement["_type"], "https://in-toto.io/Statement/v1");
      EXPECT_EQ("sha256:" + statement["subject"][0]["digest"]["sha256"].get<std::string>(),
                image.digest);
    }
    auto config = nlohmann::json::parse(layout.read_blob(manifest.config));
    EXPECT_EQ(config["os"], "unknown");
    EXPECT_EQ(config["rootfs"]["diff_ids"][1], manifest.layers[1].digest);
  }
}

TEST_F(ImageAttestationsTest, ReadersSeePlatformsAndAttestationsApart) {
  assemble_image(request(dir_ / "oci"), statter_, kHost);
  OciLayout layout(dir_ / "oci");
  LayoutImage image = select_layout_image(layout, "1.0");
  EXPECT_EQ(image.manifests.size(), 2u);
  EXPECT_EQ(image.attestations.size(), 2u);
  EXPECT_EQ(select_platform_manifest(image, {"linux", "arm64", ""}, kHost).digest,
            image.manifests[1].digest);
  auto all = layout_attestations(layout, image);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].image_manifest.digest, image.manifests[1].digest);

  auto sbom = nlohmann::json::parse(
      attestation_predicate(layout, image, {"linux", "arm64", ""}, kHost, {predicate_type::kSpdx}));
  bool kratos = false;
  for (const auto& p : sbom["packages"])
    kratos =
        kratos || (p["name"] == "github.com/go-kratos/kratos/v2" && p["versionInfo"] == "v2.8.3");
  EXPECT_TRUE(kratos);
  bool binary = false;
  for (const auto& f : sbom["files"])
    binary =
        binary || (f["fileName"] == "/app/service" &&
                   f["checksums"][1]["checksumValue"] == sha256_file_hex(dir_ / "bin" / "arm64"));
  EXPECT_TRUE(binary);
  auto provenance = nlohmann::json::parse(attestation_predicate(
      layout, image, {"linux", "arm64", ""}, kHost, {predicate_type::kSlsaProvenanceV1}));
  EXPECT_EQ(provenance["buildDefinition"]["externalParameters"]["platform"], "linux/arm64");
  EXPECT_THROW(attestation_predicate(layout, image, {"linux", "arm64", ""}, kHost,
                                     {predicate_type::kCycloneDx}),
               InputError);
  // A preference list: the first type the image has (what `image sbom` without --format asks).
  EXPECT_EQ(nlohmann::json::parse(
                attestation_predicate(layout, image, {"linux", "arm64", ""}, kHost,
                                      {predicate_type::kCycloneDx, predicate_type::kSpdx})),
            sbom);

  // A layout with attestations is a valid --base: the attestation entries are skipped.
  AssembleRequest on_base = request(dir_ / "derived");
  on_base.base = (dir_ / "oci").string() + ":1.0";
  auto derived = assemble_image(on_base, statter_, kHost);
  EXPECT_EQ(derived.platforms[0].layers.size(), 2u);
}

TEST_F(ImageAttestationsTest, DeterministicCachedAndOptional) {
  auto first = assemble_image(request(dir_ / "a"), statter_, kHost);
  auto again = assemble_image(request(dir_ / "a"), statter_, kHost);
  EXPECT_EQ(again.index.digest, first.index.digest);
  EXPECT_EQ(again.blobs_written, 0u);
  // The attestation manifests are cached beside the layers and survive a reload, so a
  // re-run reads no binary (the cache file keeps both entries after the second run).
  std::string cache = read_file(dir_ / "a" / ".multiarch-cache.json");
  size_t attestation_entries = 0;
  for (size_t at = cache.find("\"attestation:"); at != std::string::npos;
       at = cache.find("\"attestation:", at + 1))
    ++attestation_entries;
  EXPECT_EQ(attestation_entries, 2u) << cache;
  auto elsewhere = assemble_image(request(dir_ / "b"), statter_, kHost);
  EXPECT_EQ(elsewhere.index.digest, first.index.digest);
  EXPECT_EQ(read_file(dir_ / "a" / "index.json"), read_file(dir_ / "b" / "index.json"));

  // A lost statement blob is written again instead of trusting the cache.
  OciLayout a(dir_ / "a");
  auto statement = layout_attestations(a, select_layout_image(a, "1.0"))[0].statements[0].layer;
  fs::remove(a.blob_path(statement.digest));
  auto repaired = assemble_image(request(dir_ / "a"), statter_, kHost);
  EXPECT_EQ(repaired.index.digest, first.index.digest);
  EXPECT_TRUE(a.has_blob(statement));

  auto plain = assemble_image(request(dir_ / "a", false), statter_, kHost);
  EXPECT_NE(plain.index.digest, first.index.digest);
  EXPECT_EQ(parse_index(a.read_blob(plain.index), "index").size(), 2u);
  EXPECT_FALSE(plain.platforms[0].attestation);
}

}  // namespace
}  // namespace multiarch
