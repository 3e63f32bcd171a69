#include "publish/image_rootfs.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace multiarch {
namespace {
namespace fs = std::filesystem;

struct Root {
  fs::path path;
  Root() {
    path = fs::temp_directory_path() /
           ("rootfs-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path / "usr/lib");
    fs::create_directories(path / "app");
    std::ofstream(path / "usr/lib/ld.so") << "x";
    std::ofstream(path / "app/service") << "x";
    fs::create_directory_symlink("usr/lib", path / "lib");
    fs::create_symlink("/lib/ld.so", path / "app/loader");
    fs::create_symlink("../../../../../usr/lib/ld.so", path / "app/climb");
  }
  ~Root() { fs::remove_all(path); }
};

TEST(ResolveInRoot, FollowsLinksInsideTheRoot) {
  Root root;
  EXPECT_EQ(resolve_in_root(root.path, "/app/service"), root.path / "app/service");
  EXPECT_EQ(resolve_in_root(root.path, "/lib/ld.so"), root.path / "usr/lib/ld.so");
  EXPECT_EQ(resolve_in_root(root.path, "/app/loader"), root.path / "usr/lib/ld.so");
  // ".." stops at the root, as in a chroot: the host's /usr/lib/ld.so is never reached.
  EXPECT_EQ(resolve_in_root(root.path, "/app/climb"), root.path / "usr/lib/ld.so");
  EXPECT_FALSE(resolve_in_root(root.path, "/lib64/ld-linux-x86-64.so.2").has_value());
}

}  // namespace
}  // namespace multiarch
