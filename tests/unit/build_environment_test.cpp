// Parsing what docker and buildx print, and detecting the environment through a fake runner.
#include "buildx/build_environment.hpp"

#include <gtest/gtest.h>

#include "buildx/buildx_strategy.hpp"
#include "buildx_test_support.hpp"

namespace multiarch {
namespace {

using test::failed;
using test::ok;
using test::ScriptedRunner;

// Recorded from buildx v0.38.2 against Docker Engine 20.10 (its built-in BuildKit 0.8).
constexpr const char* kInspectDocker =
    "Name:          default\n"
    "Driver:        docker\n"
    "Last Activity: 2026-11-27 18:21:58 +0000 UTC\n"
    "\n"
    "Nodes:\n"
    "Name:             default\n"
    "Endpoint:         default\n"
    "Status:           running\n"
    "BuildKit version: v0.8+unknown\n"
    "Platforms:        linux/amd64, linux/386, linux/arm64, linux/riscv64, linux/ppc64le, "
    "linux/s390x, linux/arm/v7, linux/arm/v6\n";

// A remote builder on buildkitd v0.34.2 (labels and GC policy are indented sub-sections).
constexpr const char* kInspectRemote =
    "Name:          ci\n"
    "Driver:        remote\n"
    "Last Activity: 2026-11-27 18:12:51 +0000 UTC\n"
    "\n"
    "Nodes:\n"
    "Name:             ci0\n"
    "Endpoint:         unix:///run/buildkit/buildkitd.sock\n"
    "Status:           running\n"
    "BuildKit version: v0.34.2\n"
    "Platforms:        linux/amd64, linux/amd64/v2, linux/arm64*, linux/arm/v7, a/b/c/d\n"
    "Labels:\n"
    " org.mobyproject.buildkit.worker.executor:         oci\n"
    " Name:   not-a-node\n"
    "GC Policy rule#0:\n"
    " All:            false\n"
    "\n"
    "Name:             ci1\n"
    "Endpoint:         tcp://10.0.0.2:1234\n"
    "Status:           inactive\n"
    "Platforms:        linux/s390x, linux/arm64\n";

TEST(ParseBuildxInspect, DockerDriverOfDocker2010) {
  auto info = parse_buildx_inspect(kInspectDocker);
  EXPECT_EQ(info.name, "default");
  EXPECT_EQ(info.driver, "docker");
  ASSERT_EQ(info.nodes.size(), 1u);
  EXPECT_EQ(info.nodes[0].status, "running");
  EXPECT_EQ(info.nodes[0].buildkit_version, "v0.8+unknown");
  ASSERT_EQ(info.nodes[0].platforms.size(), 8u);
  EXPECT_EQ(info.nodes[0].platforms[6].str(), "linux/arm/v7");
}

TEST(ParseBuildxInspect, RemoteBuilderWithSubSectionsStarsAndUnknownPlatforms) {
  auto info = parse_buildx_inspect(kInspectRemote);
  EXPECT_EQ(info.driver, "remote");
  ASSERT_EQ(info.nodes.size(), 2u);  // the indented "Name:" of a label is not a node
  EXPECT_EQ(info.nodes[0].endpoint, "unix:///run/buildkit/buildkitd.sock");
  // linux/arm64* (set by the user) is read as linux/arm64; a/b/c/d (not a platform) is skipped.
  std::vector<std::string> first;
  for (const auto& p : info.nodes[0].platforms) first.push_back(p.str());
  EXPECT_EQ(first, (std::vector<std::string>{"linux/amd64", "linux/amd64/v2", "linux/arm64",
                                             "linux/arm/v7"}));
  EXPECT_EQ(info.nodes[1].status, "inactive");
  // The union keeps first-seen order without duplicates.
  auto all = info.platforms();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all.back().str(), "linux/s390x");
}

TEST(ParseBuildxInspect, TextWithoutDriverIsAnError) {
  EXPECT_THROW(parse_buildx_inspect("ERROR: no builder \"x\" found\n"), RuntimeError);
}

TEST(ParseBuildxVersion, ReadsTheSecondWord) {
  EXPECT_EQ(parse_buildx_version("github.com/docker/buildx v0.38.2 deadbeef\n"), "v0.38.2");
  EXPECT_EQ(parse_buildx_version("github.com/docker/buildx 0.12.1+ds1 \n"), "0.12.1+ds1");
  EXPECT_EQ(parse_buildx_version("github.com/docker/buildx v0.0.0+unknown \n"), "v0.0.0+unknown");
  EXPECT_EQ(parse_buildx_version("docker: unknown command: docker buildx\n"), "");
  EXPECT_EQ(parse_buildx_version(""), "");
}

TEST(ParseDockerInfo, ClassicAndContainerdImageStores) {
  auto classic = parse_docker_info_json(
      R"({"ServerVersion":"20.10.24+dfsg1","Driver":"fuse-overlayfs","DriverStatus":null,)"
      R"("OSType":"linux","Architecture":"x86_64"})");
  EXPECT_EQ(classic.server_version, "20.10.24+dfsg1");
  EXPECT_EQ(classic.storage_driver, "fuse-overlayfs");
  EXPECT_FALSE(classic.containerd_image_store);
  auto containerd =
      parse_docker_info_json(R"({"ServerVersion":"27.3.1","Driver":"overlayfs",)"
                             R"("DriverStatus":[["driver-type","io.containerd.snapshotter.v1"]]})");
  EXPECT_TRUE(containerd.containerd_image_store);
  EXPECT_THROW(parse_docker_info_json("Cannot connect to the Docker daemon"), RuntimeError);
  EXPECT_THROW(parse_docker_info_json(R"({"Driver":"overlay2"})"), RuntimeError);
}

TEST(ParseBuildxLs, OneObjectPerLine) {
  auto builders = parse_buildx_ls_json(
      R"({"Name":"ci","Driver":"remote","Current":false,"Nodes":[{"Name":"ci0","Status":"running",)"
      R"("Version":"v0.34.2","Platforms":["linux/amd64","linux/arm64"]}]})"
      "\n"
      R"({"Name":"default","Driver":"docker","Current":true,"Nodes":[{"Name":"default",)"
      R"("Endpoint":"default","Status":"running","Platforms":["linux/amd64"]}]})"
      "\n");
  ASSERT_EQ(builders.size(), 2u);
  EXPECT_EQ(builders[0].nodes[0].platforms.size(), 2u);
  EXPECT_FALSE(builders[0].current);
  EXPECT_TRUE(builders[1].current);
  EXPECT_EQ(builders[1].driver, "docker");
  EXPECT_THROW(parse_buildx_ls_json("NAME/NODE DRIVER\n"), RuntimeError);
}

TEST(BuildEnvironment, MultiPlatformExportDependsOnDriverAndImageStore) {
  BuildEnvironment env;
  EXPECT_FALSE(env.builder_exports_multi_platform());  // no builder
  env.builder = parse_buildx_inspect(kInspectDocker);
  env.engine = EngineInfo{"20.10.24", "overlay2", "linux", "x86_64", false};
  EXPECT_FALSE(env.builder_exports_multi_platform());
  env.engine->containerd_image_store = true;
  EXPECT_TRUE(env.builder_exports_multi_platform());
  env.builder = parse_buildx_inspect(kInspectRemote);
  env.engine.reset();
  EXPECT_TRUE(env.builder_exports_multi_platform());
  EXPECT_TRUE(env.builder_exports_oci());
}

void script_docker(ScriptedRunner& runner) {
  runner.on({"docker", "version"}, ok("28.2.2\n"));
  runner.on({"docker", "info"}, ok(R"({"ServerVersion":"20.10.24","Driver":"overlay2"})"));
  runner.on({"docker", "buildx", "version"}, ok("github.com/docker/buildx v0.38.2 abc\n"));
  runner.on({"docker", "buildx", "inspect"}, ok(kInspectDocker));
  runner.on({"docker", "buildx", "inspect", "ci"}, ok(kInspectRemote));
}

TEST(DetectBuildEnvironment, EverythingPresent) {
  ScriptedRunner runner;
  script_docker(runner);
  auto env = detect_build_environment(runner, "ci");
  EXPECT_EQ(env.docker_client_version, "28.2.2");
  ASSERT_TRUE(env.engine);
  EXPECT_EQ(env.engine->server_version, "20.10.24");
  EXPECT_EQ(env.buildx_version, "v0.38.2");
  ASSERT_TRUE(env.builder);
  EXPECT_EQ(env.builder->name, "ci");
  EXPECT_EQ(runner.calls_to({"docker", "buildx", "inspect", "ci"}).size(), 1u);
}

TEST(DetectBuildEnvironment, MissingDockerCli) {
  ScriptedRunner runner;
  runner.missing("docker");
  auto env = detect_build_environment(runner, "");
  EXPECT_FALSE(env.has_docker());
  EXPECT_FALSE(env.has_buildx());
  EXPECT_EQ(runner.calls.size(), 1u);
}

TEST(DetectBuildEnvironment, UnreachableEngineAndNoBuildx) {
  ScriptedRunner runner;
  runner.on({"docker", "version"}, ok("28.2.2\n"));
  runner.on({"docker", "info"},
            failed("Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n"));
  runner.on({"docker", "buildx"}, failed("docker: unknown command: docker buildx\n"));
  auto env = detect_build_environment(runner, "");
  EXPECT_TRUE(env.has_docker());
  EXPECT_FALSE(env.engine);
  EXPECT_EQ(env.engine_error,
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.");
  EXPECT_FALSE(env.has_buildx());
  EXPECT_TRUE(runner.calls_to({"docker", "buildx", "inspect"}).empty());
}

TEST(DetectBuildEnvironment, UnknownBuilder) {
  ScriptedRunner runner;
  script_docker(runner);
  runner.on({"docker", "buildx", "inspect", "nosuch"},
            failed("ERROR: no builder \"nosuch\" found\n"));
  auto env = detect_build_environment(runner, "nosuch");
  EXPECT_TRUE(env.has_buildx());
  EXPECT_FALSE(env.builder);
  EXPECT_EQ(env.builder_error, "ERROR: no builder \"nosuch\" found");
}

TEST(DetectBuilder, RemoteBuilderNeedsOneDockerCall) {
  ScriptedRunner runner;
  script_docker(runner);
  auto env = detect_builder(runner, "ci", false);
  ASSERT_TRUE(env.builder);
  EXPECT_EQ(env.builder->driver, "remote");
  EXPECT_TRUE(env.has_docker());
  EXPECT_TRUE(env.has_buildx());
  EXPECT_FALSE(env.engine);
  EXPECT_EQ(runner.calls.size(), 1u);
  // --load goes through the engine: then it is queried.
  ScriptedRunner loading;
  script_docker(loading);
  EXPECT_TRUE(detect_builder(loading, "ci", true).engine);
  EXPECT_EQ(loading.calls.size(), 2u);
}

TEST(DetectBuilder, DockerDriverAlsoAsksTheEngineAboutItsImageStore) {
  ScriptedRunner runner;
  script_docker(runner);
  auto env = detect_builder(runner, "", false);
  ASSERT_TRUE(env.engine);
  EXPECT_EQ(env.builder->driver, "docker");
  EXPECT_EQ(runner.calls_to({"docker", "info"}).size(), 1u);
  EXPECT_EQ(runner.calls.size(), 2u);
}

TEST(DetectBuilder, NoBuildxOrUnknownBuilderOrNoDocker) {
  ScriptedRunner no_buildx;
  no_buildx.on({"docker", "info"}, ok(R"({"ServerVersion":"20.10.24"})"));
  no_buildx.on({"docker", "buildx"}, failed("docker: unknown command: docker buildx\n"));
  auto legacy = detect_builder(no_buildx, "", false);
  EXPECT_TRUE(legacy.has_docker());
  EXPECT_FALSE(legacy.has_buildx());
  EXPECT_TRUE(legacy.engine);

  ScriptedRunner unknown;
  script_docker(unknown);
  unknown.on({"docker", "buildx", "inspect", "nosuch"},
             failed("ERROR: no builder \"nosuch\" found\n"));
  auto env = detect_builder(unknown, "nosuch", false);
  EXPECT_TRUE(env.has_buildx());
  EXPECT_FALSE(env.builder);
  EXPECT_EQ(env.builder_error, "ERROR: no builder \"nosuch\" found");

  ScriptedRunner nothing;
  nothing.missing("docker");
  EXPECT_FALSE(detect_builder(nothing, "", false).has_docker());
}

// Recorded from buildx v0.38.2 with DOCKER_HOST=unix:///nonexistent.sock: exit 0, an empty
// Driver and an Error line; `docker info` (client 28) also exits 0 with the client half.
TEST(DetectBuilder, UnreachableEngineIsReportedInsteadOfABuilderWithNoDriver) {
  ScriptedRunner runner;
  runner.on({"docker", "buildx", "inspect"},
            ok("Name:   default\nDriver: \nError:  failed to connect to the docker API at "
               "unix:///nonexistent.sock; check if the path is correct and if the daemon is "
               "running: dial unix /nonexistent.sock: connect: no such file or directory\n"));
  runner.on({"docker", "info"},
            ProcessResult{0,
                          R"({"ID":"","Driver":"","ServerVersion":""})",
                          "Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is "
                          "the docker daemon running?\n",
                          {}});
  auto env = detect_builder(runner, "", false);
  EXPECT_FALSE(env.builder);
  EXPECT_NE(env.builder_error.find("failed to connect to the docker API"), std::string::npos)
      << env.builder_error;
  EXPECT_FALSE(env.engine);
  EXPECT_EQ(env.engine_error,
            "Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker "
            "daemon running?");
  try {
    choose_build_strategy(env, OutputKind::push, 2, "");
    FAIL() << "expected the unreachable engine to be refused";
  } catch (const RuntimeError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("Docker engine is not reachable"), std::string::npos) << message;
    EXPECT_NE(message.find("unix:///nonexistent.sock"), std::string::npos) << message;
    EXPECT_EQ(message.find("driver"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace multiarch
