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

std::string elf64_with_interp(const std::string& interp) {
  std::string bytes(0x200, '\0');
  bytes.replace(0, 4,
                "\x7f"
                "ELF");
  bytes[4] = 2;      // ELFCLASS64
  bytes[5] = 1;      // little endian
  bytes[32] = 0x40;  // e_phoff
  bytes[54] = 56;    // e_phentsize
  bytes[56] = 1;     // e_phnum
  bytes[0x40] = 3;   // PT_INTERP
  bytes[0x40 + 9] = 1;  // p_offset 0x100
  bytes[0x40 + 32] = static_cast<char>(interp.size() + 1);
  bytes.replace(0x100, interp.size(), interp);
  return bytes;
}

TEST(ElfInterpreter, ReadsPtInterp) {
  EXPECT_EQ(elf_interpreter(elf64_with_interp("/lib/ld-musl-aarch64.so.1")),
            "/lib/ld-musl-aarch64.so.1");
  std::string no_interp = elf64_with_interp("/x");
  no_interp[0x40] = 1;  // PT_LOAD
  EXPECT_FALSE(elf_interpreter(no_interp).has_value());
  EXPECT_FALSE(elf_interpreter("#!/bin/sh\n").has_value());
}

}  // namespace
}  // namespace multiarch
