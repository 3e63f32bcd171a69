// Bad input to `multiarch image`: one clear line naming the input, exit code 2, and no layout
// left behind; an existing good layout stays exactly as it was.
#include <gtest/gtest.h>

#include <filesystem>

#include "image_test_support.hpp"

namespace multiarch::test {
namespace {

namespace fs = std::filesystem;

class ImageBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    binaries_ = example_binaries();
    ASSERT_FALSE(binaries_.empty());
  }

  /// Runs assemble into a fresh folder and into a copy of a good layout: both must fail with
  /// exit 2 and `expected` in the one-line message, creating nothing and changing nothing.
  void expect_refused(const std::vector<std::string>& inputs, const std::string& expected) {
    TempDir dir;
    auto good = dir / "good";
    auto made = run_multiarch({"image", "assemble", "--binaries-dir", binaries_.string(), "--name",
                               "user", "--platform", "linux/amd64", "--output", good.string(),
                               "--source-date-epoch", "1"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    auto before = snapshot(good);

    for (const auto& output : {dir / "fresh" / "layout", good}) {
      std::vector<std::string> args = {
          "image", "assemble", "--output", output.string(), "--source-date-epoch", "2"};
      args.insert(args.end(), inputs.begin(), inputs.end());
      auto result = run_multiarch(args);
      EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
      EXPECT_NE(result.err.find(expected), std::string::npos) << result.err;
      EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
      EXPECT_TRUE(result.out.empty()) << result.out;
    }
    EXPECT_FALSE(fs::exists(dir / "fresh")) << "a failed assemble left a folder behind";
    EXPECT_EQ(snapshot(good), before) << "a failed assemble changed the previous layout";
  }

  fs::path binaries_;
};

TEST_F(ImageBadInput, MissingBinary) {
  expect_refused({"--binaries-dir", binaries_.string(), "--name", "user", "--platform",
                  "linux/amd64", "--platform", "linux/s390x"},
                 "binary for linux/s390x: " + (binaries_ / "linux_s390x" / "user").string() +
                     " does not exist");
}

TEST_F(ImageBadInput, BinaryForTheWrongArchitecture) {
  auto amd64 = (binaries_ / "linux_amd64" / "user").string();
  expect_refused({"--binary", "linux/amd64=" + amd64, "--binary", "linux/arm64=" + amd64},
                 "linux/arm64");
  // The message says what the file is and what the platform needs.
  TempDir dir;
  auto result = run_multiarch(
      {"image", "assemble", "--output", (dir / "o").string(), "--binary", "linux/arm64=" + amd64});
  EXPECT_NE(result.err.find("x86-64"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("aarch64"), std::string::npos) << result.err;
}

TEST_F(ImageBadInput, Arm64BinaryLabelledArmV7) {
  // A 64-bit ARM binary is not a 32-bit ARM image, though both are "arm".
  auto arm64 = (binaries_ / "linux_arm64" / "user").string();
  expect_refused({"--binary", "linux/arm/v7=" + arm64}, "linux/arm/v7");
}

TEST_F(ImageBadInput, UnknownPlatform) {
  expect_refused({"--binary", "linux/sparc99=" + (binaries_ / "linux_amd64" / "user").string()},
                 "linux/sparc99");
}

TEST_F(ImageBadInput, InvalidTag) {
  expect_refused({"--binaries-dir", binaries_.string(), "--name", "user", "--platform",
                  "linux/amd64", "--tag", "-bad:tag!"},
                 "--tag \"-bad:tag!\"");
  expect_refused({"--binaries-dir", binaries_.string(), "--name", "user", "--platform",
                  "linux/amd64", "--tag", ".hidden"},
                 "--tag \".hidden\"");
  expect_refused({"--binaries-dir", binaries_.string(), "--name", "user", "--platform",
                  "linux/amd64", "--tag", "Registry.example/Team/User:1"},
                 "lower-case");
}

TEST_F(ImageBadInput, UnwritableOutputFolder) {
  TempDir dir;
  atomic_write_file(dir / "a-file", "not a folder\n");
  auto output = dir / "a-file" / "layout";
  auto result = run_multiarch({"image", "assemble", "--binaries-dir", binaries_.string(), "--name",
                               "user", "--platform", "linux/amd64", "--output", output.string()});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find(output.string()), std::string::npos) << result.err;
  EXPECT_EQ(read_file(dir / "a-file"), "not a folder\n");

  // A non-empty folder that is not a layout is not taken over.
  fs::create_directories(dir / "mine");
  atomic_write_file(dir / "mine" / "notes.txt", "keep\n");
  auto taken =
      run_multiarch({"image", "assemble", "--binaries-dir", binaries_.string(), "--name", "user",
                     "--platform", "linux/amd64", "--output", (dir / "mine").string()});
  EXPECT_EQ(taken.exit_code, 2) << taken.err;
  EXPECT_NE(taken.err.find("not an OCI layout"), std::string::npos) << taken.err;
  EXPECT_EQ(snapshot(dir / "mine").size(), 1u);
}

TEST_F(ImageBadInput, BaseWithoutThePlatform) {
  TempDir dir;
  auto base = dir / "base";
  auto made = run_multiarch({"image", "assemble", "--binaries-dir", binaries_.string(), "--name",
                             "order", "--platform", "linux/amd64", "--output", base.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  expect_refused({"--binaries-dir", binaries_.string(), "--name", "user", "--platform",
                  "linux/amd64,linux/arm64", "--base", base.string()},
                 "has no image for linux/arm64 (it has: linux/amd64)");
}

TEST_F(ImageBadInput, OtherFlagsNameTheirInput) {
  auto amd64 = "linux/amd64=" + (binaries_ / "linux_amd64" / "user").string();
  expect_refused({"--binary", amd64, "--compression", "brotli"}, "--compression \"brotli\"");
  expect_refused({"--binary", amd64, "--tz", "Mars/Olympus"}, "--tz \"Mars/Olympus\"");
  expect_refused({"--binary", amd64, "--port", "70000"}, "--port \"70000\"");
  expect_refused({"--binary", amd64, "--file", "/no/such/file:/etc/x"}, "--file /no/such/file");
  // Issue 17 item 12: a missing --ca-bundle is named as such, not as a --file.
  expect_refused({"--binary", amd64, "--ca-certs", "--ca-bundle", "/nonexistent.pem"},
                 "--ca-bundle /nonexistent.pem: no such file");
  expect_refused({"--binary", amd64, "--binary-path", "relative/path"}, "--binary-path");
  expect_refused({"--binary", amd64, "--source-date-epoch", "yesterday"},
                 "--source-date-epoch \"yesterday\"");
}

}  // namespace
}  // namespace multiarch::test

namespace multiarch::test {
namespace {

TEST(ImageCli, HelpUnknownActionsAndMissingTools) {
  for (const std::string action : {"assemble", "load", "push", "inspect"}) {
    auto help = run_multiarch({"image", action, "--help"});
    EXPECT_EQ(help.exit_code, 0) << action << help.err;
    EXPECT_NE(help.out.find("multiarch image " + action), std::string::npos) << help.out;
  }
  auto unknown = run_multiarch({"image", "build"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown action \"build\""), std::string::npos) << unknown.err;
  auto no_output = run_multiarch({"image", "assemble", "--binary", "linux/amd64=/bin/true"});
  EXPECT_EQ(no_output.exit_code, 2);
  EXPECT_NE(no_output.err.find("--output DIR is required"), std::string::npos) << no_output.err;

  // A layout to push, then a skopeo that is not there: the error names the Debian package.
  TempDir dir;
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  auto made =
      run_multiarch({"image", "assemble", "--binaries-dir", binaries.string(), "--name", "user",
                     "--platform", "linux/amd64", "--output", (dir / "layout").string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto push = run_multiarch({"image", "push", "--layout", (dir / "layout").string(), "--to",
                             "127.0.0.1:1/x:1", "--pusher", "skopeo", "--skopeo",
                             (dir / "no-skopeo").string()});
  EXPECT_EQ(push.exit_code, 1);
  EXPECT_NE(push.err.find("apt-get install skopeo"), std::string::npos) << push.err;
  auto bad_to = run_multiarch(
      {"image", "push", "--layout", (dir / "layout").string(), "--to", "127.0.0.1:1/X:1"});
  EXPECT_EQ(bad_to.exit_code, 2);
  EXPECT_NE(bad_to.err.find("--to \"127.0.0.1:1/X:1\""), std::string::npos) << bad_to.err;
  auto not_layout = run_multiarch({"image", "inspect", "--layout", dir.path().string()});
  EXPECT_EQ(not_layout.exit_code, 2);
  EXPECT_NE(not_layout.err.find("not an OCI image layout"), std::string::npos) << not_layout.err;
}

}  // namespace
}  // namespace multiarch::test
