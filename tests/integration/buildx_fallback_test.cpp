// `multiarch buildx` where no multi-platform builder exists: Docker 20.10's default builder
// (docker driver, classic image store) and no buildx plugin at all (the legacy builder). The
// same image must come out: pushed as one index to a real registry and run under QEMU, or
// merged into an OCI layout that skopeo verifies.
#include <gtest/gtest.h>

#include "buildkitd.hpp"
#include "buildx_support.hpp"
#include "image_test_support.hpp"
#include "registry.hpp"

namespace multiarch::test {
namespace {

/// An empty docker config folder: the CLI finds no buildx plugin there (nor in the system
/// plugin folders on this kind of machine), so multiarch must fall back to `docker build`.
std::map<std::string, std::string> without_buildx(const TempDir& dir) {
  std::filesystem::create_directories(dir / "docker-config");
  return {{"DOCKER_CONFIG", (dir / "docker-config").string()}};
}

TEST(BuildxFallback, DockerDriverPushesEachPlatformAndJoinsThemWithImagetools) {
  MULTIARCH_REQUIRE_BUILDX(false);
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("qemu-arm-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  Registry registry;
  ASSERT_TRUE(registry.start());
  const std::string reference = registry.host() + "/multiarch-test/user:docker-driver";
  auto pushed =
      run_multiarch({"buildx", "--generate", "--binaries-dir", binaries.string(), "--name", "user",
                     "--builder", "default", "--tag", reference, "--push"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_NE(pushed.err.find("strategy per-platform-push: builder \"default\" (driver docker) "
                            "cannot export a multi-platform image"),
            std::string::npos)
      << pushed.err;
  auto index = registry_index(registry, "multiarch-test/user", "docker-driver");
  EXPECT_EQ(index.digest, trimmed(pushed.out));
  EXPECT_EQ(index.platforms, three_platforms()) << index.json.dump(2);
  EXPECT_NE(pull_and_print_platform(reference, "linux/arm/v7")
                .find("GOARCH=arm GOARM=7 platform=linux/arm/v7 version=test"),
            std::string::npos);
}

TEST(BuildxFallback, DockerDriverLayoutIsMergedByMultiarch) {
  MULTIARCH_REQUIRE_BUILDX(false);
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = dir / "layout";
  auto built =
      run_multiarch({"buildx", "--generate", "--binaries-dir", binaries.string(), "--name", "user",
                     "--builder", "default", "--output-layout", layout.string(), "--tz", "UTC"});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_NE(built.err.find("strategy per-platform-merge"), std::string::npos) << built.err;
  EXPECT_EQ(layout_platforms(layout, "latest"), three_platforms());
  auto copied = skopeo_verify(layout, "latest", dir / "copy");
  EXPECT_EQ(copied.exit_code, 0) << copied.err;
  // This run's staging images (one per platform, named in its log) are gone from the engine.
  // (Other tests running at the same time have their own.)
  const std::string removal = "+ docker image rm --force ";
  int staged = 0;
  for (auto at = built.err.find(removal); at != std::string::npos;
       at = built.err.find(removal, at + 1)) {
    auto image =
        built.err.substr(at + removal.size(), built.err.find('\n', at) - at - removal.size());
    ++staged;
    EXPECT_NE(run({"docker", "image", "inspect", image}).exit_code, 0) << image << " remains";
  }
  EXPECT_EQ(staged, 3) << built.err;
}

TEST(BuildxFallback, WithoutBuildxTheLegacyBuilderPushesOneIndex) {
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER");
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("qemu-aarch64-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto env = without_buildx(dir);
  ASSERT_FALSE(run({"docker", "buildx", "version"}, {}, env).ok()) << "buildx still found";
  Registry registry;
  ASSERT_TRUE(registry.start());
  const std::string reference = registry.host() + "/multiarch-test/user:legacy";
  auto pushed = run_multiarch({"buildx", "--generate", "--binaries-dir", binaries.string(),
                               "--name", "user", "--tag", reference, "--push", "--ca-certs"},
                              {}, env);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_NE(pushed.err.find("strategy docker-build: docker buildx is not installed"),
            std::string::npos)
      << pushed.err;
  EXPECT_NE(pushed.err.find("DOCKER_BUILDKIT=0 docker build --platform linux/arm/v7"),
            std::string::npos);
  auto index = registry_index(registry, "multiarch-test/user", "legacy");
  EXPECT_EQ(index.digest, trimmed(pushed.out));
  EXPECT_EQ(index.platforms, three_platforms()) << index.json.dump(2);
  EXPECT_NE(pull_and_print_platform(reference, "linux/arm64", env)
                .find("GOARCH=arm64 GOARM64=v8.0 platform=linux/arm64 version=test"),
            std::string::npos);
}

TEST(BuildxFallback, WithoutBuildxTheLegacyBuilderWritesAVerifiedLayout) {
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER");
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = dir / "layout";
  auto built =
      run_multiarch({"buildx", "--generate", "--binaries-dir", binaries.string(), "--name", "order",
                     "--output-layout", layout.string(), "--tag", "example.com/team/order:3"},
                    {}, without_buildx(dir));
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_NE(built.err.find("strategy docker-build"), std::string::npos) << built.err;
  EXPECT_EQ(layout_platforms(layout, "3"), three_platforms());
  auto copied = skopeo_verify(layout, "3", dir / "copy");
  EXPECT_EQ(copied.exit_code, 0) << copied.err;
}

}  // namespace
}  // namespace multiarch::test
