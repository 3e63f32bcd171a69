// The single-pass layer build agrees with a slow, separate computation of each value.
#include "image/layer_builder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

class LayerBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("multiarch-layer-test-" + std::to_string(std::random_device()()));
    std::filesystem::create_directories(dir_);
    // 3.5 chunks of binary-like bytes: runs, text and noise.
    std::string binary;
    uint32_t state = 7;
    while (binary.size() < 3 * kLayerChunkSize + kLayerChunkSize / 2) {
      state = state * 1664525u + 1013904223u;
      if (state % 5 == 0)
        binary += "runtime.goexit";
      else
        binary += static_cast<char>(state >> 24);
    }
    atomic_write_file(dir_ / "service", binary);
    LayerFile exe;
    exe.path = "/app/service";
    exe.mode = 0755;
    exe.source = dir_ / "service";
    LayerFile config;
    config.path = "/etc/app.yaml";
    config.content = "addr: :8080\n";
    plan_ = plan_layer({exe, config});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  LayerPlan plan_;
};

TEST_F(LayerBuilderTest, DigestsMatchASeparateComputation) {
  StringSink tar;
  write_layer_tar(plan_, 42, tar);
  for (auto compression : {Compression::gzip, Compression::zstd, Compression::none}) {
    SCOPED_TRACE(std::string(compression_name(compression)));
    StringSink blob;
    auto built =
        build_layer(plan_, {42, compression, default_compression_level(compression)}, blob);
    EXPECT_EQ(built.diff_id, "sha256:" + sha256_hex(tar.bytes));
    EXPECT_EQ(built.tar_size, tar.bytes.size());
    EXPECT_EQ(built.blob.digest, "sha256:" + sha256_hex(blob.bytes));
    EXPECT_EQ(built.blob.size, blob.bytes.size());
    EXPECT_EQ(built.blob.media_type, layer_media_type(compression));
    StringSink back;
    decompress(compression, blob.bytes, back);
    EXPECT_EQ(back.bytes, tar.bytes);
    // The same again: identical.
    StringSink again;
    build_layer(plan_, {42, compression, default_compression_level(compression)}, again);
    EXPECT_EQ(again.bytes, blob.bytes);
  }
}

TEST_F(LayerBuilderTest, TarHoldsTheEntriesInOrder) {
  StringSink tar;
  write_layer_tar(plan_, 0, tar);
  EXPECT_EQ(tar.bytes.substr(0, 4), "app/");
  EXPECT_EQ(tar.bytes.substr(512, 11), "app/service");
  EXPECT_EQ(tar.bytes.size() % 512, 0u);
}

TEST_F(LayerBuilderTest, AMissingSourceIsAnError) {
  std::filesystem::remove(dir_ / "service");
  StringSink blob;
  EXPECT_THROW(build_layer(plan_, {}, blob), RuntimeError);
}

TEST_F(LayerBuilderTest, AFailingBlobSinkStopsTheBuild) {
  struct Failing : ByteSink {
    using ByteSink::write;
    void write(const void*, size_t) override { throw RuntimeError("disk full"); }
  } failing;
  EXPECT_THROW(build_layer(plan_, {0, Compression::zstd, 3}, failing), RuntimeError);
}

}  // namespace
}  // namespace multiarch
