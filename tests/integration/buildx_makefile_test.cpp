// examples/monorepo/Makefile's `docker-deployx`, the seed's make target done by multiarch,
// run by real make against a real registry with the machine's current buildx builder.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <thread>

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

// The service's config folder and arguments (deploy/user.env, or FILES and ARGS on the command
// line): the pushed image starts and reads its config, where without them it stops at start.
std::string run_until_config_logged(const std::string& reference) {
  auto pulled = run({"docker", "pull", "--platform", "linux/amd64", reference});
  EXPECT_EQ(pulled.exit_code, 0) << pulled.err;
  auto started = run({"docker", "run", "-d", "--platform", "linux/amd64", reference});
  EXPECT_EQ(started.exit_code, 0) << started.err;
  std::string id = started.out.substr(0, started.out.find('\n'));
  std::string logs;
  for (int i = 0; i < 100 && logs.find("listening on") == std::string::npos &&
                  logs.find("config:") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto got = run({"docker", "logs", id});
    logs = got.out + got.err;
  }
  run({"docker", "rm", "--force", id});
  run({"docker", "image", "rm", "--force", reference});
  std::cout << "docker run " << reference << ":\n" << logs;
  return logs;
}

TEST(DockerDeployx, FilesAndArgsStartTheServiceWithItsConfig) {
  MULTIARCH_REQUIRE_TOOL("make", "apt-get install make", "MULTIARCH_SKIP_BUILD_TOOLS");
  MULTIARCH_REQUIRE_BUILDX(false);
  MULTIARCH_REQUIRE_REGISTRY();
  Registry registry;
  ASSERT_TRUE(registry.start());
  TempDir dir;
  auto deployx = [&](const std::string& version, std::vector<std::string> extra) {
    std::vector<std::string> argv = {"make",
                                     "-C",
                                     example_module().string(),
                                     "docker-deployx",
                                     "SERVICE=user",
                                     "VERSION=" + version,
                                     "ARM64=",
                                     "REGISTER=" + registry.host(),
                                     "REPOSITORY=multiarch-test",
                                     "MULTIARCH=" + multiarch_binary().string(),
                                     "BIN_DIR=" + (dir / "bin").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv);
  };
  std::string image = registry.host() + "/multiarch-test/user:";

  // deploy/user.env: FILES = application/user/configs:/data/conf, ARGS = -conf /data/conf.
  auto defaults = deployx("conf1", {});
  ASSERT_EQ(defaults.exit_code, 0) << defaults.out << defaults.err;
  EXPECT_NE(defaults.out.find("--file application/user/configs:/data/conf"), std::string::npos)
      << defaults.out;
  EXPECT_NE(run_until_config_logged(image + "conf1")
                .find("user: config /data/conf/config.yaml: greeting: hello from the user service "
                      "config"),
            std::string::npos);

  // The seed's variables on the command line win over the committed defaults.
  auto explicit_args = deployx(
      "conf2", {"FILES=application/user/configs:/etc/user", "ARGS=-conf /etc/user -addr :9090"});
  ASSERT_EQ(explicit_args.exit_code, 0) << explicit_args.out << explicit_args.err;
  std::string logs = run_until_config_logged(image + "conf2");
  EXPECT_NE(logs.find("user: config /etc/user/config.yaml: greeting"), std::string::npos) << logs;
  EXPECT_NE(logs.find("listening on :9090"), std::string::npos) << logs;

  // Without its config folder the service stops at start, as the image did.
  auto no_files = deployx("conf3", {"FILES="});
  ASSERT_EQ(no_files.exit_code, 0) << no_files.out << no_files.err;
  EXPECT_NE(run_until_config_logged(image + "conf3")
                .find("config: open /data/conf/config.yaml: no such file or directory"),
            std::string::npos);
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

// TEST=1: the binaries go-build wrote run on each platform's minimum CPU before buildx; a
// failing platform stops make before anything is pushed.
TEST(DockerDeployx, TestOneStopsBeforeThePushWhenAPlatformFails) {
  MULTIARCH_REQUIRE_TOOL("make", "apt-get install make", "MULTIARCH_SKIP_BUILD_TOOLS");
  if (!require_sandbox()) return;
  MULTIARCH_REQUIRE_TOOL("qemu-aarch64-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  TempDir dir;
  auto deployx = [&](const std::string& test_flags) {
    return run({"make", "-C", example_module().string(), "docker-deployx", "SERVICE=order",
                "VERSION=mk2", "REGISTER=127.0.0.1:9", "REPOSITORY=multiarch-test", "TEST=1",
                "TEST_FLAGS=" + test_flags, "MULTIARCH=" + multiarch_binary().string(),
                "BIN_DIR=" + (dir / "bin").string()});
  };
  auto failed = deployx("--expect-output never-printed -- --print-platform");
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.out.find("0 of 2 platforms passed"), std::string::npos) << failed.out;
  EXPECT_EQ(failed.out.find(" buildx "), std::string::npos) << "buildx ran:\n" << failed.out;
  // Passing, make goes on to buildx (whose push to a closed port fails: not tested here).
  auto passed = deployx("--expect-output platform=linux/ -- --print-platform");
  EXPECT_NE(passed.out.find("2 of 2 platforms passed"), std::string::npos) << passed.out;
  EXPECT_NE(passed.out.find(" buildx "), std::string::npos) << passed.out;
}

}  // namespace
}  // namespace multiarch::test
