// run_go_build with a fake go (tests/support/fake_go.hpp) and, for the up-to-date stamps, a
// fake file statter: atomic outputs, verification, depfiles, failures per platform.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>

#include "go/go_build.hpp"
#include "go/go_build_stamp.hpp"
#include "support/fake_binaries.hpp"
#include "support/fake_file_statter.hpp"
#include "support/fake_go.hpp"
#include "util/digest.hpp"
#include "util/dir_lock.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

const Platform kHost{"linux", "amd64", ""};

using test::elf_for;
using test::FakeGo;
using test::value_of;

class GoBuildRun : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("multiarch-run-" + std::to_string(getpid()) + "-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "m");
    std::ofstream(root_ / "m" / "go.mod") << "module example.com/m\n";
    toolchain_.version = {1, 26, 8};
    toolchain_.goroot = "/nonexistent-goroot";
    options_.module_dir = root_ / "m";
    options_.package = "./cmd/user";
    options_.output_dir = root_ / "out";
    options_.version = "v1";
    options_.platforms = parse_platform_list({"linux/amd64,linux/arm64"}, kHost);
  }
  void TearDown() override { fs::remove_all(root_); }
  const FileStatter* files_ = nullptr;  ///< nullptr: the real stat(2)
  std::vector<GoBuildResult> run(unsigned jobs = 2, bool hash = false, bool force = false) {
    GoBuildRunOptions run_options;
    run_options.jobs = jobs;
    run_options.hash = hash;
    run_options.force = force;
    run_options.files = files_;
    run_options.on_finished = [&](const GoBuildResult&, size_t done, size_t total) {
      finished_.push_back(done);
      EXPECT_EQ(total, options_.platforms.size());
    };
    return run_go_build(go_, plan_go_build(options_, toolchain_), run_options);
  }
  /// The host platform with a depfile per slug, a go executable of its own (GOROOT has no
  /// VERSION file here, so the go executable identifies the toolchain) and a one-package
  /// graph: m/cmd/user/main.go in module m.
  void build_host_with_depfile() {
    options_.go = (root_ / "go").string();
    write(options_.go, "#!/bin/false\n");
    fs::permissions(options_.go, fs::perms::owner_all);
    options_.depfile = (root_ / "deps/{slug}.d").string();
    options_.platforms = {kHost};
    std::string m = (root_ / "m").string();
    go_.list_output = R"({"Dir": ")" + m + R"(/cmd/user", "ImportPath": "example.com/m/cmd/user",
      "Module": {"Path": "example.com/m", "Main": true, "Dir": ")" +
                      m + R"(", "GoMod": ")" + m + R"(/go.mod"}, "GoFiles": ["main.go"]})";
  }
  fs::path out(const std::string& relative) const { return root_ / "out" / relative; }
  void write(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << content;
  }
  /// Files in `dir` besides the run's lock file.
  size_t files_in(const fs::path& dir) {
    size_t count = 0;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename() != kLockFileName) ++count;
    return count;
  }

  fs::path root_;
  GoToolchainInfo toolchain_;
  GoBuildOptions options_;
  FakeGo go_;
  std::vector<size_t> finished_;
};

TEST_F(GoBuildRun, BuildsToATemporarySiblingVerifiesAndRenames) {
  auto results = run();
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) EXPECT_TRUE(r.ok) << r.platform.str() << ": " << r.error;
  EXPECT_EQ(read_file(out("linux_amd64/user")), elf_for("amd64"));
  EXPECT_EQ(read_file(out("linux_arm64/user")), elf_for("arm64"));
  EXPECT_EQ(files_in(out("linux_arm64")), 1u) << "no temporary is left";
  EXPECT_EQ(finished_, (std::vector<size_t>{1, 2}));

  auto builds = go_.calls_of("build");
  ASSERT_EQ(builds.size(), 2u);
  for (const auto& build : builds) {
    EXPECT_EQ(build.cwd, (root_ / "m").string());
    auto o = std::find(build.argv.begin(), build.argv.end(), "-o");
    fs::path written = *(o + 1);
    EXPECT_EQ(written.filename().string().rfind(".user.tmp-", 0), 0u) << written;
    EXPECT_EQ(written.parent_path().parent_path(), root_ / "out") << "same file system";
    EXPECT_EQ(std::count(build.env_unset.begin(), build.env_unset.end(), "GOARM"), 1);
  }
  auto versions = go_.calls_of("version");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].argv[2], "-m");
  EXPECT_TRUE(go_.calls_of("list").empty());
}

TEST_F(GoBuildRun, HashAndSizeOfEachOutput) {
  auto results = run(1, true);
  ASSERT_TRUE(results[0].ok);
  EXPECT_EQ(results[0].sha256, sha256_file_hex(out("linux_amd64/user")));
  EXPECT_EQ(results[0].size, 64u);
  EXPECT_GE(results[0].seconds, 0.0);
}

TEST_F(GoBuildRun, DepfileNamesTheOutputAndTheGraphsLocalFiles) {
  build_host_with_depfile();
  std::string m = (root_ / "m").string();
  auto results = run();
  ASSERT_TRUE(results[0].ok) << results[0].error;
  EXPECT_EQ(results[0].inputs.size(), 4u);
  EXPECT_EQ(read_file(root_ / "deps/linux_amd64.d"),
            out("linux_amd64/user").string() + ": \\\n  " + options_.go + " \\\n  " + m +
                "/cmd/user \\\n  " + m + "/cmd/user/main.go \\\n  " + m + "/go.mod\n");
  auto lists = go_.calls_of("list");
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(value_of(lists[0], "GOARCH"), "amd64") << "the graph is the platform's";
  EXPECT_EQ(value_of(lists[0], "GOAMD64"), "v1");
}

/// A depfile build of the host platform whose inputs (go executable, package dir, main.go,
/// go.mod) exist and are an hour old, so a second run finds it up to date.
class GoBuildStampTest : public GoBuildRun {
 protected:
  void SetUp() override {
    GoBuildRun::SetUp();
    build_host_with_depfile();
    write(main_go(), "package main\n");
    // The inputs look an hour old through the fake; the files themselves are not touched.
    int64_t an_hour_ago = file_clock_now_ns() - int64_t{3600} * 1000000000;
    for (const fs::path& input :
         {fs::path(options_.go), main_go(), main_go().parent_path(), root_ / "m" / "go.mod"})
      statter_.set_mtime(input, an_hour_ago);
    files_ = &statter_;
  }
  test::FakeFileStatter statter_;
  fs::path main_go() const { return root_ / "m" / "cmd" / "user" / "main.go"; }
  /// Builds once, then forgets the calls: what follows counts the second run's.
  void build_once() {
    auto first = run();
    ASSERT_TRUE(first[0].ok) << first[0].error;
    ASSERT_FALSE(first[0].up_to_date);
    ASSERT_TRUE(fs::exists(root_ / "deps/linux_amd64.d.stamp"));
    go_.calls.clear();
  }
  size_t builds() { return go_.calls_of("build").size(); }
};

TEST_F(GoBuildStampTest, NothingChangedRunsNoGo) {
  build_once();
  auto binary_time = fs::last_write_time(out("linux_amd64/user"));
  auto depfile_time = fs::last_write_time(root_ / "deps/linux_amd64.d");
  auto results = run(1, true);
  ASSERT_TRUE(results[0].ok) << results[0].error;
  EXPECT_TRUE(results[0].up_to_date);
  EXPECT_TRUE(go_.calls.empty()) << "no go build, go list, go env or go version";
  EXPECT_EQ(results[0].sha256, sha256_file_hex(out("linux_amd64/user")));
  EXPECT_EQ(results[0].size, 64u);
  EXPECT_EQ(results[0].inputs.size(), 4u);
  EXPECT_EQ(fs::last_write_time(out("linux_amd64/user")), binary_time);
  EXPECT_EQ(fs::last_write_time(root_ / "deps/linux_amd64.d"), depfile_time);
}

TEST_F(GoBuildStampTest, AChangedInputRebuilds) {
  build_once();
  statter_.set_mtime(main_go(), file_clock_now_ns());
  auto results = run();
  ASSERT_TRUE(results[0].ok) << results[0].error;
  EXPECT_FALSE(results[0].up_to_date);
  EXPECT_EQ(builds(), 1u);
}

TEST_F(GoBuildStampTest, ARemovedInputRebuilds) {
  build_once();
  statter_.remove(main_go());
  run();
  EXPECT_EQ(builds(), 1u);
}

TEST_F(GoBuildStampTest, AChangedCommandRebuilds) {
  build_once();
  options_.version = "v2";
  run();
  EXPECT_EQ(builds(), 1u);
}

TEST_F(GoBuildStampTest, AChangedGoVariableOfTheCallerRebuilds) {
  build_once();
  ::setenv("GOEXPERIMENT", "multiarch-test", 1);
  run();
  ::unsetenv("GOEXPERIMENT");
  EXPECT_EQ(builds(), 1u);
}

TEST_F(GoBuildStampTest, AReplacedOutputRebuilds) {
  build_once();
  write(out("linux_amd64/user"), "someone else's binary");
  run();
  EXPECT_EQ(builds(), 1u);
  EXPECT_EQ(read_file(out("linux_amd64/user")), elf_for("amd64"));
}

TEST_F(GoBuildStampTest, AMissingDepfileOrStampRebuilds) {
  build_once();
  fs::remove(root_ / "deps/linux_amd64.d");
  run();
  EXPECT_EQ(builds(), 1u);
  go_.calls.clear();
  write(root_ / "deps/linux_amd64.d.stamp", "{not json");
  run();
  EXPECT_EQ(builds(), 1u);
}

TEST_F(GoBuildStampTest, ForceRebuilds) {
  build_once();
  auto results = run(1, false, /*force=*/true);
  EXPECT_FALSE(results[0].up_to_date);
  EXPECT_EQ(builds(), 1u);
}

TEST_F(GoBuildRun, FailedBuildKeepsThePreviousOutputAndDepfileAndOthersStillBuild) {
  options_.depfile = (root_ / "out/{slug}/user.d").string();
  write(out("linux_arm64/user"), "previous binary");
  write(out("linux_arm64/user.d"), "previous depfile");
  auto real_build = go_.build;
  go_.build = [&](const ProcessSpec& spec) {
    if (value_of(spec, "GOARCH") == "arm64")
      return ProcessResult{
          1, "", "# example.com/m/cmd/user\ncmd/user/main.go:3:1: syntax error\n", {}};
    return real_build(spec);
  };
  auto results = run();
  EXPECT_TRUE(results[0].ok) << results[0].error;
  EXPECT_FALSE(results[1].ok);
  EXPECT_EQ(results[1].error, "go build failed (exit 1)");
  EXPECT_EQ(results[1].go_messages, "# example.com/m/cmd/user\ncmd/user/main.go:3:1: syntax error");
  EXPECT_EQ(read_file(out("linux_arm64/user")), "previous binary");
  EXPECT_EQ(read_file(out("linux_arm64/user.d")), "previous depfile");
  EXPECT_EQ(files_in(out("linux_arm64")), 2u);
  EXPECT_TRUE(fs::exists(out("linux_amd64/user.d")));
}

TEST_F(GoBuildRun, WrongArchitectureIsAnErrorAndNothingIsReplaced) {
  write(out("linux_arm64/user"), "previous binary");
  go_.build = [](const ProcessSpec& spec) {
    auto o = std::find(spec.argv.begin(), spec.argv.end(), "-o");
    std::ofstream(*(o + 1), std::ios::binary) << elf_for("amd64");
    return ProcessResult{0, "", "", {}};
  };
  auto results = run();
  EXPECT_TRUE(results[0].ok);
  ASSERT_FALSE(results[1].ok);
  EXPECT_EQ(results[1].error,
            "header check: the binary is ELF 64-bit LSB x86-64, but linux/arm64 needs ELF 64-bit "
            "LSB aarch64");
  EXPECT_EQ(read_file(out("linux_arm64/user")), "previous binary");
  EXPECT_EQ(files_in(out("linux_arm64")), 1u) << "the rejected temporary is removed";
}

TEST_F(GoBuildRun, WrongEmbeddedSettingsAreAnError) {
  options_.platforms = parse_platform_list({"linux/arm/v6"}, kHost);
  go_.version = [](const ProcessSpec& spec) {
    return ProcessResult{0,
                         spec.argv.back() +
                             ": go1.26.8\n\tbuild\tCGO_ENABLED=0\n\tbuild\tGOARCH=arm\n\tbuild\t"
                             "GOOS=linux\n\tbuild\tGOARM=7\n",
                         "",
                         {}};
  };
  auto results = run();
  ASSERT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].error, "build settings: the binary was built with GOARM=7 (wanted GOARM=6)");
  EXPECT_FALSE(fs::exists(out("linux_arm_v6/user")));
}

/// A build that writes a header and the embedded build info of `module_info`.
std::function<ProcessResult(const ProcessSpec&)> build_embedding(std::string module_info) {
  return [module_info](const ProcessSpec& spec) {
    auto o = std::find(spec.argv.begin(), spec.argv.end(), "-o");
    std::ofstream(*(o + 1), std::ios::binary)
        << elf_for(value_of(spec, "GOARCH")) << test::go_build_info_blob("go1.26.8", module_info);
    return ProcessResult{0, "", "", {}};
  };
}

/// The embedded settings of a linux/arm build with GOARM=`goarm`.
std::string arm_build_settings(const std::string& goarm) {
  return "build\tCGO_ENABLED=0\nbuild\tGOARCH=arm\nbuild\tGOOS=linux\nbuild\tGOARM=" + goarm + "\n";
}

TEST_F(GoBuildRun, EmbeddedBuildInfoIsReadWithoutRunningGoVersion) {
  options_.platforms = parse_platform_list({"linux/arm/v6"}, kHost);
  go_.build = build_embedding(arm_build_settings("6"));
  auto results = run();
  ASSERT_TRUE(results[0].ok) << results[0].error;
  EXPECT_TRUE(go_.calls_of("version").empty());
}

TEST_F(GoBuildRun, WrongEmbeddedBuildInfoIsAnError) {
  options_.platforms = parse_platform_list({"linux/arm/v6"}, kHost);
  go_.build = build_embedding(arm_build_settings("7"));
  auto results = run();
  ASSERT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].error, "build settings: the binary was built with GOARM=7 (wanted GOARM=6)");
  EXPECT_FALSE(fs::exists(out("linux_arm_v6/user")));
  EXPECT_TRUE(go_.calls_of("version").empty());
}

TEST_F(GoBuildRun, NonExecutableOutputIsAnError) {
  options_.platforms = {kHost};
  go_.build = [](const ProcessSpec& spec) {
    auto o = std::find(spec.argv.begin(), spec.argv.end(), "-o");
    std::ofstream(*(o + 1)) << "!<arch>\n";
    return ProcessResult{0, "", "", {}};
  };
  auto results = run();
  ASSERT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].error.rfind("header check: go build wrote no executable (", 0), 0u)
      << results[0].error;
}

TEST_F(GoBuildRun, APackageThatIsNotMainSaysSo) {
  options_.platforms = {kHost};
  options_.package = "./internal/service";
  go_.build = [](const ProcessSpec&) { return ProcessResult{0, "", "", {}}; };  // writes nothing
  go_.list_output = "service\n";
  auto results = run();
  ASSERT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].error,
            "--package ./internal/service is package service, not package main: go build makes "
            "no executable of it; give the folder of a command (its main package, e.g. "
            "./cmd/server)");
  auto lists = go_.calls_of("list");
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].argv,
            (std::vector<std::string>{"go", "list", "-f", "{{.Name}}", "./internal/service"}));
}

TEST_F(GoBuildRun, GoWorkFromTheToolchainFactsIsNotAskedAgain) {
  build_host_with_depfile();
  auto results = run();
  ASSERT_TRUE(results[0].ok) << results[0].error;
  EXPECT_EQ(go_.calls_of("env").size(), 1u) << "without cached facts go-build asks GOWORK";

  fs::remove(root_ / "deps/linux_amd64.d");
  toolchain_.go_work = "";  // what cached_go_toolchain() knows already
  results = run();
  ASSERT_TRUE(results[0].ok) << results[0].error;
  EXPECT_EQ(go_.calls_of("build").size(), 2u);
  EXPECT_EQ(go_.calls_of("env").size(), 1u) << "no `go env GOWORK` with cached facts";
}

TEST_F(GoBuildRun, GoListFailureFailsThePlatformWithGosMessage) {
  options_.platforms = {kHost};
  options_.depfile = (root_ / "user.d").string();
  struct ListFails : FakeGo {
    ProcessResult run(const ProcessSpec& spec) override {
      if (spec.argv.at(1) == "list") return {1, "", "go: cannot find main module\n", {}};
      return FakeGo::run(spec);
    }
  } go;
  GoBuildRunOptions run_options;
  auto results = run_go_build(go, plan_go_build(options_, toolchain_), run_options);
  ASSERT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].error, "go list (for the depfile) failed (exit 1)");
  EXPECT_EQ(results[0].go_messages, "go: cannot find main module");
  EXPECT_FALSE(fs::exists(out("linux_amd64/user"))) << "no binary without its depfile";
}

TEST_F(GoBuildRun, TemporariesOfDeadRunsAreRemovedOthersKept) {
  options_.platforms = {kHost};
  // pid_max on Linux is at most 4194304, so this pid cannot be running.
  write(out("linux_amd64/.user.tmp-4194304-0"), "left by a killed run");
  std::string ours = ".user.tmp-" + std::to_string(getpid()) + "-999";
  write(out("linux_amd64/" + ours), "in flight");
  write(out("linux_amd64/.other.tmp-4194304-0"), "not ours");
  auto results = run();
  ASSERT_TRUE(results[0].ok);
  EXPECT_FALSE(fs::exists(out("linux_amd64/.user.tmp-4194304-0")));
  EXPECT_TRUE(fs::exists(out("linux_amd64/" + ours)));
  EXPECT_TRUE(fs::exists(out("linux_amd64/.other.tmp-4194304-0")));
}

TEST_F(GoBuildRun, MissingGoIsReportedPerPlatform) {
  // With a depfile, go list runs beside go build; when neither can start, the build's error
  // is the result all the same.
  options_.platforms = {kHost};
  struct NoGo : ProcessRunner {
    ProcessResult run(const ProcessSpec&) override {
      throw RuntimeError("cannot run 'go': No such file or directory");
    }
  } go;
  for (std::string depfile : {std::string(), (root_ / "deps/{slug}.d").string()}) {
    options_.depfile = depfile;
    auto results = run_go_build(go, plan_go_build(options_, toolchain_), {});
    ASSERT_FALSE(results[0].ok) << "depfile: " << depfile;
    EXPECT_EQ(results[0].error, "cannot run 'go': No such file or directory") << depfile;
  }
}

/// Two services of one module, user and order, built as one group; each package is its own
/// folder with main.go; `shared` is imported by both.
class GoBuildGroupRun : public GoBuildRun {
 protected:
  void SetUp() override {
    GoBuildRun::SetUp();
    binaries_ = {{"./cmd/user", ""}, {"./cmd/order", ""}};
  }
  std::vector<std::vector<GoBuildResult>> run_group() {
    GoBuildRunOptions run_options;
    run_options.files = files_;
    return run_go_build_group(go_, plan_go_build_group(options_, binaries_, toolchain_),
                              run_options);
  }
  /// go list of both roots: cmd/user and cmd/order import internal/shared; order also
  /// imports internal/orders.
  void list_both() {
    std::string m = (root_ / "m").string();
    auto package = [&](const std::string& dir, const std::string& imports, bool dep_only) {
      return R"({"Dir": ")" + m + "/" + dir + R"(", "ImportPath": "example.com/m/)" + dir +
             R"(", "DepOnly": )" + (dep_only ? "true" : "false") + R"(, "Imports": [)" + imports +
             R"(], "Module": {"Path": "example.com/m", "Main": true, "Dir": ")" + m +
             R"(", "GoMod": ")" + m + R"(/go.mod"}, "GoFiles": ["a.go"]})" + "\n";
    };
    go_.list_output =
        package("internal/shared", "", true) + package("internal/orders", "", true) +
        package("cmd/user", R"("example.com/m/internal/shared")", false) +
        package("cmd/order", R"("example.com/m/internal/shared", "example.com/m/internal/orders")",
                false);
  }
  std::vector<GoBuildBinary> binaries_;
};

TEST_F(GoBuildGroupRun, OneGoBuildPerPlatformForEveryPackage) {
  auto results = run_group();
  ASSERT_EQ(results.size(), 2u);
  for (const auto& binary : results)
    for (const auto& r : binary) EXPECT_TRUE(r.ok) << r.output << ": " << r.error;
  auto builds = go_.calls_of("build");
  ASSERT_EQ(builds.size(), 2u) << "one per platform, not one per binary";
  for (const auto& build : builds) {
    EXPECT_EQ(build.argv[build.argv.size() - 2], "./cmd/user");
    EXPECT_EQ(build.argv.back(), "./cmd/order");
    auto o = std::find(build.argv.begin(), build.argv.end(), "-o");
    EXPECT_TRUE((o + 1)->ends_with("/")) << *(o + 1) << ": a folder for several mains";
  }
  for (const char* file : {"linux_amd64/user", "linux_amd64/order", "linux_arm64/order"})
    EXPECT_EQ(read_file(out(file)),
              elf_for(std::string(file).find("arm64") != std::string::npos ? "arm64" : "amd64"))
        << file;
  EXPECT_EQ(files_in(out("linux_amd64")), 2u) << "no temporary folder is left";
}

TEST_F(GoBuildGroupRun, PackagesThatGoWouldNameAlikeAreBuiltApart) {
  binaries_ = {{"./a/cmd/server", "a"}, {"./b/cmd/server", "b"}, {"./c/cmd/api", "c"}};
  options_.platforms = {kHost};
  auto results = run_group();
  for (const auto& binary : results) EXPECT_TRUE(binary[0].ok) << binary[0].error;
  auto builds = go_.calls_of("build");
  ASSERT_EQ(builds.size(), 2u) << "a and c together, b alone";
  EXPECT_EQ(builds[0].argv.back(), "./c/cmd/api");
  EXPECT_EQ(builds[0].argv[builds[0].argv.size() - 2], "./a/cmd/server");
  EXPECT_EQ(builds[1].argv.back(), "./b/cmd/server");
  EXPECT_EQ(read_file(out("linux_amd64/b")), elf_for("amd64"));
}

TEST_F(GoBuildGroupRun, TheSameOutputTwiceIsABadInput) {
  binaries_ = {{"./a/cmd/server", ""}, {"./b/cmd/server", ""}};
  EXPECT_THROW(plan_go_build_group(options_, binaries_, toolchain_), InputError);
  options_.depfile = (root_ / "deps/{slug}.d").string();
  binaries_ = {{"./cmd/user", ""}, {"./cmd/order", ""}};
  EXPECT_THROW(plan_go_build_group(options_, binaries_, toolchain_), InputError)
      << "several binaries need {name} in --depfile";
}

TEST_F(GoBuildGroupRun, AFailedGroupBuildTellsWhichPackageFailed) {
  options_.platforms = {kHost};
  auto real_build = go_.build;
  go_.build = [&](const ProcessSpec& spec) {
    if (spec.argv.back() == "./cmd/order")
      return ProcessResult{1, "", "cmd/order/main.go:3:1: syntax error\n", {}};
    return real_build(spec);
  };
  auto results = run_group();
  EXPECT_TRUE(results[0][0].ok) << "user builds alone after the group build failed";
  ASSERT_FALSE(results[1][0].ok);
  EXPECT_EQ(results[1][0].go_messages, "cmd/order/main.go:3:1: syntax error");
  EXPECT_EQ(go_.calls_of("build").size(), 3u) << "the group, then each alone";
  EXPECT_FALSE(fs::exists(out("linux_amd64/order")));
  EXPECT_EQ(files_in(out("linux_amd64")), 1u) << "only user; no temporary is left";
}

TEST_F(GoBuildGroupRun, OneGoListGivesEachBinaryItsOwnInputs) {
  options_.platforms = {kHost};
  options_.depfile = (root_ / "deps/{slug}/{name}.d").string();
  list_both();
  auto results = run_group();
  ASSERT_TRUE(results[0][0].ok) << results[0][0].error;
  ASSERT_TRUE(results[1][0].ok) << results[1][0].error;
  auto lists = go_.calls_of("list");
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].argv.back(), "./cmd/order");
  std::string m = (root_ / "m").string();
  std::string user = read_file(root_ / "deps/linux_amd64/user.d");
  std::string order = read_file(root_ / "deps/linux_amd64/order.d");
  EXPECT_NE(user.find(m + "/internal/shared/a.go"), std::string::npos) << user;
  EXPECT_EQ(user.find(m + "/internal/orders"), std::string::npos) << "not user's: " << user;
  EXPECT_EQ(user.find(m + "/cmd/order"), std::string::npos) << user;
  EXPECT_NE(order.find(m + "/internal/orders/a.go"), std::string::npos) << order;
  EXPECT_NE(order.find(m + "/internal/shared/a.go"), std::string::npos) << order;
}

TEST_F(GoBuildGroupRun, AListFailingOnTheBrokenPackageIsRepeatedForTheBuiltOnes) {
  // go list runs while go build links, over every stale package. A package with a bad import
  // fails both; the binary that did build gets its depfile from a second list of it alone.
  options_.platforms = {kHost};
  options_.depfile = (root_ / "deps/{slug}/{name}.d").string();
  list_both();
  auto real_build = go_.build;
  go_.build = [&](const ProcessSpec& spec) {
    if (spec.argv.back() == "./cmd/order")
      return ProcessResult{1, "", "cmd/order/main.go:3:8: package nowhere is not in std\n", {}};
    return real_build(spec);
  };
  std::vector<std::vector<std::string>> listed;
  std::mutex listed_mutex;
  go_.list = [&](const ProcessSpec& spec) {
    std::lock_guard lock(listed_mutex);
    listed.emplace_back(spec.argv.end() - 2, spec.argv.end());
    if (spec.argv.back() == "./cmd/order")
      return ProcessResult{1, "", "package nowhere is not in std\n", {}};
    return ProcessResult{0, go_.list_output, "", {}};
  };
  auto results = run_group();
  ASSERT_TRUE(results[0][0].ok) << results[0][0].error;
  EXPECT_FALSE(results[1][0].ok);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1].back(), "./cmd/user") << "the second list names the built package only";
  std::string user = read_file(root_ / "deps/linux_amd64/user.d");
  EXPECT_NE(user.find((root_ / "m/internal/shared/a.go").string()), std::string::npos) << user;
}

TEST_F(GoBuildGroupRun, OnlyTheStaleBinaryIsBuiltTheOtherIsNotTouched) {
  options_.platforms = {kHost};
  options_.go = (root_ / "go").string();
  write(options_.go, "#!/bin/false\n");
  options_.depfile = (root_ / "deps/{slug}/{name}.d").string();
  list_both();
  std::string m = (root_ / "m").string();
  test::FakeFileStatter statter;
  int64_t an_hour_ago = file_clock_now_ns() - int64_t{3600} * 1000000000;
  for (const char* dir : {"internal/shared", "internal/orders", "cmd/user", "cmd/order"}) {
    write(m + "/" + dir + "/a.go", "package x\n");
    statter.set_mtime(m + "/" + dir, an_hour_ago);
    statter.set_mtime(m + "/" + dir + "/a.go", an_hour_ago);
  }
  statter.set_mtime(options_.go, an_hour_ago);
  statter.set_mtime(m + "/go.mod", an_hour_ago);
  files_ = &statter;
  auto first = run_group();
  ASSERT_TRUE(first[0][0].ok && first[1][0].ok) << first[0][0].error << first[1][0].error;
  auto user_time = fs::last_write_time(out("linux_amd64/user"));
  go_.calls.clear();

  statter.set_mtime(m + "/internal/orders/a.go", file_clock_now_ns());
  auto second = run_group();
  EXPECT_TRUE(second[0][0].up_to_date);
  EXPECT_FALSE(second[1][0].up_to_date);
  EXPECT_FALSE(second[0][0].inputs.empty()) << "an up-to-date binary's inputs come from its stamp";
  auto builds = go_.calls_of("build");
  ASSERT_EQ(builds.size(), 1u);
  EXPECT_EQ(builds[0].argv.back(), "./cmd/order");
  EXPECT_EQ(fs::last_write_time(out("linux_amd64/user")), user_time);
  auto lists = go_.calls_of("list");
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].argv.back(), "./cmd/order") << "only the rebuilt binary is listed";
}

}  // namespace
}  // namespace multiarch
