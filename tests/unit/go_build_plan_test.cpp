// From options to the exact argv and environment per platform, and the input checks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "go/go_build.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

const Platform kHost{"linux", "amd64", ""};

GoToolchainInfo toolchain() {
  GoToolchainInfo t;
  t.version = {1, 26, 8};
  t.goroot = "/usr/local/go";
  t.dist_pairs = {"linux/amd64", "linux/arm64", "linux/arm", "windows/amd64", "linux/386"};
  return t;
}

class GoBuildPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    module_ = fs::temp_directory_path() / ("multiarch-plan-test-" + std::to_string(getpid())) /
              "my module";
    fs::create_directories(module_);
    std::ofstream(module_ / "go.mod") << "module example.com/m\n";
    options_.module_dir = module_;
    options_.package = "./application/user/cmd/user";
    options_.platforms = parse_platform_list({"linux/arm/v6"}, kHost);
    options_.output_dir = module_.parent_path() / "out";
    options_.version = "v1.2.3";
  }
  void TearDown() override { fs::remove_all(module_.parent_path()); }
  std::string input_error() {
    try {
      plan_go_build(options_, toolchain());
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  }
  /// The output folder: writable by whoever runs the tests (plan checks it).
  fs::path out() const { return module_.parent_path() / "out"; }
  fs::path module_;
  GoBuildOptions options_;
};

TEST_F(GoBuildPlanTest, ArgvAndEnvironmentOfOnePlatform) {
  auto plan = plan_go_build(options_, toolchain());
  ASSERT_EQ(plan.steps.size(), 1u);
  const auto& step = plan.steps[0];
  EXPECT_EQ(plan.name, "user");
  EXPECT_EQ(plan.module_dir, module_);
  EXPECT_EQ(step.output, out() / "linux_arm_v6/user");
  EXPECT_EQ(step.build_argv,
            (std::vector<std::string>{"go", "build", "-trimpath", "-buildvcs=false",
                                      "-ldflags=-s -w -buildid= -X main.Version=v1.2.3", "-o",
                                      (out() / "linux_arm_v6/user").string(),
                                      "./application/user/cmd/user"}));
  EXPECT_EQ(step.build_argv[step.output_arg], (out() / "linux_arm_v6/user").string());
  EXPECT_EQ(step.env,
            (GoEnv{{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "6"}, {"CGO_ENABLED", "0"}}));
  // A stray GOAMD64 or GOARM64 in the caller's shell must not reach the build.
  EXPECT_EQ(step.env_unset, (std::vector<std::string>{"GOAMD64", "GOARM64", "GO386", "GOMIPS",
                                                      "GOMIPS64", "GOPPC64", "GORISCV64"}));
  EXPECT_TRUE(step.list_argv.empty()) << "no depfile, no go list";
}

TEST_F(GoBuildPlanTest, SwitchesTagsFlagsAndLdflags) {
  options_.trimpath = false;
  options_.strip = false;
  options_.tags = "netgo,osusergo";
  options_.ldflags = "-X main.Commit=abc";
  options_.go_flags = {"-mod=vendor"};
  options_.go = "/opt/go/bin/go";
  auto step = plan_go_build(options_, toolchain()).steps[0];
  EXPECT_EQ(step.build_argv,
            (std::vector<std::string>{
                "/opt/go/bin/go", "build", "-buildvcs=false", "-tags=netgo,osusergo",
                "-ldflags=-buildid= -X main.Version=v1.2.3 -X main.Commit=abc", "-mod=vendor", "-o",
                (out() / "linux_arm_v6/user").string(), "./application/user/cmd/user"}));
}

TEST_F(GoBuildPlanTest, SeveralPlatformsWindowsSuffixAndPerPlatformDepfiles) {
  options_.platforms = parse_platform_list({"linux/amd64/v3,windows/amd64"}, kHost);
  options_.output_dir = "rel/out";
  options_.depfile = "deps/{slug}/user.d";
  options_.tags = "x";
  auto plan = plan_go_build(options_, toolchain());
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].display_output, fs::path("rel/out/linux_amd64_v3/user"));
  EXPECT_EQ(plan.steps[0].output, fs::absolute("rel/out/linux_amd64_v3/user"));
  EXPECT_EQ(plan.steps[1].output, fs::absolute("rel/out/windows_amd64/user.exe"));
  EXPECT_EQ(plan.steps[0].depfile, fs::absolute("deps/linux_amd64_v3/user.d"));
  EXPECT_EQ(plan.steps[1].depfile, fs::absolute("deps/windows_amd64/user.d"));
  EXPECT_EQ(plan.steps[0].env[2], (std::pair<std::string, std::string>{"GOAMD64", "v3"}));
  const auto& list = plan.steps[1].list_argv;
  ASSERT_GE(list.size(), 6u);
  EXPECT_EQ(list[1], "list");
  EXPECT_EQ(list[2], "-deps");
  EXPECT_EQ(list[4], "-tags=x") << "the graph is taken with the same tags as the build";
  EXPECT_EQ(list.back(), "./application/user/cmd/user");
}

TEST_F(GoBuildPlanTest, CgoAddsTheResolvedCompilers) {
  options_.cgo = true;
  options_.compilers["linux/arm/v6"] = {{"CC", "arm-linux-gnueabi-gcc"}};
  auto step = plan_go_build(options_, toolchain()).steps[0];
  EXPECT_EQ(step.env, (GoEnv{{"GOOS", "linux"},
                             {"GOARCH", "arm"},
                             {"GOARM", "6"},
                             {"CGO_ENABLED", "1"},
                             {"CC", "arm-linux-gnueabi-gcc"}}));
}

TEST_F(GoBuildPlanTest, BinaryNameDefaults) {
  EXPECT_EQ(default_binary_name("./application/user/cmd/user", module_), "user");
  EXPECT_EQ(default_binary_name("./cmd/server/", module_), "server");
  EXPECT_EQ(default_binary_name("example.com/tool/v2", module_), "tool");
  EXPECT_EQ(default_binary_name("example.com/tool/cmd/v2x", module_), "v2x");
  EXPECT_EQ(default_binary_name(".", module_), "my module");
}

TEST_F(GoBuildPlanTest, AnOutputDirThatIsAFileOrUnderAFileIsBadInputBeforeAnyBuild) {
  fs::path file = module_.parent_path() / "a-file";
  std::ofstream(file) << "x";
  options_.output_dir = file;
  EXPECT_EQ(input_error(),
            "--output-dir " + file.string() + ": is a file, not a folder; give a folder");
  options_.output_dir = file / "out";
  EXPECT_EQ(input_error(), "--output-dir " + (file / "out").string() + ": " + file.string() +
                               " is a file, so no folder can be made below it");
  // A read-only file system (root may write anywhere else): /proc/self.
  options_.output_dir = "/proc/self/out";
  EXPECT_EQ(input_error().rfind("--output-dir /proc/self/out: /proc/self is not writable", 0), 0u)
      << input_error();
}

TEST_F(GoBuildPlanTest, ADepfilePathWithANewlineIsBadInput) {
  options_.depfile = "a\nb.d";
  EXPECT_EQ(input_error(),
            "--depfile \"a\\nb.d\": a path with a newline, carriage return or tab; pick a plain "
            "file name");
}

TEST_F(GoBuildPlanTest, BadInputIsOneLineNamingIt) {
  auto with = [&](auto change) {
    GoBuildOptions saved = options_;
    change(options_);
    std::string message = input_error();
    options_ = saved;
    return message;
  };
  EXPECT_EQ(with([](GoBuildOptions& o) { o.name = "../evil"; }),
            "--name \"../evil\": a service name is lower-case letters and digits with single "
            "'.', '_' or '-' between them, at most 128 characters (e.g. user, order-api)");
  EXPECT_EQ(with([](GoBuildOptions& o) { o.name = "a b"; }).substr(0, 13), "--name \"a b\":");
  EXPECT_EQ(with([](GoBuildOptions& o) { o.version = "1.0 beta"; }),
            "--version \"1.0 beta\": must be non-empty without whitespace, quotes or backslashes "
            "(it is passed in -ldflags)");
  EXPECT_EQ(with([](GoBuildOptions& o) { o.package = "-o=/etc/passwd"; }),
            "--package \"-o=/etc/passwd\": a package path cannot start with '-'");
  EXPECT_EQ(with([](GoBuildOptions& o) { o.package = ""; }),
            "--package is required (e.g. ./cmd/server)");
  EXPECT_EQ(with([&](GoBuildOptions& o) { o.module_dir = module_ / "absent"; }),
            "--module-dir \"" + (module_ / "absent").string() + "\": no such directory");
  EXPECT_EQ(with([&](GoBuildOptions& o) { o.module_dir = module_.parent_path(); }),
            "--module-dir \"" + module_.parent_path().string() +
                "\": no go.mod there (give the directory of the Go module)");
  EXPECT_EQ(with([](GoBuildOptions& o) {
              o.platforms = parse_platform_list({"common"}, kHost);
              o.depfile = "out/user.d";
            }),
            "--depfile \"out/user.d\": 2 platforms need one depfile each; put {slug} in the path "
            "(e.g. out/{slug}/user.d)");
  EXPECT_EQ(
      with([](GoBuildOptions& o) { o.platforms = parse_platform_list({"linux/s390x"}, kHost); }),
      "platform \"linux/s390x\": go1.26.8 does not support GOOS/GOARCH linux/s390x (see `go "
      "tool dist list`)");
}

}  // namespace
}  // namespace multiarch
