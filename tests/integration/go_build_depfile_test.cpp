// go-build depfiles read by real build tools: what each platform's depfile lists, and Ninja
// (hand-written build.ninja) and CMake (Ninja and Unix Makefiles generators) rebuilding
// exactly what changed, with a `go` wrapper proving that a no-change build runs no go at all.
#include <gtest/gtest.h>

#include "go_build_support.hpp"
#include "harness.hpp"

namespace multiarch::test {
namespace {

namespace fs = std::filesystem;

bool lists(const std::string& depfile_text, const fs::path& path) {
  // Every prerequisite sits on its own line, "  PATH \" (or "  PATH" at the end).
  std::string escaped;
  for (char c : path.string()) escaped += c == ' ' ? std::string("\\ ") : std::string(1, c);
  return depfile_text.find("  " + escaped + " \\\n") != std::string::npos ||
         depfile_text.find("  " + escaped + "\n") != std::string::npos;
}

TEST(GoBuildDepfile, EachPlatformListsItsOwnFilesEmbedsAndDirectories) {
  std::string go = real_go();
  if (go.empty()) return;
  TempDir dir;
  auto result =
      run_multiarch({"go-build", "--module-dir", example_module().string(), "--package",
                     "./application/user/cmd/user", "--platform", "linux/amd64,windows/amd64",
                     "--output-dir", (dir / "out").string(), "--version", "d1", "--depfile",
                     (dir / "out/{slug}/user.d").string(), "-q"},
                    "", {{"PATH", path_with_go()}});
  ASSERT_TRUE(result.ok()) << result.err;
  std::string linux_deps = read_text(dir / "out/linux_amd64/user.d");
  std::string windows_deps = read_text(dir / "out/windows_amd64/user.d");
  EXPECT_EQ(linux_deps.rfind((dir / "out/linux_amd64/user").string() + ": \\\n", 0), 0u)
      << "the target is the absolute output path:\n"
      << linux_deps;
  EXPECT_EQ(windows_deps.rfind((dir / "out/windows_amd64/user.exe").string() + ": \\\n", 0), 0u);

  auto service = example_module() / "internal/service";
  EXPECT_TRUE(lists(windows_deps, service / "shutdown_windows.go")) << windows_deps;
  EXPECT_FALSE(lists(linux_deps, service / "shutdown_windows.go")) << linux_deps;
  EXPECT_TRUE(lists(linux_deps, service / "shutdown_unix.go"));
  std::string goroot = run({go, "env", "GOROOT"}).out;
  goroot.erase(goroot.find_last_not_of("\n") + 1);
  for (const std::string* deps : {&linux_deps, &windows_deps}) {
    for (const auto& path : {service / "assets/banner.txt", service / "assets", service,
                             service / "service.go", example_module() / "application/user/cmd/user",
                             example_module() / "application/user/cmd/user/main.go",
                             example_module() / "go.mod", fs::path(goroot) / "VERSION"})
      EXPECT_TRUE(lists(*deps, path)) << path << " missing from\n" << *deps;
    EXPECT_EQ(deps->find("application/order"), std::string::npos) << "not the other service";
    EXPECT_EQ(deps->find(goroot + "/src"), std::string::npos) << "the standard library is "
                                                                 "covered by GOROOT/VERSION";
  }
}

class NinjaRebuilds : public ::testing::Test {
 protected:
  void SetUp() override {
    if (real_go().empty()) GTEST_SKIP() << "go missing (reported as a failure above)";
    // A source tree whose path has a space: the depfile must escape it for Ninja.
    src_ = dir_ / "src tree" / "monorepo";
    copy_example(src_);
    log_ = dir_ / "go-calls.log";
    write_go_wrapper(dir_ / "bin", log_);
    env_ = {{"PATH", path_with_go((dir_ / "bin").string())}};
  }
  /// Runs ninja in the test folder; returns its stdout.
  std::string ninja() {
    auto result = run({"ninja", "-C", dir_.path().string()}, "", env_);
    EXPECT_TRUE(result.ok()) << result.out << result.err;
    return result.out;
  }
  /// `go build` runs writing into OUT/<slug>/ (the wrapper logs "build -trimpath ...").
  size_t builds_of(const std::string& slug) { return count_lines(log_, {slug + "/."}, "build "); }
  size_t go_calls() { return count_lines(log_, {}); }
  void append(const std::string& relative, const std::string& text) {
    std::ofstream(src_ / relative, std::ios::app) << text;
  }

  TempDir dir_;
  fs::path src_;
  fs::path log_;
  std::map<std::string, std::string> env_;
};

TEST_F(NinjaRebuilds, OnlyWhatAListedInputChangedAndNoGoWhenNothingDid) {
  MULTIARCH_REQUIRE_TOOL("ninja", "apt-get install ninja-build", "MULTIARCH_SKIP_BUILD_TOOLS");
  write_text(dir_ / "build.ninja",
             "rule gobuild\n"
             "  command = " +
                 multiarch_binary().string() + " go-build --module-dir '" + src_.string() +
                 "' --package ./application/user/cmd/user --platform $platform --output-dir "
                 "out --version n1 --depfile $out.d -q\n"
                 "  depfile = $out.d\n"
                 "  deps = gcc\n"
                 "build out/linux_amd64/user: gobuild\n"
                 "  platform = linux/amd64\n"
                 "build out/windows_amd64/user.exe: gobuild\n"
                 "  platform = windows/amd64\n");
  ninja();
  ASSERT_EQ(builds_of("linux_amd64"), 1u);
  ASSERT_EQ(builds_of("windows_amd64"), 1u);

  size_t calls = go_calls();
  EXPECT_NE(ninja().find("no work to do"), std::string::npos);
  EXPECT_EQ(go_calls(), calls) << "a no-change build runs no go at all";

  append("internal/service/service.go", "\n// touched\n");
  ninja();
  EXPECT_EQ(builds_of("linux_amd64"), 2u) << "shared package edited";
  EXPECT_EQ(builds_of("windows_amd64"), 2u);

  append("internal/service/shutdown_windows.go", "\n// touched\n");
  ninja();
  EXPECT_EQ(builds_of("linux_amd64"), 2u) << "a windows-only file does not rebuild linux";
  EXPECT_EQ(builds_of("windows_amd64"), 3u);

  write_text(src_ / "internal/service/assets/banner.txt", "a new banner for the rebuild test\n");
  ninja();
  EXPECT_EQ(builds_of("linux_amd64"), 3u) << "the embedded asset is an input";
  EXPECT_NE(read_text(dir_ / "out/linux_amd64/user").find("a new banner for the rebuild test"),
            std::string::npos);

  write_text(src_ / "internal/service/extra.go", "package service\n\nconst extra = 1\n");
  ninja();
  EXPECT_EQ(builds_of("linux_amd64"), 4u) << "a new file in a package directory";
  EXPECT_EQ(builds_of("windows_amd64"), 5u);

  append("application/order/cmd/order/main.go", "\n// touched\n");
  calls = go_calls();
  EXPECT_NE(ninja().find("no work to do"), std::string::npos) << "the other service's file";
  EXPECT_EQ(go_calls(), calls);
}

// Without a build system: go-build's own depfile stamps skip the platforms where nothing
// changed (what `make docker-deployx` re-runs rely on).
TEST_F(NinjaRebuilds, GoBuildAloneRunsNoGoBuildForWhatIsUpToDate) {
  auto go_build = [&](const std::string& version) {
    auto result = run_multiarch(
        {"go-build", "--module-dir", src_.string(), "--package", "./application/user/cmd/user",
         "--platform", "linux/amd64,linux/arm64", "--output-dir", (dir_ / "out").string(),
         "--version", version, "--depfile", (dir_ / "out/{slug}/user.d").string()},
        "", env_);
    EXPECT_TRUE(result.ok()) << result.err;
    return result.err;
  };
  // Sources copied in the same clock tick as the first build started would (rightly) count as
  // changed: date them back, as sources normally are.
  auto an_hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& entry : fs::recursive_directory_iterator(src_))
    fs::last_write_time(entry.path(), an_hour_ago);
  fs::last_write_time(src_, an_hour_ago);
  go_build("s1");
  ASSERT_EQ(builds_of("linux_amd64"), 1u);
  ASSERT_EQ(builds_of("linux_arm64"), 1u);
  auto binary = read_text(dir_ / "out/linux_arm64/user");

  std::string progress = go_build("s1");
  EXPECT_NE(
      progress.find("linux/arm64 " + (dir_ / "out/linux_arm64/user").string() + " up to date"),
      std::string::npos)
      << progress;
  EXPECT_EQ(builds_of("linux_amd64"), 1u);
  EXPECT_EQ(builds_of("linux_arm64"), 1u);
  EXPECT_EQ(count_lines(log_, {}, "list "), 2u) << "no go list either";
  EXPECT_EQ(read_text(dir_ / "out/linux_arm64/user"), binary);

  // --dry-run says what a run would skip; with --force it prints the commands again.
  std::vector<std::string> dry = {"go-build",
                                  "--module-dir",
                                  src_.string(),
                                  "--package",
                                  "./application/user/cmd/user",
                                  "--platform",
                                  "linux/amd64,linux/arm64",
                                  "--output-dir",
                                  (dir_ / "out").string(),
                                  "--version",
                                  "s1",
                                  "--depfile",
                                  (dir_ / "out/{slug}/user.d").string(),
                                  "--dry-run"};
  auto planned = run_multiarch(dry, "", env_);
  ASSERT_TRUE(planned.ok()) << planned.err;
  size_t skipped = 0;
  for (size_t at = planned.out.find("# up to date"); at != std::string::npos;
       at = planned.out.find("# up to date", at + 1))
    ++skipped;
  EXPECT_EQ(skipped, 2u) << planned.out;
  EXPECT_EQ(planned.out.find(" build -trimpath"), std::string::npos) << planned.out;
  dry.push_back("--force");
  auto forced = run_multiarch(dry, "", env_);
  EXPECT_EQ(forced.out.find("# up to date"), std::string::npos) << forced.out;
  EXPECT_NE(forced.out.find(" build -trimpath"), std::string::npos) << forced.out;

  append("internal/service/shutdown_windows.go", "\n// touched\n");
  go_build("s1");
  EXPECT_EQ(builds_of("linux_amd64"), 1u) << "a windows-only file is no input of these";

  append("internal/service/service.go", "\n// touched\n");
  go_build("s1");
  EXPECT_EQ(builds_of("linux_amd64"), 2u) << "shared package edited";
  EXPECT_EQ(builds_of("linux_arm64"), 2u);

  go_build("s2");
  EXPECT_EQ(builds_of("linux_amd64"), 3u) << "another version is another command";
  EXPECT_EQ(builds_of("linux_arm64"), 3u);
}

TEST_F(NinjaRebuilds, CMakeGeneratorsReadTheDepfileWithSpacesInEveryPath) {
  MULTIARCH_REQUIRE_TOOL("cmake", "apt-get install cmake", "MULTIARCH_SKIP_BUILD_TOOLS");
  MULTIARCH_REQUIRE_TOOL("make", "apt-get install make", "MULTIARCH_SKIP_BUILD_TOOLS");
  MULTIARCH_REQUIRE_TOOL("ninja", "apt-get install ninja-build", "MULTIARCH_SKIP_BUILD_TOOLS");
  auto project = dir_ / "project";
  write_text(project / "CMakeLists.txt",
             "cmake_minimum_required(VERSION 3.25)\n"
             "project(depfile_check LANGUAGES NONE)\n"
             "set(out \"${CMAKE_BINARY_DIR}/out/linux_arm64/user\")\n"
             "add_custom_command(OUTPUT \"${out}\"\n"
             "  COMMAND \"${MULTIARCH}\" go-build --module-dir \"${SRC}\"\n"
             "          --package ./application/user/cmd/user --platform linux/arm64\n"
             "          --output-dir \"${CMAKE_BINARY_DIR}/out\" --version c1\n"
             "          --depfile \"${out}.d\" -q\n"
             "  DEPFILE \"${out}.d\" VERBATIM)\n"
             "add_custom_target(user ALL DEPENDS \"${out}\")\n");
  for (const std::string generator : {"Ninja", "Unix Makefiles"}) {
    SCOPED_TRACE(generator);
    auto build = dir_ / ("build " + generator);
    auto configured = run({"cmake", "-S", project.string(), "-B", build.string(), "-G", generator,
                           "-DMULTIARCH=" + multiarch_binary().string(), "-DSRC=" + src_.string()},
                          "", env_);
    ASSERT_TRUE(configured.ok()) << configured.out << configured.err;
    auto cmake_build = [&] {
      auto built = run({"cmake", "--build", build.string()}, "", env_);
      EXPECT_TRUE(built.ok()) << built.out << built.err;
    };
    size_t before = builds_of("linux_arm64");
    cmake_build();
    EXPECT_EQ(builds_of("linux_arm64"), before + 1);
    EXPECT_TRUE(fs::exists(build / "out/linux_arm64/user"));

    size_t calls = go_calls();
    cmake_build();
    EXPECT_EQ(go_calls(), calls) << "no-change build";

    append("internal/service/platform.go", "\n// touched by " + generator + "\n");
    cmake_build();
    EXPECT_EQ(builds_of("linux_arm64"), before + 2) << "edited input in a path with a space";
    calls = go_calls();
    cmake_build();
    EXPECT_EQ(go_calls(), calls);
  }
}

}  // namespace
}  // namespace multiarch::test
