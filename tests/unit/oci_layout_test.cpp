// Layout transactions: rollback removes exactly what was created, blobs are never rewritten,
// index.json is only replaced when it changes, unreferenced blobs are collected.
#include "oci/oci_layout.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <random>

#include "oci/oci_manifest.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

class OciLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("multiarch-layout-test-" + std::to_string(std::random_device()()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

ino_t inode(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_ino;
}

TEST_F(OciLayoutTest, UncommittedTransactionRemovesEverythingItCreated) {
  OciLayout layout(dir_ / "a" / "b" / "layout");
  {
    LayoutTransaction transaction(layout);
    transaction.put_blob(media_type::kOciConfig, "{}");
    auto writer = transaction.begin_blob();
    writer->write("layer bytes");
    transaction.finish_blob(*writer, sha256_digest("layer bytes"));
    EXPECT_TRUE(fs::exists(layout.root() / "oci-layout"));
    EXPECT_EQ(transaction.blobs_written(), 2u);
  }
  EXPECT_FALSE(fs::exists(dir_ / "a"));
}

TEST_F(OciLayoutTest, CommittedLayoutSurvivesAndALaterFailureDoesNotTouchIt) {
  OciLayout layout(dir_ / "layout");
  Descriptor kept;
  {
    LayoutTransaction transaction(layout);
    kept = transaction.put_blob(media_type::kOciConfig, "{\"a\":1}");
    transaction.write_index_json(index_json({kept}, {}));
    transaction.commit();
  }
  auto index_inode = inode(layout.root() / "index.json");
  {
    LayoutTransaction failing(layout);
    failing.put_blob(media_type::kOciConfig, "{\"a\":1}");  // exists: not rewritten
    failing.put_blob(media_type::kOciConfig, "{\"b\":2}");  // new: removed on rollback
  }
  EXPECT_TRUE(layout.has_blob(kept));
  EXPECT_EQ(inode(layout.root() / "index.json"), index_inode);
  EXPECT_EQ(layout.index_entries().size(), 1u);
  size_t blobs = 0;
  for (const auto& e : fs::directory_iterator(layout.root() / "blobs" / "sha256")) {
    (void)e;
    ++blobs;
  }
  EXPECT_EQ(blobs, 1u);
}

TEST_F(OciLayoutTest, ExistingBlobsAndUnchangedIndexAreNotRewritten) {
  OciLayout layout(dir_ / "layout");
  LayoutTransaction first(layout);
  auto d = first.put_blob(media_type::kOciConfig, "{}");
  EXPECT_TRUE(first.write_index_json(index_json({d}, {})));
  first.commit();
  auto blob_inode = inode(layout.blob_path(d.digest));
  auto index_inode = inode(layout.root() / "index.json");

  LayoutTransaction second(layout);
  second.put_blob(media_type::kOciConfig, "{}");
  auto writer = second.begin_blob();
  writer->write("{}");
  second.finish_blob(*writer, d.digest);
  EXPECT_FALSE(second.write_index_json(index_json({d}, {})));
  second.commit();
  EXPECT_EQ(second.blobs_written(), 0u);
  EXPECT_EQ(inode(layout.blob_path(d.digest)), blob_inode);
  EXPECT_EQ(inode(layout.root() / "index.json"), index_inode);
  EXPECT_EQ(read_file(layout.root() / "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
}

TEST_F(OciLayoutTest, RefusesAForeignNonEmptyFolder) {
  fs::create_directories(dir_ / "mine");
  atomic_write_file(dir_ / "mine" / "notes", "x");
  OciLayout layout(dir_ / "mine");
  EXPECT_THROW(LayoutTransaction transaction(layout), InputError);
  EXPECT_EQ(read_file(dir_ / "mine" / "notes"), "x");
  EXPECT_FALSE(fs::exists(dir_ / "mine" / "blobs"));

  atomic_write_file(dir_ / "file", "x");
  OciLayout under_file(dir_ / "file" / "layout");
  EXPECT_THROW(LayoutTransaction transaction(under_file), InputError);
}

TEST_F(OciLayoutTest, ReadBlobVerifiesTheDigest) {
  OciLayout layout(dir_ / "layout");
  LayoutTransaction transaction(layout);
  auto d = transaction.put_blob(media_type::kOciConfig, "{}");
  transaction.commit();
  EXPECT_EQ(layout.read_blob(d), "{}");
  atomic_write_file(layout.blob_path(d.digest), "{ ");  // same size, other bytes
  EXPECT_THROW(layout.read_blob(d), RuntimeError);
  Descriptor wrong_size = d;
  wrong_size.size = 3;
  EXPECT_THROW(layout.read_blob(wrong_size), RuntimeError);
}

TEST_F(OciLayoutTest, CollectsBlobsTheIndexNoLongerReaches) {
  OciLayout layout(dir_ / "layout");
  LayoutTransaction transaction(layout);
  auto config = transaction.put_blob(media_type::kOciConfig, "{}");
  auto layer = transaction.put_blob("application/vnd.oci.image.layer.v1.tar", "tar");
  auto manifest =
      transaction.put_blob(media_type::kOciManifest, manifest_json(config, {layer}, {}));
  auto index = transaction.put_blob(media_type::kOciIndex, index_json({manifest}, {}));
  auto stale = transaction.put_blob(media_type::kOciConfig, "{\"old\":true}");
  transaction.write_index_json(index_json({index}, {}));
  transaction.commit();
  atomic_write_file(layout.root() / "blobs" / "sha256" / ".blob.tmp-1-1", "partial");

  EXPECT_EQ(reachable_descriptors(layout, layout.index_entries()).size(), 4u);
  EXPECT_EQ(remove_unreferenced_blobs(layout), 2u);
  EXPECT_FALSE(fs::exists(layout.blob_path(stale.digest)));
  for (const auto& d : {config, layer, manifest, index}) EXPECT_TRUE(layout.has_blob(d));
}

}  // namespace
}  // namespace multiarch
