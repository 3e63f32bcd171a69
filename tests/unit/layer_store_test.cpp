// store_layer() (`multiarch image layer`) and assemble_image() with layer stores, on small
// fake binaries: the same digests as one assemble, what a re-run touches, the record that
// changes only with the layer, stores that no longer match, leftovers of killed runs, and bad
// input. File facts change through FakeFileStatter where the bytes must stay the same.
#include "image/layer_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <thread>

#include "image/layer_cache.hpp"
#include "support/fake_binaries.hpp"
#include "support/fake_file_statter.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;
const Platform kHostPlatform{"linux", "amd64", ""};
const Platform kAmd64{"linux", "amd64", ""};
const Platform kArm64{"linux", "arm64", ""};
const Platform kArmV7{"linux", "arm", "v7"};

/// A fake ELF binary for `goarch` with `size` bytes of made-up body (`seed` varies it).
std::string fake_binary(const std::string& goarch, size_t size = 300000, unsigned seed = 1) {
  std::string bytes = test::elf_for(goarch);
  for (size_t i = 0; bytes.size() < size; ++i)
    bytes += static_cast<char>((i * 7 + seed * 13 + i / 977) % 251);
  return bytes;
}

size_t blob_count(const fs::path& layout) {
  size_t count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(layout / "blobs" / "sha256"))
    ++count;
  return count;
}

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

class LayerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "bin");
    write_binary("amd64", fake_binary("amd64"));
    write_binary("arm64", fake_binary("arm64"));
    write_binary("arm", fake_binary("arm"));
    fs::create_directories(dir_ / "conf" / "sub");
    atomic_write_file(dir_ / "conf" / "app.yaml", "addr: :8080\n");
    atomic_write_file(dir_ / "conf" / "sub" / "b.yaml", "b: 1\n");
  }

  void write_binary(const std::string& goarch, const std::string& bytes) {
    atomic_write_file(dir_ / "bin" / goarch, bytes, fs::perms::owner_all);
  }

  /// The image of every platform, as the CMake module asks for it.
  AssembleRequest request(const fs::path& output) const {
    AssembleRequest r;
    r.binaries = {{kAmd64, dir_ / "bin" / "amd64"},
                  {kArm64, dir_ / "bin" / "arm64"},
                  {kArmV7, dir_ / "bin" / "arm"}};
    r.files = {{dir_ / "conf", "/etc/app", std::nullopt}};
    r.settings.entrypoint = {"/app/service"};
    r.settings.epoch = 10;
    r.layer = {10, Compression::gzip, 6};
    r.output = output;
    r.tag = "1.0";
    r.image_name = "user:1.0";
    r.jobs = 2;
    r.attest.sbom = true;
    r.attest.provenance = true;
    return r;
  }

  /// The `image layer` request of the i-th platform of request(): the same flags, one binary.
  AssembleRequest layer_request(size_t i) const {
    AssembleRequest r = request(store(i));
    r.binaries = {r.binaries[i]};
    return r;
  }

  fs::path store(size_t i) const { return dir_ / "layers" / std::to_string(i); }

  AssembleRequest with_stores(AssembleRequest r) const {
    for (size_t i = 0; i < r.binaries.size(); ++i)
      r.layer_stores[r.binaries[i].platform.str()] = store(i);
    return r;
  }

  test::TempDir dir_;
  test::FakeFileStatter statter_;
};

TEST_F(LayerStoreTest, StoredLayersGiveTheSameDigestsAsOneAssemble) {
  AssembleResult single = assemble_image(request(dir_ / "single"), statter_, kHostPlatform);
  EXPECT_EQ(single.layers_built, 3u);

  for (size_t i = 0; i < 3; ++i) {
    StoredLayer stored = store_layer(layer_request(i), statter_);
    EXPECT_FALSE(stored.cached);
    EXPECT_TRUE(stored.record_written);
    EXPECT_EQ(stored.layer.diff_id, single.platforms[i].diff_id);
    EXPECT_EQ(stored.layer.blob, single.platforms[i].layers.back());
  }
  AssembleResult split =
      assemble_image(with_stores(request(dir_ / "split")), statter_, kHostPlatform);
  EXPECT_EQ(split.layers_built, 0u);
  EXPECT_EQ(split.layers_prepared, 3u);
  EXPECT_EQ(split.index.digest, single.index.digest);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(split.platforms[i].prepared);
    EXPECT_FALSE(split.platforms[i].cached);
    EXPECT_EQ(split.platforms[i].manifest.digest, single.platforms[i].manifest.digest);
    ASSERT_TRUE(split.platforms[i].attestation);
    EXPECT_EQ(split.platforms[i].attestation->digest, single.platforms[i].attestation->digest);
    // Linked, not copied: the layout's blob is the store's file.
    OciLayout layout(dir_ / "split");
    OciLayout layer_store(store(i));
    const std::string& digest = split.platforms[i].layers.back().digest;
    EXPECT_EQ(inode_of(layout.blob_path(digest)), inode_of(layer_store.blob_path(digest)));
  }
  EXPECT_EQ(read_file(dir_ / "split" / "index.json"), read_file(dir_ / "single" / "index.json"));

  // The layout's own cache has the layers now: a re-run asks no store and builds nothing.
  AssembleResult again =
      assemble_image(with_stores(request(dir_ / "split")), statter_, kHostPlatform);
  EXPECT_EQ(again.layers_built + again.layers_prepared, 0u);
  EXPECT_EQ(again.blobs_written, 0u);
  for (const auto& p : again.platforms) EXPECT_TRUE(p.cached);
}

TEST_F(LayerStoreTest, ARerunWithTheSameInputsReadsAndWritesNothing) {
  store_layer(layer_request(1), statter_);
  const fs::path record = store(1) / kLayerRecordFile;
  std::string record_before = read_file(record);
  auto record_time = fs::last_write_time(record);
  std::string cache_before = read_file(store(1) / kLayerCacheFile);

  StoredLayer again = store_layer(layer_request(1), statter_);
  EXPECT_TRUE(again.cached);
  EXPECT_FALSE(again.record_written);
  EXPECT_EQ(again.files_removed, 0u);
  EXPECT_EQ(read_file(record), record_before);
  EXPECT_EQ(fs::last_write_time(record), record_time);
  EXPECT_EQ(read_file(store(1) / kLayerCacheFile), cache_before);
  EXPECT_EQ(record_before, layer_record_json(kArm64, again.layer));
}

TEST_F(LayerStoreTest, ARelinkedBinaryWithTheSameBytesKeepsTheRecord) {
  StoredLayer first = store_layer(layer_request(0), statter_);
  auto record_time = fs::last_write_time(store(0) / kLayerRecordFile);
  // A new mtime is a new cache key: the layer is built again, to the same bytes.
  statter_.set_mtime(dir_ / "bin" / "amd64", 123456789);
  StoredLayer relinked = store_layer(layer_request(0), statter_);
  EXPECT_FALSE(relinked.cached);
  EXPECT_FALSE(relinked.record_written);
  EXPECT_EQ(relinked.layer.blob, first.layer.blob);
  EXPECT_EQ(fs::last_write_time(store(0) / kLayerRecordFile), record_time);
  EXPECT_EQ(blob_count(store(0)), 1u);
}

TEST_F(LayerStoreTest, AChangedBinaryReplacesTheLayerAndItsRecord) {
  StoredLayer first = store_layer(layer_request(2), statter_);
  write_binary("arm", fake_binary("arm", 310000, 2));
  StoredLayer changed = store_layer(layer_request(2), statter_);
  EXPECT_FALSE(changed.cached);
  EXPECT_TRUE(changed.record_written);
  EXPECT_NE(changed.layer.blob.digest, first.layer.blob.digest);
  // The store keeps its current layer only.
  EXPECT_EQ(changed.files_removed, 1u);
  EXPECT_EQ(blob_count(store(2)), 1u);
  EXPECT_TRUE(fs::exists(OciLayout(store(2)).blob_path(changed.layer.blob.digest)));
  EXPECT_EQ(read_file(store(2) / kLayerRecordFile), layer_record_json(kArmV7, changed.layer));
}

TEST_F(LayerStoreTest, OnlyTheChangedPlatformIsCompressedAgain) {
  for (size_t i = 0; i < 3; ++i) store_layer(layer_request(i), statter_);
  assemble_image(with_stores(request(dir_ / "oci")), statter_, kHostPlatform);

  write_binary("arm64", fake_binary("arm64", 320000, 3));
  std::vector<StoredLayer> rerun;
  for (size_t i = 0; i < 3; ++i) rerun.push_back(store_layer(layer_request(i), statter_));
  EXPECT_TRUE(rerun[0].cached);
  EXPECT_FALSE(rerun[1].cached);
  EXPECT_TRUE(rerun[2].cached);
  AssembleResult result =
      assemble_image(with_stores(request(dir_ / "oci")), statter_, kHostPlatform);
  EXPECT_EQ(result.layers_built, 0u);
  EXPECT_EQ(result.layers_prepared, 1u);
  EXPECT_TRUE(result.platforms[0].cached);
  EXPECT_TRUE(result.platforms[1].prepared);
  EXPECT_TRUE(result.platforms[2].cached);
  AssembleResult single = assemble_image(request(dir_ / "single"), statter_, kHostPlatform);
  EXPECT_EQ(result.index.digest, single.index.digest);
}

TEST_F(LayerStoreTest, AStoreThatNoLongerMatchesIsIgnored) {
  for (size_t i = 0; i < 3; ++i) store_layer(layer_request(i), statter_);
  // The binary changes after its layer node ran (or the epoch differs): the stored key is
  // another one, so assemble builds that layer itself, to the same image as without stores.
  write_binary("amd64", fake_binary("amd64", 280000, 4));
  std::vector<std::string> lines;
  AssembleResult result =
      assemble_image(with_stores(request(dir_ / "oci")), statter_, kHostPlatform,
                     [&](const std::string& line) { lines.push_back(line); });
  EXPECT_EQ(result.layers_built, 1u);
  EXPECT_EQ(result.layers_prepared, 2u);
  EXPECT_FALSE(result.platforms[0].prepared);
  bool said = false;
  for (const auto& line : lines)
    said |= line.find("holds no layer of these inputs") != std::string::npos;
  EXPECT_TRUE(said);
  AssembleResult single = assemble_image(request(dir_ / "single"), statter_, kHostPlatform);
  EXPECT_EQ(result.index.digest, single.index.digest);

  AssembleRequest other_epoch = request(dir_ / "epoch");
  other_epoch.layer.mtime = 11;
  other_epoch.settings.epoch = 11;
  AssembleResult epoch = assemble_image(with_stores(other_epoch), statter_, kHostPlatform);
  EXPECT_EQ(epoch.layers_built, 3u);
}

TEST_F(LayerStoreTest, ADamagedStoredBlobIsNotTrusted) {
  StoredLayer stored = store_layer(layer_request(0), statter_);
  fs::path blob = OciLayout(store(0)).blob_path(stored.layer.blob.digest);
  std::string bytes = read_file(blob);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);  // same size
  fs::remove(blob);
  atomic_write_file(blob, bytes);
  AssembleRequest r = request(dir_ / "oci");
  r.binaries.resize(1);
  r.layer_stores[kAmd64.str()] = store(0);
  AssembleResult result = assemble_image(r, statter_, kHostPlatform);
  EXPECT_EQ(result.layers_built, 1u);
  EXPECT_FALSE(result.platforms[0].prepared);
  EXPECT_EQ(result.platforms[0].layers.back(), stored.layer.blob);
}

TEST_F(LayerStoreTest, WhatKilledRunsLeftIsRemoved) {
  StoredLayer first = store_layer(layer_request(0), statter_);
  fs::path blobs = store(0) / "blobs" / "sha256";
  atomic_write_file(blobs / ".blob.tmp-999-1", "half a layer");
  atomic_write_file(blobs / std::string(64, 'a'), "a blob nothing names");
  StoredLayer again = store_layer(layer_request(0), statter_);
  EXPECT_TRUE(again.cached);
  EXPECT_EQ(again.files_removed, 2u);
  EXPECT_EQ(blob_count(store(0)), 1u);
  EXPECT_EQ(again.layer.blob, first.layer.blob);
}

TEST_F(LayerStoreTest, PlatformsStoreTheirLayersAtOnce) {
  std::vector<StoredLayer> stored(3);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < 3; ++i)
    threads.emplace_back([&, i] { stored[i] = store_layer(layer_request(i), statter_); });
  for (auto& t : threads) t.join();
  AssembleResult single = assemble_image(request(dir_ / "single"), statter_, kHostPlatform);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(stored[i].layer.diff_id, single.platforms[i].diff_id);
}

TEST_F(LayerStoreTest, TheDepfileListsTheBinaryAndEveryFile) {
  AssembleRequest r = layer_request(1);
  r.depfile = dir_ / "layer.d";
  store_layer(r, statter_);
  std::string depfile = read_file(dir_ / "layer.d");
  EXPECT_EQ(depfile.rfind((store(1) / kLayerRecordFile).string() + ":", 0), 0u) << depfile;
  EXPECT_NE(depfile.find((dir_ / "bin" / "arm64").string()), std::string::npos);
  EXPECT_NE(depfile.find((dir_ / "conf" / "sub" / "b.yaml").string()), std::string::npos);
}

TEST_F(LayerStoreTest, BadInputNamesWhatIsWrong) {
  auto error_of = [&](const std::function<void()>& run) -> std::string {
    try {
      run();
    } catch (const InputError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  EXPECT_NE(error_of([&] {
              store_layer(request(store(0)), statter_);
            }).find("--binary PLATFORM=PATH: give exactly one"),
            std::string::npos);
  AssembleRequest missing = layer_request(0);
  missing.binaries[0].path = dir_ / "bin" / "nope";
  EXPECT_NE(error_of([&] { store_layer(missing, statter_); }).find("nope does not exist"),
            std::string::npos);
  AssembleRequest wrong = layer_request(0);
  wrong.binaries[0].platform = kArm64;  // an amd64 ELF
  EXPECT_NE(error_of([&] { store_layer(wrong, statter_); }).find("bin/amd64"), std::string::npos);
  fs::create_directories(dir_ / "full");
  atomic_write_file(dir_ / "full" / "notes.txt", "mine");
  AssembleRequest occupied = layer_request(0);
  occupied.output = dir_ / "full";
  EXPECT_NE(error_of([&] { store_layer(occupied, statter_); }).find("not an OCI layout"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "full" / "blobs"));

  store_layer(layer_request(0), statter_);
  AssembleRequest unknown = request(dir_ / "oci");
  unknown.layer_stores["linux/s390x"] = store(0);
  EXPECT_EQ(error_of([&] { assemble_image(unknown, statter_, kHostPlatform); }),
            "--layer-store linux/s390x=" + store(0).string() +
                ": no binary for linux/s390x (give --binary linux/s390x=PATH)");
  AssembleRequest not_a_store = request(dir_ / "oci");
  not_a_store.layer_stores[kAmd64.str()] = dir_ / "conf";
  EXPECT_NE(error_of([&] {
              assemble_image(not_a_store, statter_, kHostPlatform);
            }).find(": not a layer store"),
            std::string::npos);
  AssembleRequest itself = request(store(0));
  itself.layer_stores[kAmd64.str()] = store(0);
  EXPECT_NE(error_of([&] {
              assemble_image(itself, statter_, kHostPlatform);
            }).find("a store must not be the --output layout"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "oci"));
}

}  // namespace
}  // namespace multiarch
