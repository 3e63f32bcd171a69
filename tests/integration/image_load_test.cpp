// `multiarch image load` into the real Docker engine, then `docker run --platform` of the
// foreign platforms under QEMU (binfmt_misc handlers with the F flag, scripts/setup-test-env).
#include <gtest/gtest.h>
#include <unistd.h>

#include <random>

#include "image_test_support.hpp"
#include "platform/platform.hpp"

namespace multiarch::test {
namespace {

/// A docker image name no other test run uses, removed at the end.
class ScopedDockerImage {
 public:
  ScopedDockerImage() {
    std::random_device random;
    reference_ = "multiarch-test/image-load-" + std::to_string(getpid()) + "-" +
                 std::to_string(random() % 100000) + ":t";
  }
  ~ScopedDockerImage() { run({"docker", "rmi", "--force", reference_}); }
  const std::string& reference() const { return reference_; }

 private:
  std::string reference_;
};

TEST(ImageLoad, ForeignPlatformsRunUnderQemu) {
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER");
  MULTIARCH_REQUIRE_TOOL("qemu-aarch64-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = dir / "layout";
  auto made = run_multiarch({"image", "assemble", "--binaries-dir", binaries.string(), "--name",
                             "user", "--output", layout.string(), "--source-date-epoch", "3"});
  ASSERT_EQ(made.exit_code, 0) << made.err;

  for (const auto& [platform, expected] : std::vector<std::pair<std::string, std::string>>{
           {"linux/arm64", "GOARCH=arm64 GOARM64=v8.0 platform=linux/arm64 version=test"},
           {"linux/arm/v7", "GOARCH=arm GOARM=7 platform=linux/arm/v7 version=test"},
           {"linux/amd64", "GOARCH=amd64 GOAMD64=v1 platform=linux/amd64 version=test"}}) {
    SCOPED_TRACE(platform);
    ScopedDockerImage image;
    auto loaded = run_multiarch({"image", "load", "--layout", layout.string(), "--platform",
                                 platform, "--tag", image.reference()});
    ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
    EXPECT_EQ(loaded.out, "Loaded image: " + image.reference() + "\n");

    auto inspected =
        run({"docker", "image", "inspect", "--format",
             "{{.Os}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}}", image.reference()});
    EXPECT_EQ(inspected.out, platform + "\n") << inspected.err;
    auto ran = run(
        {"docker", "run", "--rm", "--platform", platform, image.reference(), "-print-platform"});
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
    EXPECT_NE(ran.out.find(expected), std::string::npos) << ran.out;
  }
}

TEST(ImageLoad, DefaultsToTheHostPlatformAndTheLayoutName) {
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = dir / "layout";
  std::string reference = "multiarch-test/default-" + std::to_string(getpid()) + ":v1";
  auto made =
      run_multiarch({"image", "assemble", "--binaries-dir", binaries.string(), "--name", "user",
                     "--output", layout.string(), "--tag", reference, "--source-date-epoch", "3"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto dry = run_multiarch({"image", "load", "--layout", layout.string(), "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  std::string host = host_platform().str();
  EXPECT_EQ(dry.out.rfind("docker load  < docker-archive of " + host, 0), 0u) << dry.out;

  auto loaded = run_multiarch({"image", "load", "--layout", layout.string()});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_EQ(loaded.out, "Loaded image: " + reference + "\n");
  auto ran = run({"docker", "run", "--rm", reference, "-print-platform"});
  run({"docker", "rmi", "--force", reference});
  EXPECT_NE(ran.out.find("platform=" + host), std::string::npos) << ran.out << ran.err;

  auto missing =
      run_multiarch({"image", "load", "--layout", layout.string(), "--platform", "linux/s390x"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no linux/s390x manifest"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace multiarch::test
