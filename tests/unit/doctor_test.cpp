// `multiarch doctor` against a scripted go and docker and a fake binfmt_misc folder.
#include "doctor/doctor.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "buildx_test_support.hpp"
#include "cli/doctor_render.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {
using test::failed;
using test::ok;
using test::ScriptedRunner;
using test::write_file;

const Platform kHost{"linux", "amd64", ""};

constexpr const char* kInspectDefault =
    "Name:          default\nDriver:        docker\n\nNodes:\nName:             default\n"
    "Endpoint:         default\nStatus:           running\nBuildKit version: v0.8+unknown\n"
    "Platforms:        linux/amd64, linux/arm64, linux/arm/v7\n";

class DoctorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binfmt_ = work_.path() / "binfmt_misc";
    write_file(binfmt_ / "status", "enabled\n");
    write_file(binfmt_ / "qemu-aarch64",
               "disabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: FP\n");
    write_file(binfmt_ / "qemu-arm", "enabled\ninterpreter /usr/bin/qemu-arm-static\nflags: FP\n");
    runner_.on({"go", "env"}, ok("go1.26.8\n/usr/local/go\n"));
    runner_.on({"go", "tool", "dist", "list"},
               ok("linux/amd64\nlinux/arm64\nlinux/arm\nlinux/386\nwindows/amd64\n"));
    runner_.on({"docker", "version"}, ok("28.2.2\n"));
    runner_.on({"docker", "info"}, ok(R"({"ServerVersion":"20.10.24","Driver":"overlay2"})"));
    runner_.on({"docker", "buildx", "version"}, ok("github.com/docker/buildx v0.38.2 x\n"));
    runner_.on({"docker", "buildx", "inspect"}, ok(kInspectDefault));
    runner_.on({"docker", "buildx", "ls"},
               ok(R"({"Name":"default","Driver":"docker","Current":true,"Nodes":[]})"
                  "\n"));
  }
  DoctorOptions options(std::vector<Platform> platforms = {}) {
    DoctorOptions o;
    o.platforms = std::move(platforms);
    o.binfmt_root = binfmt_;
    o.skopeo = "/nonexistent/skopeo";
    return o;
  }
  const DoctorProblem* problem(const DoctorReport& report, const std::string& needle) {
    for (const auto& p : report.problems)
      if (p.message.find(needle) != std::string::npos) return &p;
    return nullptr;
  }
  WorkDir work_;
  std::filesystem::path binfmt_;
  ScriptedRunner runner_;
};

TEST_F(DoctorTest, ReportsTheMachine) {
  auto report = run_doctor(runner_, kHost, options());
  ASSERT_TRUE(report.go);
  EXPECT_EQ(report.go->version.str(), "go1.26.8");
  EXPECT_NE(std::find(report.go_platforms.begin(), report.go_platforms.end(), "linux/arm/v6"),
            report.go_platforms.end());
  EXPECT_EQ(std::find(report.go_platforms.begin(), report.go_platforms.end(), "linux/s390x"),
            report.go_platforms.end());  // not in this toolchain's dist list
  EXPECT_EQ(report.docker.buildx_version, "v0.38.2");
  ASSERT_EQ(report.builders.size(), 1u);
  EXPECT_TRUE(report.builders[0].current);
  EXPECT_TRUE(report.ok());  // nothing requested, nothing blocking

  // Every problem has a fix.
  for (const auto& p : report.problems) EXPECT_FALSE(p.fix.empty()) << p.message;
  auto* docker_driver = problem(report, "docker driver without the containerd image store");
  ASSERT_NE(docker_driver, nullptr);
  EXPECT_NE(docker_driver->fix.find("docker buildx create"), std::string::npos);
  auto* skopeo = problem(report, "skopeo is not installed");
  ASSERT_NE(skopeo, nullptr);
  EXPECT_EQ(skopeo->fix, "apt-get install skopeo");
  auto* arm64 = problem(report, "linux/arm64: the binfmt_misc handler qemu-aarch64 is disabled");
  ASSERT_NE(arm64, nullptr);
  EXPECT_EQ(arm64->fix, "echo 1 > " + (binfmt_ / "qemu-aarch64").string());
}

TEST_F(DoctorTest, RequestedPlatformThatDoesNotRunIsReportedButBuildable) {
  auto report = run_doctor(runner_, kHost, options({{"linux", "arm64", ""}}));
  ASSERT_EQ(report.requested.size(), 1u);
  EXPECT_TRUE(report.requested[0].buildable);
  EXPECT_FALSE(report.requested[0].runnable);
  auto* arm64 = problem(report, "linux/arm64 is not runnable here");
  ASSERT_NE(arm64, nullptr);
  EXPECT_FALSE(arm64->blocking);
  EXPECT_TRUE(report.ok());
}

TEST_F(DoctorTest, RunnableRequiredMakesItBlocking) {
  auto o = options({{"linux", "arm64", ""}, {"linux", "arm", "v7"}});
  o.require_run = true;
  auto report = run_doctor(runner_, kHost, o);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(report.requested[1].runnable);
  auto json = cli::doctor_json(report);
  EXPECT_EQ(json["ok"], false);
  EXPECT_EQ(json["requested"][0]["platform"], "linux/arm64");
  EXPECT_EQ(json["requested"][0]["run"]["run"], "unavailable");
  EXPECT_EQ(json["requested"][1]["run"]["run"], "emulated");
}

TEST_F(DoctorTest, PlatformGoCannotBuildIsBlocking) {
  auto report = run_doctor(runner_, kHost, options({{"linux", "s390x", ""}}));
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(report.requested[0].buildable);
  auto* s390x = problem(report, "linux/s390x: Go cannot build it");
  ASSERT_NE(s390x, nullptr);
  EXPECT_TRUE(s390x->blocking);
}

TEST_F(DoctorTest, RunStepsOfAPlatformThatCannotRunInContainersBlock) {
  write_file(work_.path() / "Dockerfile", "FROM alpine\nRUN apk add tzdata\n");
  write_file(binfmt_ / "qemu-arm", "enabled\ninterpreter /usr/bin/qemu-arm-static\nflags: P\n");
  auto o = options({{"linux", "arm", "v7"}, {"linux", "amd64", ""}});
  o.dockerfile = work_.path() / "Dockerfile";
  auto report = run_doctor(runner_, kHost, o);
  EXPECT_TRUE(report.dockerfile_runs_steps);
  EXPECT_FALSE(report.requested[0].buildable);
  EXPECT_TRUE(report.requested[1].buildable);
  auto* arm = problem(report, "linux/arm/v7: the Dockerfile has RUN steps");
  ASSERT_NE(arm, nullptr);
  EXPECT_TRUE(arm->blocking);
  EXPECT_NE(arm->fix.find("flags FP"), std::string::npos);
  EXPECT_FALSE(report.ok());
}

TEST_F(DoctorTest, MissingGoAndDockerAreProblemsWithFixes) {
  ScriptedRunner bare;
  bare.missing("go");
  bare.missing("docker");
  auto report = run_doctor(bare, kHost, options({{"linux", "arm", "v7"}}));
  EXPECT_FALSE(report.go);
  EXPECT_FALSE(report.ok());  // nothing can build linux/arm/v7 without Go
  EXPECT_NE(problem(report, "Go is not usable"), nullptr);
  auto* docker = problem(report, "the docker CLI is not installed");
  ASSERT_NE(docker, nullptr);
  EXPECT_EQ(docker->fix, "apt-get install docker.io");
  std::ostringstream text;
  cli::print_doctor_text(report, text);
  EXPECT_NE(text.str().find("docker        client missing"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("  fix: apt-get install docker.io"), std::string::npos);
}

TEST_F(DoctorTest, NoBuildxPointsAtTheInstallScript) {
  runner_.on({"docker", "buildx", "version"}, failed("docker: unknown command: docker buildx\n"));
  auto report = run_doctor(runner_, kHost, options());
  auto* buildx = problem(report, "docker buildx is not installed");
  ASSERT_NE(buildx, nullptr);
  EXPECT_NE(buildx->fix.find("scripts/install-buildx"), std::string::npos);
  EXPECT_EQ(cli::doctor_json(report)["docker"]["buildx"], "");
}

}  // namespace
}  // namespace multiarch
