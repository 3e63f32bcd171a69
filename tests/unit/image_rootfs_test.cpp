// An image's file system on disk: layers applied with whiteouts, lookups and folders made
// inside the root, and what a layer may not do (reach the host's files through a link).
#include "publish/image_rootfs.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "oci/tar_writer.hpp"
#include "support/temp_dir.hpp"
#include "util/byte_sink.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {
namespace fs = std::filesystem;

/// /usr/lib/ld.so, /app/service, /lib -> usr/lib, /app/loader -> /lib/ld.so and a link that
/// climbs above the root.
class Root : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(root() / "usr/lib");
    fs::create_directories(root() / "app");
    std::ofstream(root() / "usr/lib/ld.so") << "x";
    std::ofstream(root() / "app/service") << "x";
    fs::create_directory_symlink("usr/lib", root() / "lib");
    fs::create_symlink("/lib/ld.so", root() / "app/loader");
    fs::create_symlink("../../../../../usr/lib/ld.so", root() / "app/climb");
  }
  fs::path root() const { return dir_ / "root"; }
  test::TempDir dir_;
};

TEST_F(Root, ResolveFollowsLinksInsideTheRoot) {
  EXPECT_EQ(resolve_in_root(root(), "/app/service"), root() / "app/service");
  EXPECT_EQ(resolve_in_root(root(), "/lib/ld.so"), root() / "usr/lib/ld.so");
  EXPECT_EQ(resolve_in_root(root(), "/app/loader"), root() / "usr/lib/ld.so");
  // ".." stops at the root, as in a chroot: the host's /usr/lib/ld.so is never reached.
  EXPECT_EQ(resolve_in_root(root(), "/app/climb"), root() / "usr/lib/ld.so");
  EXPECT_FALSE(resolve_in_root(root(), "/lib64/ld-linux-x86-64.so.2").has_value());
}

TEST_F(Root, MakeDirectoriesStaysInsideTheRoot) {
  EXPECT_EQ(make_directories_in_root(root(), "/srv/data"), root() / "srv/data");
  EXPECT_TRUE(fs::is_directory(root() / "srv/data"));
  // Through an absolute link: made where the link points inside the root.
  EXPECT_EQ(make_directories_in_root(root(), "/lib/app"), root() / "usr/lib/app");
  // A link to a host folder is followed inside the root only.
  fs::create_directories(dir_ / "host");
  fs::create_directory_symlink(dir_ / "host", root() / "escape");
  auto made = make_directories_in_root(root(), "/escape/x");
  EXPECT_FALSE(fs::exists(dir_ / "host" / "x"));
  if (made) {
    EXPECT_EQ(made->string().rfind(root().string(), 0), 0u) << *made;
  }
  // A file on the way is no folder.
  EXPECT_FALSE(make_directories_in_root(root(), "/app/service/x").has_value());
}

/// A layout with one blob per layer given as tar entries (name, type, content or target).
struct Layer {
  std::vector<std::pair<TarEntry, std::string>> entries;
  Layer& file(const std::string& path, const std::string& content, uint32_t mode = 0644) {
    entries.push_back({TarEntry{path, TarEntry::Type::file, mode, content.size(), ""}, content});
    return *this;
  }
  Layer& dir(const std::string& path) {
    entries.push_back({TarEntry{path, TarEntry::Type::directory, 0755, 0, ""}, ""});
    return *this;
  }
  Layer& link(const std::string& path, const std::string& target) {
    entries.push_back({TarEntry{path, TarEntry::Type::symlink, 0777, 0, target}, ""});
    return *this;
  }
};

ParsedManifest write_layers(const fs::path& layout, const std::vector<Layer>& layers) {
  ParsedManifest manifest;
  for (const auto& layer : layers) {
    StringSink sink;
    TarWriter tar(sink, 0);
    for (const auto& [entry, content] : layer.entries) {
      tar.begin_entry(entry);
      tar.write_data(content.data(), content.size());
      tar.end_entry();
    }
    tar.finish();
    Descriptor d{"application/vnd.oci.image.layer.v1.tar",
                 sha256_digest(sink.bytes),
                 sink.bytes.size(),
                 std::nullopt,
                 {}};
    atomic_write_file(layout / "blobs/sha256" / d.digest.substr(7), sink.bytes);
    manifest.layers.push_back(d);
  }
  return manifest;
}

TEST(UnpackImageRootfs, AppliesLayersInOrderWithWhiteouts) {
  test::TempDir dir;
  auto manifest = write_layers(
      dir / "layout",
      {Layer()
           .dir("etc")
           .file("etc/old", "1")
           .file("etc/kept", "2")
           .dir("var")
           .file("var/a", "3")
           .file("app/service", "#!/bin/sh\n", 0755),
       Layer().file("etc/.wh.old", "").dir("var").file("var/.wh..wh..opq", "").file("var/b", "4")});
  fs::create_directories(dir / "root");
  auto stats = unpack_image_rootfs(OciLayout(dir / "layout"), manifest, dir / "root");
  EXPECT_EQ(stats.layers, 2u);
  EXPECT_FALSE(fs::exists(dir / "root/etc/old"));
  EXPECT_EQ(read_file(dir / "root/etc/kept"), "2");
  EXPECT_FALSE(fs::exists(dir / "root/var/a"));
  EXPECT_EQ(read_file(dir / "root/var/b"), "4");
  EXPECT_NE(fs::status(dir / "root/app/service").permissions() & fs::perms::owner_exec,
            fs::perms::none);
}

TEST(UnpackImageRootfs, WhiteoutsThroughALinkNeverTouchTheHost) {
  test::TempDir dir;
  fs::create_directories(dir / "host");
  std::ofstream(dir / "host/secret") << "keep me";
  std::ofstream(dir / "host/other") << "keep me too";
  auto manifest = write_layers(dir / "layout",
                               {Layer().link("home", (dir / "host").string()),
                                Layer().file("home/.wh.secret", "").file("home/.wh..wh..opq", "")});
  fs::create_directories(dir / "root");
  unpack_image_rootfs(OciLayout(dir / "layout"), manifest, dir / "root");
  EXPECT_TRUE(fs::exists(dir / "host/secret"));
  EXPECT_TRUE(fs::exists(dir / "host/other"));
}

TEST(UnpackImageRootfs, EntriesThatClimbOutAreRefused) {
  test::TempDir dir;
  auto manifest = write_layers(dir / "layout", {Layer().file("../outside", "x")});
  fs::create_directories(dir / "root");
  EXPECT_THROW(unpack_image_rootfs(OciLayout(dir / "layout"), manifest, dir / "root"),
               RuntimeError);
  EXPECT_FALSE(fs::exists(dir / "outside"));
}

}  // namespace
}  // namespace multiarch
