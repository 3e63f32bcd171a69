// `multiarch go-build` as users call it: help, bad input (exit 2, one line, nothing written),
// --dry-run, a failing platform among good ones, the default version from git.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "go_build_support.hpp"
#include "harness.hpp"
#include "util/fs.hpp"

namespace multiarch::test {
namespace {

namespace fs = std::filesystem;

TEST(GoBuildCli, HelpListsTheOptions) {
  auto result = run_multiarch({"go-build", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* option : {"--package", "--module-dir", "--platform", "--output-dir", "--name",
                             "--version", "--ldflags", "--tags", "--trimpath", "--keep-symbols",
                             "--go", "--jobs", "--dry-run", "--json", "--cgo", "--cc", "--depfile"})
    EXPECT_NE(result.out.find(option), std::string::npos) << option;
  EXPECT_NE(run_multiarch({"--help"}).out.find("go-build"), std::string::npos);
}

TEST(GoBuildCli, BadInputIsOneLineExitTwoAndWritesNothing) {
  TempDir dir;
  std::string module = example_module().string();
  std::string out = (dir / "out").string();
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--module-dir", module}, "--package is required (e.g. ./cmd/server)"},
      {{"--package", "./application/user/cmd/user", "--module-dir", module, "--platform",
        "linux/arm64,linux/bogus"},
       "linux/bogus"},
      {{"--package", "./application/user/cmd/user", "--module-dir", module, "--name", "../x"},
       "--name \"../x\""},
      {{"--package", "./x", "--module-dir", (dir / "absent").string()}, "no such directory"},
      {{"--package", "./application/user/cmd/user", "--module-dir", module, "--platform", "common",
        "--depfile", (dir / "user.d").string()},
       "put {slug} in the path"},
      {{"--package", "./x", "--bogus-option"}, "bogus-option"},
      {{"--package", "./x", "--jobs", "0"}, "--jobs must be at least 1"},
      {{"--package", "./x", "--version", "1 2", "--module-dir", module}, "--version \"1 2\""},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"go-build", "--output-dir", out};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto result = run_multiarch(args, "", {{"PATH", path_with_go()}});
    SCOPED_TRACE(c.message);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err.rfind("multiarch go-build: ", 0), 0u) << result.err;
    EXPECT_NE(result.err.find(c.message), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_FALSE(fs::exists(out));
  }
}

// Issue 17 items 10 and 11: an --output-dir that is a file or under one, a trailing comma in
// --platform and a --depfile with a newline are bad input: exit 2, one line, before any build.
TEST(GoBuildCli, OutputDirPlatformListAndDepfileMistakesAreBadInputBeforeAnyBuild) {
  TempDir dir;
  std::string module = example_module().string();
  atomic_write_file(dir / "file", "not a folder\n");
  struct Case {
    std::string output_dir;
    std::vector<std::string> args;
    std::string message;
  };
  const std::string file = (dir / "file").string();
  const std::string out = (dir / "out").string();
  const std::vector<Case> cases = {
      {file, {}, "--output-dir " + file + ": is a file, not a folder"},
      {file + "/sub", {}, "--output-dir " + file + "/sub: " + file + " is a file"},
      {out, {"--platform", "linux/amd64,"}, "\"linux/amd64,\": empty entry"},
      {out, {"--depfile", (dir / "a\nb.d").string()}, "--depfile \""},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"go-build",
                                     "--output-dir",
                                     c.output_dir,
                                     "--module-dir",
                                     module,
                                     "--package",
                                     "./application/user/cmd/user"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto result = run_multiarch(args, "", {{"PATH", path_with_go()}});
    SCOPED_TRACE(c.message);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find(c.message), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  EXPECT_FALSE(fs::exists(dir / "out"));
  EXPECT_FALSE(fs::exists(dir / "a\nb.d"));
  EXPECT_EQ(read_file(dir / "file"), "not a folder\n");
}

// Issue 17 item 10, the read-only case: root may write anywhere, so as root the check runs
// as the unprivileged user 65534 (setpriv, util-linux) to see what a user would.
TEST(GoBuildCli, AnOutputDirUnderAReadOnlyFolderIsBadInputBeforeAnyBuild) {
  TempDir dir;
  const auto read_and_enter = fs::perms::owner_read | fs::perms::owner_exec |
                              fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec;
  fs::permissions(dir.path(), read_and_enter | fs::perms::owner_write);
  // Everything the unprivileged user needs lives in `dir`: the checkout may be in a private
  // home folder. The check comes before go runs, so a go.mod is module enough.
  fs::copy_file(multiarch_binary(), dir / "multiarch");
  fs::create_directory(dir / "module");
  atomic_write_file(dir / "module" / "go.mod", "module example.com/m\n");
  fs::create_directory(dir / "ro");
  fs::permissions(dir / "ro", read_and_enter);
  std::vector<std::string> argv = {(dir / "multiarch").string(),
                                   "go-build",
                                   "--output-dir",
                                   (dir / "ro" / "out").string(),
                                   "--module-dir",
                                   (dir / "module").string(),
                                   "--package",
                                   "./cmd/m"};
  if (::geteuid() == 0) {
    MULTIARCH_REQUIRE_TOOL("setpriv", "apt-get install util-linux", "MULTIARCH_SKIP_BUILD_TOOLS");
    argv.insert(argv.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  }
  auto result = run(argv, "", {{"PATH", path_with_go()}});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find((dir / "ro").string() + " is not writable"), std::string::npos)
      << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_FALSE(fs::exists(dir / "ro" / "out"));
}

TEST(GoBuildCli, DryRunPrintsTheExactEnvironmentAndArgvAndBuildsNothing) {
  if (real_go().empty()) return;
  TempDir dir;
  auto result = run_multiarch({"go-build", "--module-dir", example_module().string(), "--package",
                               "./application/user/cmd/user", "--platform", "linux/arm/v6",
                               "--output-dir", (dir / "out").string(), "--version", "v1",
                               "--dry-run", "--depfile", (dir / "out/{slug}/user.d").string()},
                              "", {{"PATH", path_with_go()}});
  ASSERT_TRUE(result.ok()) << result.err;
  std::string output = (dir / "out/linux_arm_v6/user").string();
  EXPECT_NE(result.out.find("# linux/arm/v6 -> " + output + "\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("env -u GOAMD64 -u GOARM64 -u GO386 -u GOMIPS -u GOMIPS64 -u GOPPC64 "
                            "-u GORISCV64 GOOS=linux GOARCH=arm GOARM=6 CGO_ENABLED=0 go build "
                            "-trimpath -buildvcs=false '-ldflags=-s -w -buildid= -X "
                            "main.Version=v1' -o " +
                            output + " ./application/user/cmd/user\n"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find(" go list -deps -json="), std::string::npos) << result.out;
  EXPECT_FALSE(fs::exists(dir / "out"));

  auto json =
      run_multiarch({"go-build", "--module-dir", example_module().string(), "--package",
                     "./application/user/cmd/user", "--platform", "linux/amd64/v3", "--output-dir",
                     (dir / "out").string(), "--version", "v1", "--dry-run", "--json"},
                    "", {{"PATH", path_with_go()}});
  ASSERT_TRUE(json.ok()) << json.err;
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["platforms"][0]["env"]["GOAMD64"], "v3");
  EXPECT_EQ(j["platforms"][0]["argv"][0], "go");
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(GoBuildCli, FailingPlatformShowsGosMessageAndTheOthersAreStillReported) {
  if (real_go().empty()) return;
  TempDir dir;
  copy_example(dir / "src");
  // Compiles only for arm64: the amd64 build is unaffected.
  write_text(dir / "src/internal/service/broken_arm64.go",
             "package service\n\nfunc broken() { this is not go }\n");
  auto result =
      run_multiarch({"go-build", "--module-dir", (dir / "src").string(), "--package",
                     "./application/user/cmd/user", "--platform", "linux/amd64,linux/arm64",
                     "--output-dir", (dir / "out").string(), "--version", "f1", "--json"},
                    "", {{"PATH", path_with_go()}});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("linux/arm64 FAILED"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("go build failed (exit 1)"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("broken_arm64.go:3"), std::string::npos) << "Go's own message:\n"
                                                                     << result.err;
  EXPECT_NE(result.err.find("] linux/amd64 "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("1 of 2 platforms failed: linux/arm64"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "out/linux_amd64/user"));
  EXPECT_FALSE(fs::exists(dir / "out/linux_arm64/user"));
  auto j = nlohmann::json::parse(result.out);
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_TRUE(j["platforms"][0]["ok"].get<bool>());
  EXPECT_FALSE(j["platforms"][1]["ok"].get<bool>());
  EXPECT_NE(j["platforms"][1]["go_messages"].get<std::string>().find("broken_arm64.go"),
            std::string::npos);
}

TEST(GoBuildCli, VersionDefaultsToGitDescribeElseDev) {
  if (real_go().empty()) return;
  MULTIARCH_REQUIRE_TOOL("git", "apt-get install git", "MULTIARCH_SKIP_BUILD_TOOLS");
  TempDir dir;
  copy_example(dir / "src");
  auto build = [&] {
    auto result = run_multiarch(
        {"go-build", "--module-dir", (dir / "src").string(), "--package",
         "./application/order/cmd/order", "--output-dir", (dir / "out").string(), "-q"},
        "", {{"PATH", path_with_go()}});
    EXPECT_TRUE(result.ok()) << result.err;
    return run({(dir / "out/linux_amd64/order").string(), "-print-platform"}).out;
  };
  EXPECT_NE(build().find("version=dev"), std::string::npos) << "outside git";
  std::string src = (dir / "src").string();
  std::map<std::string, std::string> git_env = {
      {"GIT_AUTHOR_NAME", "t"},     {"GIT_AUTHOR_EMAIL", "t@example.com"},
      {"GIT_COMMITTER_NAME", "t"},  {"GIT_COMMITTER_EMAIL", "t@example.com"},
      {"GIT_CONFIG_NOSYSTEM", "1"}, {"HOME", dir.path().string()}};
  for (const auto& argv :
       std::vector<std::vector<std::string>>{{"git", "-C", src, "init", "-q"},
                                             {"git", "-C", src, "add", "."},
                                             {"git", "-C", src, "commit", "-q", "-m", "initial"},
                                             {"git", "-C", src, "tag", "v0.4.2"}}) {
    auto r = run(argv, "", git_env);
    ASSERT_TRUE(r.ok()) << r.err;
  }
  EXPECT_NE(build().find("version=v0.4.2\n"), std::string::npos);
}

// Issue 15: with --toolchain-cache (what CMake passes) only the first go-build of a build
// folder asks `go env` and `go tool dist list`; a changed go executable is asked again.
TEST(GoBuildCli, ToolchainCacheAsksGoOncePerToolchain) {
  if (real_go().empty()) return;
  TempDir dir;
  auto log = dir / "go-calls.log";
  auto go = write_go_wrapper(dir / "bin", log);
  auto build = [&](const std::string& out) {
    auto result = run_multiarch(
        {"go-build", "--module-dir", example_module().string(), "--package",
         "./application/user/cmd/user", "--output-dir", (dir / out).string(), "--version", "t",
         "--go", go.string(), "--toolchain-cache", (dir / "cache").string(), "-q"},
        "", {{"PATH", path_with_go()}});
    EXPECT_TRUE(result.ok()) << result.err;
  };
  build("one");
  EXPECT_EQ(count_lines(log, {}, "env GOVERSION GOROOT GOWORK"), 1u) << read_text(log);
  EXPECT_EQ(count_lines(log, {}, "tool dist list"), 1u);
  build("two");
  EXPECT_EQ(count_lines(log, {}, "build "), 2u) << read_text(log);
  EXPECT_EQ(count_lines(log, {}, "env "), 1u) << "GOWORK comes from the cache too";
  EXPECT_EQ(count_lines(log, {}, "tool dist list"), 1u);

  write_go_wrapper(dir / "bin", log, "# another toolchain: another size");
  build("three");
  EXPECT_EQ(count_lines(log, {}, "env GOVERSION GOROOT GOWORK"), 2u) << read_text(log);
  EXPECT_EQ(count_lines(log, {}, "tool dist list"), 2u);
}

// Several --package: one go build and one go list per platform for all of them; each binary
// its own depfile; the group depfiles (sharded) list the union; a re-run with one service
// edited builds that one alone and leaves the other's file untouched.
TEST(GoBuildCli, SeveralPackagesAreBuiltByOneGoBuildPerPlatform) {
  TempDir dir;
  copy_example(dir / "m");
  auto log = dir / "go-calls.log";
  auto go = write_go_wrapper(dir / "bin", log);
  std::vector<std::string> args = {"go-build",
                                   "--module-dir",
                                   (dir / "m").string(),
                                   "--platform",
                                   "linux/amd64,linux/arm64",
                                   "--package",
                                   "./application/user/cmd/user",
                                   "--package",
                                   "./application/order/cmd/order",
                                   "--output-dir",
                                   (dir / "out").string(),
                                   "--version",
                                   "t",
                                   "--go",
                                   go.string(),
                                   "--depfile",
                                   (dir / "out/{slug}/{name}.d").string(),
                                   "--group-depfile",
                                   (dir / "group/{slug}-{shard}.d").string(),
                                   "--group-depfile-target",
                                   "g/{slug}-{shard}",
                                   "--group-depfile-shards",
                                   "4",
                                   "--json"};
  auto first = run_multiarch(args, "", {{"PATH", path_with_go()}});
  ASSERT_TRUE(first.ok()) << first.err;
  EXPECT_EQ(count_lines(log, {}, "build "), 2u) << read_text(log);
  EXPECT_EQ(count_lines(log, {}, "list "), 2u) << read_text(log);
  auto json = nlohmann::json::parse(first.out);
  ASSERT_EQ(json.at("binaries").size(), 2u);
  EXPECT_TRUE(json.at("ok").get<bool>());
  for (const char* file :
       {"linux_amd64/user", "linux_arm64/user", "linux_amd64/order", "linux_arm64/order"}) {
    EXPECT_TRUE(fs::exists(dir / "out" / file)) << file;
    EXPECT_TRUE(fs::exists(dir / "out" / (std::string(file) + ".d"))) << file;
  }
  std::string user_depfile = read_text(dir / "out/linux_amd64/user.d");
  EXPECT_EQ(user_depfile.find("/application/order/"), std::string::npos)
      << "user's depfile lists only what user's main package reaches:\n"
      << user_depfile;
  std::string group;
  for (int shard = 0; shard < 4; ++shard)
    group += read_text(dir / ("group/linux_amd64-" + std::to_string(shard) + ".d"));
  EXPECT_NE(group.find("/application/order/cmd/order/main.go"), std::string::npos) << group;
  EXPECT_NE(group.find("/application/user/cmd/user/main.go"), std::string::npos) << group;

  auto user_time = fs::last_write_time(dir / "out/linux_amd64/user");
  fs::remove(log);
  {
    std::ofstream edit(dir / "m/application/order/cmd/order/main.go", std::ios::app);
    edit << "\nconst benchEdit = 1\n";
  }
  auto second = run_multiarch(args, "", {{"PATH", path_with_go()}});
  ASSERT_TRUE(second.ok()) << second.err;
  EXPECT_EQ(count_lines(log, {}, "build "), 2u) << "order, once per platform: " << read_text(log);
  EXPECT_EQ(count_lines(log, {"./application/user/cmd/user"}, "build "), 0u) << read_text(log);
  EXPECT_EQ(fs::last_write_time(dir / "out/linux_amd64/user"), user_time);

  auto mismatch = run_multiarch({"go-build", "--module-dir", (dir / "m").string(), "--package",
                                 "./a", "--package", "./b", "--name", "a"},
                                "", {{"PATH", path_with_go()}});
  EXPECT_EQ(mismatch.exit_code, 2);
  EXPECT_NE(mismatch.err.find("2 --package but 1 --name"), std::string::npos) << mismatch.err;
}

// --toolchain-only (CMake's node before the go-builds): fills the cache, builds nothing; the
// go-build after it asks go nothing but `go build` and `go list`.
TEST(GoBuildCli, ToolchainOnlyFillsTheCacheAndBuildsNothing) {
  if (real_go().empty()) return;
  TempDir dir;
  auto log = dir / "go-calls.log";
  auto go = write_go_wrapper(dir / "bin", log);
  std::vector<std::string> fill = {
      "go-build", "--toolchain-only", "--module-dir",      example_module().string(),
      "--go",     go.string(),        "--toolchain-cache", (dir / "cache").string()};
  auto filled = run_multiarch(fill, "", {{"PATH", path_with_go()}});
  ASSERT_TRUE(filled.ok()) << filled.err;
  EXPECT_EQ(count_lines(log, {}, "env GOVERSION GOROOT GOWORK"), 1u) << read_text(log);
  EXPECT_EQ(count_lines(log, {}, "tool dist list"), 1u);
  EXPECT_EQ(count_lines(log, {}, "build "), 0u);
  EXPECT_FALSE(fs::exists(dir / "out"));

  auto built = run_multiarch(
      {"go-build", "--module-dir", example_module().string(), "--package",
       "./application/user/cmd/user", "--output-dir", (dir / "out").string(), "--version", "t",
       "--go", go.string(), "--toolchain-cache", (dir / "cache").string(), "-q"},
      "", {{"PATH", path_with_go()}});
  ASSERT_TRUE(built.ok()) << built.err;
  EXPECT_EQ(count_lines(log, {}, "env "), 1u) << read_text(log);
  EXPECT_EQ(count_lines(log, {}, "tool dist list"), 1u);
  EXPECT_EQ(count_lines(log, {}, "build "), 1u);

  // Bad input: no cache folder to fill, or a package beside it.
  auto no_cache = run_multiarch({"go-build", "--toolchain-only", "--go", go.string()});
  EXPECT_EQ(no_cache.exit_code, 2);
  EXPECT_NE(no_cache.err.find("--toolchain-only needs --toolchain-cache"), std::string::npos)
      << no_cache.err;
  fill.insert(fill.end(), {"--package", "./application/user/cmd/user"});
  auto with_package = run_multiarch(fill);
  EXPECT_EQ(with_package.exit_code, 2);
  EXPECT_NE(with_package.err.find("drop --package"), std::string::npos) << with_package.err;
}

}  // namespace
}  // namespace multiarch::test
