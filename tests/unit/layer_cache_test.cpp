// Cache decisions from file stamps alone (a fake disk), and the cache file round trip.
#include "image/layer_cache.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

class FakeStatter : public FileStatter {
 public:
  std::optional<FileStamp> stat(const std::filesystem::path& path) const override {
    ++calls;
    auto it = files.find(path.string());
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, FileStamp> files;
  mutable int calls = 0;
};

LayerPlan plan_for(const std::string& source) {
  LayerFile exe;
  exe.path = "/app/service";
  exe.mode = 0755;
  exe.source = source;
  return plan_layer({exe});
}

TEST(LayerCache, KeyFollowsEveryStampField) {
  FakeStatter disk;
  disk.files["/bin/linux_arm64/user"] = FileStamp{100, 1, 2, 3, 4, 0100755};
  LayerPlan plan = plan_for("/bin/linux_arm64/user");
  LayerOptions options{0, Compression::gzip, 6};
  std::string key = layer_cache_key(plan, options, disk);
  EXPECT_EQ(key, layer_cache_key(plan, options, disk));
  EXPECT_EQ(key.size(), 64u);

  auto changed = [&](auto mutate) {
    FakeStatter other = disk;
    mutate(other.files["/bin/linux_arm64/user"]);
    return layer_cache_key(plan, options, other);
  };
  EXPECT_NE(changed([](FileStamp& s) { s.size = 101; }), key);
  EXPECT_NE(changed([](FileStamp& s) { s.mtime_ns = 9; }), key);
  EXPECT_NE(changed([](FileStamp& s) { s.ctime_ns = 9; }), key);
  EXPECT_NE(changed([](FileStamp& s) { s.inode = 9; }), key);
  EXPECT_NE(changed([](FileStamp& s) { s.device = 9; }), key);
}

TEST(LayerCache, KeyFollowsSettingsThatChangeTheLayer) {
  FakeStatter disk;
  disk.files["/b"] = FileStamp{1, 1, 1, 1, 1, 0100755};
  LayerPlan plan = plan_for("/b");
  std::string key = layer_cache_key(plan, {0, Compression::gzip, 6}, disk);
  EXPECT_NE(layer_cache_key(plan, {1, Compression::gzip, 6}, disk), key);
  EXPECT_NE(layer_cache_key(plan, {0, Compression::gzip, 9}, disk), key);
  EXPECT_NE(layer_cache_key(plan, {0, Compression::zstd, 6}, disk), key);
  EXPECT_NE(layer_cache_key(plan, {0, Compression::none, 0}, disk), key);
  LayerPlan moved = plan;
  moved.entries.back().path = "/srv/service";
  EXPECT_NE(layer_cache_key(moved, {0, Compression::gzip, 6}, disk), key);
  LayerPlan mode = plan;
  mode.entries.back().mode = 0700;
  EXPECT_NE(layer_cache_key(mode, {0, Compression::gzip, 6}, disk), key);
  LayerPlan extra = plan;
  LayerFile inline_file;
  inline_file.path = "/etc/x";
  inline_file.content = "a";
  extra = plan_layer({plan.entries.back(), inline_file});
  std::string with_a = layer_cache_key(extra, {0, Compression::gzip, 6}, disk);
  extra.entries.back().content = "b";
  EXPECT_NE(layer_cache_key(extra, {0, Compression::gzip, 6}, disk), with_a);
}

TEST(LayerCache, KeyNeedsTheSourceToExist) {
  FakeStatter disk;
  EXPECT_THROW(layer_cache_key(plan_for("/missing"), {}, disk), InputError);
}

TEST(LayerCache, OnlyStatsNeverReads) {
  FakeStatter disk;  // the fake has no contents at all: a key from stamps alone
  disk.files["/b"] = FileStamp{20000000, 1, 1, 1, 1, 0100755};
  layer_cache_key(plan_for("/b"), {}, disk);
  EXPECT_EQ(disk.calls, 1);
}

TEST(LayerCache, FileRoundTripAndUnchangedSaveWritesNothing) {
  auto dir = std::filesystem::temp_directory_path() /
             ("multiarch-cache-test-" + std::to_string(std::random_device()()));
  std::filesystem::create_directories(dir);
  auto file = dir / kLayerCacheFile;
  BuiltLayer layer;
  layer.diff_id = "sha256:" + std::string(64, '1');
  layer.blob = {
      "application/vnd.oci.image.layer.v1.tar+gzip", "sha256:" + std::string(64, '2'), 123, {}, {}};
  layer.tar_size = 456;

  LayerCache empty = LayerCache::load(file);
  EXPECT_EQ(empty.size(), 0u);
  empty.put("k", layer);
  EXPECT_TRUE(empty.save(file));

  LayerCache loaded = LayerCache::load(file);
  auto found = loaded.find("k");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->diff_id, layer.diff_id);
  EXPECT_EQ(found->blob.digest, layer.blob.digest);
  EXPECT_EQ(found->blob.size, 123u);
  EXPECT_EQ(found->tar_size, 456u);
  EXPECT_FALSE(loaded.find("other"));
  EXPECT_FALSE(loaded.save(file));  // nothing changed: not rewritten

  loaded.retain([](const BuiltLayer&) { return false; });
  EXPECT_EQ(loaded.size(), 0u);

  atomic_write_file(file, "{not json");
  EXPECT_EQ(LayerCache::load(file).size(), 0u);  // damaged cache: empty, no error
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace multiarch
