// examples/monorepo/Makefile's `docker-deployx`, the seed's make target done by multiarch,
// run by real make against a real registry with the machine's current buildx builder.
#include <gtest/gtest.h>

#include "buildkitd.hpp"
#include "buildx_support.hpp"
#include "registry.hpp"

namespace multiarch::test {
namespace {

TEST(DockerDeployx, SeedVariablesPushAMultiPlatformImage) {
  MULTIARCH_REQUIRE_TOOL("make", "apt-get install make", "MULTIARCH_SKIP_BUILD_TOOLS");
  MULTIARCH_REQUIRE_BUILDX(false);
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("qemu-aarch64-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  Registry registry;
  ASSERT_TRUE(registry.start());
  TempDir dir;
  auto deployx = [&] {
    return run({"make", "-C", example_module().string(), "docker-deployx", "SERVICE=order",
                "VERSION=mk1", "REGISTER=" + registry.host(), "REPOSITORY=multiarch-test",
                "MULTIARCH=" + multiarch_binary().string(), "BIN_DIR=" + (dir / "bin").string()});
  };
  auto made = deployx();
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  // multiarch buildx prints the pushed index digest on a line of its own.
  std::string digest;
  for (size_t at = made.out.find("\nsha256:"); at != std::string::npos;
       at = made.out.find("\nsha256:", at + 1))
    digest = made.out.substr(at + 1, 7 + 64);
  auto index = registry_index(registry, "multiarch-test/order", "mk1");
  EXPECT_EQ(index.digest, digest) << made.out;
  EXPECT_EQ(index.platforms, (std::set<std::string>{"linux/arm64", "linux/amd64"}));
  EXPECT_NE(pull_and_print_platform(registry.host() + "/multiarch-test/order:mk1", "linux/arm64")
                .find("order GOOS=linux GOARCH=arm64 GOARM64=v8.0 platform=linux/arm64 "
                      "version=mk1"),
            std::string::npos);

  // Typed again with nothing changed: go-build finds both platforms up to date (no go build)
  // and the same index is pushed again.
  auto again = deployx();
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.err.find("2 up to date"), std::string::npos) << again.err;
  EXPECT_EQ(registry_index(registry, "multiarch-test/order", "mk1").digest, digest);
}

TEST(DockerDeployx, MissingVariablesAndUnknownServicesAreClearErrors) {
  MULTIARCH_REQUIRE_TOOL("make", "apt-get install make", "MULTIARCH_SKIP_BUILD_TOOLS");
  auto no_registry = run({"make", "-C", example_module().string(), "docker-deployx",
                          "MULTIARCH=" + multiarch_binary().string()});
  EXPECT_NE(no_registry.exit_code, 0);
  EXPECT_NE(no_registry.err.find("set REGISTER=host[:port]"), std::string::npos) << no_registry.err;
  auto unknown =
      run({"make", "-C", example_module().string(), "docker-deployx", "SERVICE=nope",
           "REGISTER=127.0.0.1:1", "REPOSITORY=x", "MULTIARCH=" + multiarch_binary().string()});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("SERVICE=nope: no application/nope/cmd/nope"), std::string::npos)
      << unknown.err;
}

}  // namespace
}  // namespace multiarch::test
