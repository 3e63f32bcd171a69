// Which foreign platforms run, read from a fake binfmt_misc folder.
#include "doctor/binfmt.hpp"

#include <gtest/gtest.h>

#include "buildx_test_support.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {
using test::write_file;

const Platform kHost{"linux", "amd64", ""};

std::string entry(bool enabled, const std::string& interpreter, const std::string& flags) {
  return std::string(enabled ? "enabled" : "disabled") + "\ninterpreter " + interpreter +
         "\nflags: " + flags + "\noffset 0\nmagic 7f454c46\nmask ffffffff\n";
}

class BinfmtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = work_.path() / "binfmt_misc";
    write_file(root_ / "status", "enabled\n");
    write_file(root_ / "register", "");
    write_file(root_ / "qemu-aarch64", entry(true, "/usr/bin/qemu-aarch64-static", "FP"));
    write_file(root_ / "qemu-arm", entry(true, "/usr/libexec/qemu-binfmt/arm-binfmt-P", "P"));
    write_file(root_ / "qemu-s390x", entry(false, "/usr/bin/qemu-s390x-static", "FP"));
  }
  RunSupport support(const std::string& arch, const std::string& variant = "") {
    return run_support(read_binfmt(root_), kHost, Platform{"linux", arch, variant});
  }
  WorkDir work_;
  std::filesystem::path root_;
};

TEST_F(BinfmtTest, ReadsHandlers) {
  auto state = read_binfmt(root_);
  EXPECT_TRUE(state.mounted);
  EXPECT_TRUE(state.enabled);
  ASSERT_EQ(state.handlers.size(), 3u);
  ASSERT_NE(state.find("qemu-aarch64"), nullptr);
  EXPECT_TRUE(state.find("qemu-aarch64")->fix_binary());
  EXPECT_FALSE(state.find("qemu-arm")->fix_binary());
  EXPECT_FALSE(state.find("qemu-s390x")->enabled);
}

TEST_F(BinfmtTest, NativeAndIa32RunWithoutEmulation) {
  EXPECT_EQ(support("amd64", "v3").mode, RunMode::native);
  auto i386 = support("386");
  EXPECT_EQ(i386.mode, RunMode::native);
  EXPECT_TRUE(i386.in_containers);
}

TEST_F(BinfmtTest, EmulatedWithTheFixBinaryFlagRunsInContainers) {
  auto arm64 = support("arm64");
  EXPECT_EQ(arm64.mode, RunMode::emulated);
  EXPECT_EQ(arm64.handler, "qemu-aarch64");
  EXPECT_TRUE(arm64.in_containers);
  EXPECT_TRUE(arm64.problem.empty());
}

TEST_F(BinfmtTest, WithoutTheFlagOnlyOnTheHost) {
  auto arm = support("arm", "v6");
  EXPECT_EQ(arm.mode, RunMode::emulated);
  EXPECT_FALSE(arm.in_containers);
  EXPECT_NE(arm.problem.find("F flag"), std::string::npos);
  EXPECT_NE(arm.fix.find("qemu-arm"), std::string::npos);
}

TEST_F(BinfmtTest, DisabledHandlerSaysHowToEnableIt) {
  auto s390x = support("s390x");
  EXPECT_EQ(s390x.mode, RunMode::unavailable);
  EXPECT_EQ(s390x.problem, "the binfmt_misc handler qemu-s390x is disabled");
  EXPECT_EQ(s390x.fix, "echo 1 > " + (root_ / "qemu-s390x").string());
}

TEST_F(BinfmtTest, MissingHandlerNamesThePackages) {
  auto riscv = support("riscv64");
  EXPECT_EQ(riscv.mode, RunMode::unavailable);
  EXPECT_EQ(riscv.fix,
            "apt-get install qemu-user-static binfmt-support && update-binfmts --enable "
            "qemu-riscv64");
}

TEST_F(BinfmtTest, DisabledOrUnmountedBinfmtMisc) {
  write_file(root_ / "status", "disabled\n");
  EXPECT_EQ(support("arm64").fix, "echo 1 > " + (root_ / "status").string());
  auto unmounted = run_support(read_binfmt(root_ / "nothing"), kHost, {"linux", "arm64", ""});
  EXPECT_EQ(unmounted.mode, RunMode::unavailable);
  EXPECT_NE(unmounted.fix.find("mount -t binfmt_misc"), std::string::npos);
}

TEST(QemuHandlerName, QemuSpellings) {
  EXPECT_EQ(qemu_handler_name({"linux", "arm64", ""}), "qemu-aarch64");
  EXPECT_EQ(qemu_handler_name({"linux", "arm", "v6"}), "qemu-arm");
  EXPECT_EQ(qemu_handler_name({"linux", "mips64le", ""}), "qemu-mips64el");
  EXPECT_EQ(qemu_handler_name({"linux", "loong64", ""}), "qemu-loongarch64");
  EXPECT_EQ(qemu_handler_name({"linux", "wasm", ""}), "");
}

}  // namespace
}  // namespace multiarch
