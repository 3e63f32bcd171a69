// assemble_image() on small fake binaries (real ELF headers, made-up bodies): cache decisions,
// rollback on failure, base layouts, and what a re-run touches.
#include "image/image_assembler.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "image/base_image.hpp"
#include "oci/oci_manifest.hpp"
#include "publish/docker_archive.hpp"
#include "publish/layout_images.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;
const Platform kHost{"linux", "amd64", ""};

/// An ELF header saying `machine` (64-bit unless `bits`), then `size` bytes of body.
std::string fake_elf(uint16_t machine, unsigned bits = 64, uint32_t flags = 0, size_t size = 4096) {
  std::string bytes(64, '\0');
  bytes.replace(0, 4,
                "\x7f"
                "ELF");
  bytes[4] = static_cast<char>(bits == 64 ? 2 : 1);
  bytes[5] = 1;
  bytes[6] = 1;
  bytes[16] = 2;  // ET_EXEC
  bytes[18] = static_cast<char>(machine & 0xff);
  bytes[19] = static_cast<char>(machine >> 8);
  size_t flags_at = bits == 64 ? 48 : 36;
  for (int i = 0; i < 4; ++i) bytes[flags_at + i] = static_cast<char>((flags >> (8 * i)) & 0xff);
  for (size_t i = 0; bytes.size() < size; ++i) bytes += static_cast<char>(i * 7 % 251);
  return bytes;
}

/// Counts stat calls and can pretend a file is missing.
class CountingStatter : public FileStatter {
 public:
  std::optional<FileStamp> stat(const fs::path& path) const override {
    ++calls;
    return real.stat(path);
  }
  SystemFileStatter real;
  mutable int calls = 0;
};

class ImageAssemblerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("multiarch-assembler-test-" + std::to_string(std::random_device()()));
    fs::create_directories(dir_ / "bin");
    atomic_write_file(dir_ / "bin" / "amd64", fake_elf(62), fs::perms::owner_all);
    atomic_write_file(dir_ / "bin" / "arm64", fake_elf(183), fs::perms::owner_all);
    atomic_write_file(dir_ / "bin" / "armv7", fake_elf(40, 32, 0x05000400), fs::perms::owner_all);
    atomic_write_file(dir_ / "app.yaml", "addr: :8080\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  AssembleRequest request(const fs::path& output) const {
    AssembleRequest r;
    r.binaries = {{{"linux", "amd64", ""}, dir_ / "bin" / "amd64"},
                  {{"linux", "arm64", ""}, dir_ / "bin" / "arm64"},
                  {{"linux", "arm", "v7"}, dir_ / "bin" / "armv7"}};
    r.files = {{dir_ / "app.yaml", "/etc/app.yaml", std::nullopt}};
    r.settings.entrypoint = {"/app/service"};
    r.settings.epoch = 10;
    r.layer = {10, Compression::gzip, 6};
    r.output = output;
    r.tag = "1.0";
    r.image_name = "user:1.0";
    r.jobs = 2;
    return r;
  }

  fs::path dir_;
};

TEST_F(ImageAssemblerTest, WritesOneIndexWithEveryPlatformInOrder) {
  CountingStatter statter;
  auto result = assemble_image(request(dir_ / "out"), statter, kHost);
  EXPECT_EQ(result.layers_built, 3u);
  EXPECT_TRUE(result.index_json_written);
  OciLayout layout(dir_ / "out");
  auto image = select_layout_image(layout, "1.0");
  EXPECT_EQ(image.entry.digest, result.index.digest);
  EXPECT_EQ(image.name, "user:1.0");
  ASSERT_EQ(image.manifests.size(), 3u);
  EXPECT_EQ(image.manifests[0].platform->architecture, "amd64");
  EXPECT_EQ(image.manifests[1].platform->architecture, "arm64");
  EXPECT_EQ(image.manifests[2].platform->variant, "v7");
  EXPECT_EQ(select_platform_manifest(image, {"linux", "arm", "v7"}, kHost).digest,
            result.platforms[2].manifest.digest);
  EXPECT_THROW(select_platform_manifest(image, {"linux", "s390x", ""}, kHost), InputError);
  EXPECT_TRUE(fs::exists(dir_ / "out" / kLayerCacheFile));
}

TEST_F(ImageAssemblerTest, CachedRerunBuildsAndWritesNothing) {
  CountingStatter statter;
  auto first = assemble_image(request(dir_ / "out"), statter, kHost);
  auto cache_before = read_file(dir_ / "out" / kLayerCacheFile);
  auto again = assemble_image(request(dir_ / "out"), statter, kHost);
  EXPECT_EQ(again.layers_built, 0u);
  EXPECT_EQ(again.blobs_written, 0u);
  EXPECT_FALSE(again.index_json_written);
  EXPECT_EQ(again.index.digest, first.index.digest);
  for (const auto& p : again.platforms) EXPECT_TRUE(p.cached);
  EXPECT_EQ(read_file(dir_ / "out" / kLayerCacheFile), cache_before);

  // One binary changes: only its layer is built again.
  atomic_write_file(dir_ / "bin" / "arm64", fake_elf(183, 64, 0, 5000), fs::perms::owner_all);
  auto changed = assemble_image(request(dir_ / "out"), statter, kHost);
  EXPECT_EQ(changed.layers_built, 1u);
  EXPECT_FALSE(changed.platforms[1].cached);
  EXPECT_TRUE(changed.platforms[0].cached);
  EXPECT_NE(changed.index.digest, first.index.digest);
  EXPECT_GT(changed.blobs_removed, 0u);  // the old arm64 layer, config, manifest and index
}

TEST_F(ImageAssemblerTest, ALostBlobIsRebuiltEvenWhenTheCacheKnowsIt) {
  CountingStatter statter;
  auto first = assemble_image(request(dir_ / "out"), statter, kHost);
  OciLayout layout(dir_ / "out");
  fs::remove(layout.blob_path(first.platforms[0].layers[0].digest));
  auto again = assemble_image(request(dir_ / "out"), statter, kHost);
  EXPECT_EQ(again.layers_built, 1u);
  EXPECT_TRUE(layout.has_blob(first.platforms[0].layers[0]));
  EXPECT_EQ(again.index.digest, first.index.digest);
}

TEST_F(ImageAssemblerTest, SettingsChangeTheConfigButNotTheLayer) {
  CountingStatter statter;
  auto first = assemble_image(request(dir_ / "out"), statter, kHost);
  auto r = request(dir_ / "out");
  r.settings.env = {{"A", "b"}};
  auto second = assemble_image(r, statter, kHost);
  EXPECT_EQ(second.layers_built, 0u);
  EXPECT_NE(second.platforms[0].config.digest, first.platforms[0].config.digest);
  EXPECT_EQ(second.platforms[0].layers, first.platforms[0].layers);
}

TEST_F(ImageAssemblerTest, RefusedInputLeavesNoLayout) {
  CountingStatter statter;
  auto missing = request(dir_ / "new" / "out");
  missing.binaries[1].path = dir_ / "bin" / "nope";
  EXPECT_THROW(assemble_image(missing, statter, kHost), InputError);
  auto wrong = request(dir_ / "new" / "out");
  wrong.binaries[1].path = dir_ / "bin" / "amd64";  // x86-64 labelled arm64
  EXPECT_THROW(assemble_image(wrong, statter, kHost), InputError);
  auto twice = request(dir_ / "new" / "out");
  twice.binaries[1] = twice.binaries[0];
  EXPECT_THROW(assemble_image(twice, statter, kHost), InputError);
  auto conflict = request(dir_ / "new" / "out");
  conflict.files.push_back({dir_ / "app.yaml", "/app/service", std::nullopt});
  EXPECT_THROW(assemble_image(conflict, statter, kHost), InputError);
  EXPECT_FALSE(fs::exists(dir_ / "new"));
}

TEST_F(ImageAssemblerTest, FailureWhileWritingRollsBackToThePreviousLayout) {
  CountingStatter statter;
  assemble_image(request(dir_ / "out"), statter, kHost);
  auto index_before = read_file(dir_ / "out" / "index.json");
  size_t blobs_before = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "out" / "blobs" / "sha256")) {
    (void)e;
    ++blobs_before;
  }
  // An extra file that passes the checks and vanishes after the first platform's blobs are
  // written (the second stat of the arm64 binary comes from the second platform's cache key).
  auto r = request(dir_ / "out");
  r.settings.epoch = 11;
  r.layer.mtime = 11;
  r.files.push_back({dir_ / "vanishing", "/etc/vanishing", std::nullopt});
  atomic_write_file(dir_ / "vanishing", "x");
  struct VanishingStatter : FileStatter {
    explicit VanishingStatter(fs::path p) : path(std::move(p)) {}
    std::optional<FileStamp> stat(const fs::path& p) const override {
      auto stamp = real.stat(p);
      if (p.filename() == "arm64" && ++arm64_stats == 2) fs::remove(path);
      return stamp;
    }
    fs::path path;
    SystemFileStatter real;
    mutable int arm64_stats = 0;
  } vanishing(dir_ / "vanishing");
  r.jobs = 1;
  std::vector<std::string> progress;
  EXPECT_THROW(assemble_image(r, vanishing, kHost,
                              [&](const std::string& line) { progress.push_back(line); }),
               InputError);
  ASSERT_GE(progress.size(), 2u);
  EXPECT_NE(progress[1].find("[linux/amd64] built layer"), std::string::npos) << progress[1];
  EXPECT_EQ(read_file(dir_ / "out" / "index.json"), index_before);
  size_t blobs_after = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "out" / "blobs" / "sha256")) {
    (void)e;
    ++blobs_after;
  }
  EXPECT_EQ(blobs_after, blobs_before);
}

TEST_F(ImageAssemblerTest, BaseLayersComeFirstAndMatchByNormalizedPlatform) {
  CountingStatter statter;
  auto base_request = request(dir_ / "base");
  base_request.binary_path = "/opt/base";
  base_request.settings.env = {{"BASE", "1"}};
  base_request.tag = "base";
  auto base = assemble_image(base_request, statter, kHost);

  // Rewrite the base index so arm64 is spelled arm64/v8, as some registries list it.
  OciLayout base_layout(dir_ / "base");
  auto entries = base_layout.index_entries();
  auto manifests = parse_index(base_layout.read_blob(entries[0]), "base");
  manifests[1].platform->variant = "v8";
  {
    LayoutTransaction transaction(base_layout);
    auto index = transaction.put_blob(media_type::kOciIndex, index_json(manifests, {}));
    index.annotations = entries[0].annotations;
    transaction.write_index_json(index_json({index}, {}));
    transaction.commit();
  }
  BaseLayout opened((dir_ / "base").string() + ":base", kHost);
  EXPECT_EQ(opened.platforms().size(), 3u);
  EXPECT_EQ(opened.for_platform({"linux", "arm64", ""}).manifest.digest,
            base.platforms[1].manifest.digest);

  auto r = request(dir_ / "out");
  r.base = (dir_ / "base").string();
  auto result = assemble_image(r, statter, kHost);
  ASSERT_EQ(result.platforms[1].layers.size(), 2u);
  EXPECT_EQ(result.platforms[1].layers[0].digest, base.platforms[1].layers[0].digest);
  OciLayout out(dir_ / "out");
  auto config = nlohmann::json::parse(out.read_blob(result.platforms[1].config));
  EXPECT_EQ(config["config"]["Env"][1], "BASE=1");
  EXPECT_EQ(config["rootfs"]["diff_ids"].size(), 2u);

  auto same_folder = request(dir_ / "base");
  same_folder.base = (dir_ / "base").string();
  EXPECT_THROW(assemble_image(same_folder, statter, kHost), InputError);
  EXPECT_THROW(BaseLayout((dir_ / "base").string() + ":nope", kHost), InputError);
  EXPECT_THROW(BaseLayout((dir_ / "bin").string(), kHost), InputError);
}

TEST_F(ImageAssemblerTest, DockerArchiveHoldsConfigLayersAndManifest) {
  CountingStatter statter;
  auto r = request(dir_ / "out");
  r.layer = {10, Compression::zstd, 3};
  auto result = assemble_image(r, statter, kHost);
  OciLayout layout(dir_ / "out");
  std::string archive = docker_archive(layout, result.platforms[1].manifest, "user:1.0");
  ASSERT_EQ(archive.size() % 512, 0u);
  std::string config_name = result.platforms[1].config.digest.substr(7) + ".json";
  EXPECT_EQ(archive.substr(0, config_name.size()), config_name);
  // The zstd layer went in decompressed: the tar of the layer has the binary's name in it.
  EXPECT_NE(archive.find("app/service"), std::string::npos);
  auto manifest_at =
      archive.find("[{\"Config\":\"" + config_name + "\",\"RepoTags\":[\"user:1.0\"]");
  EXPECT_NE(manifest_at, std::string::npos);
  EXPECT_EQ(parse_docker_load_output("Loaded image: user:1.0\n"), "user:1.0");
  EXPECT_EQ(parse_docker_load_output("The image x exists, renaming\nLoaded image ID: sha256:ab\n"),
            "sha256:ab");
  EXPECT_EQ(parse_docker_load_output("nothing"), "");
}

}  // namespace
}  // namespace multiarch
