// The depfile's prerequisites from a package graph: what is listed for which platform.
#include "go/go_build_inputs.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace multiarch {
namespace {

namespace fs = std::filesystem;

const Platform kLinuxAmd64{"linux", "amd64", ""};
const Platform kLinuxArm64{"linux", "arm64", ""};
const Platform kWindowsAmd64{"windows", "amd64", ""};
const Platform kAndroidArm64{"android", "arm64", ""};
const Platform kIosArm64{"ios", "arm64", ""};

struct NameCase {
  const char* file;
  Platform platform;
  bool matches;
};

TEST(GoFileNameMatches, FollowsGoBuildsFileNameRule) {
  const NameCase cases[] = {
      {"main.go", kLinuxAmd64, true},
      {"x_linux.go", kLinuxAmd64, true},
      {"x_linux.go", kWindowsAmd64, false},
      {"x_windows.go", kLinuxAmd64, false},
      {"x_windows.go", kWindowsAmd64, true},
      {"x_amd64.go", kLinuxArm64, false},
      {"x_arm64.go", kLinuxArm64, true},
      {"x_linux_arm64.go", kLinuxArm64, true},
      {"x_linux_arm64.go", kLinuxAmd64, false},
      {"x_windows_arm64.go", kLinuxArm64, false},
      {"x_linux_test.go", kWindowsAmd64, false},
      {"x_test.go", kWindowsAmd64, true},
      // "unix" is a build tag, never a file-name constraint.
      {"shutdown_unix.go", kWindowsAmd64, true},
      // Only what follows the first '_' counts.
      {"linux.go", kWindowsAmd64, true},
      {"windows.go", kLinuxAmd64, true},
      {"asm_arm64.s", kLinuxAmd64, false},
      {"sub/dir/x_windows.go", kLinuxAmd64, false},
      {"x_linux.go", kAndroidArm64, true},
      {"x_darwin.go", kIosArm64, true},
      {"x_ios.go", kIosArm64, true},
      {"x_wasip1.go", kLinuxAmd64, false},
      {"x_mips64p32.go", kLinuxAmd64, false},
      {"x_foo.go", kLinuxAmd64, true},
  };
  for (const auto& c : cases)
    EXPECT_EQ(go_file_name_matches(c.file, c.platform), c.matches)
        << c.file << " for " << c.platform.str();
}

class GoBuildInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("multiarch-inputs-" + std::to_string(getpid()) + "-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    touch("m/go.mod");
    touch("goroot/VERSION");
  }
  void TearDown() override { fs::remove_all(root_); }
  void touch(const std::string& relative) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << "x";
  }
  std::string path(const std::string& relative) const { return (root_ / relative).string(); }

  GoListPackage main_package(const std::string& dir_relative) const {
    GoListPackage p;
    p.import_path = "example.com/m/" + dir_relative;
    p.dir = path("m/" + dir_relative);
    p.has_module = true;
    p.module.main = true;
    p.module.dir = path("m");
    p.module.go_mod = path("m/go.mod");
    return p;
  }
  GoListPackage standard_package() const {
    GoListPackage p;
    p.import_path = "fmt";
    p.dir = path("goroot/src/fmt");
    p.root = path("goroot");
    p.standard = true;
    p.files = {"print.go"};
    return p;
  }
  GoBuildInputsContext context(const Platform& platform) const {
    GoBuildInputsContext c;
    c.platform = platform;
    c.go_executable = "/usr/bin/go";
    return c;
  }
  bool listed(const std::vector<std::string>& inputs, const std::string& relative) const {
    return std::find(inputs.begin(), inputs.end(), path(relative)) != inputs.end();
  }
  fs::path root_;
};

TEST_F(GoBuildInputs, ListsLocalFilesTheirDirectoriesModuleFilesAndTheToolchain) {
  auto service = main_package("internal/service");
  service.files = {"service.go", "shutdown_unix.go", "assets/img/logo.png"};
  service.ignored_files = {"shutdown_windows.go"};
  auto inputs = go_build_inputs({standard_package(), service}, context(kLinuxAmd64));
  std::vector<std::string> expected = {
      path("goroot/VERSION"),
      path("m/go.mod"),
      path("m/internal/service"),
      path("m/internal/service/assets"),
      path("m/internal/service/assets/img"),
      path("m/internal/service/assets/img/logo.png"),
      path("m/internal/service/service.go"),
      path("m/internal/service/shutdown_unix.go"),
  };
  EXPECT_EQ(inputs, expected);
}

TEST_F(GoBuildInputs, FileNameExcludedFilesBelongOnlyToTheirPlatform) {
  auto service = main_package("internal/service");
  service.files = {"service.go"};
  // What go list reports for linux: the windows file is ignored by its name, the tagged
  // one by its //go:build line.
  service.ignored_files = {"shutdown_windows.go", "tagged.go", "x_windows_test.go"};
  auto linux_inputs = go_build_inputs({service}, context(kLinuxAmd64));
  EXPECT_FALSE(listed(linux_inputs, "m/internal/service/shutdown_windows.go"));
  EXPECT_TRUE(listed(linux_inputs, "m/internal/service/tagged.go"))
      << "an edit to its //go:build line could bring it in";
  EXPECT_FALSE(listed(linux_inputs, "m/internal/service/x_windows_test.go"));

  service.files = {"service.go", "shutdown_windows.go"};
  service.ignored_files = {"shutdown_unix.go"};
  auto windows_inputs = go_build_inputs({service}, context(kWindowsAmd64));
  EXPECT_TRUE(listed(windows_inputs, "m/internal/service/shutdown_windows.go"));
}

TEST_F(GoBuildInputs, ModuleCachePackagesAreCoveredByGoSum) {
  touch("m/go.sum");
  GoListPackage dep;
  dep.dir = path("gomodcache/example.com/dep@v1.0.0");
  dep.has_module = true;
  dep.module.dir = dep.dir;
  dep.module.go_mod = path("gomodcache/cache/download/example.com/dep/@v/v1.0.0.mod");
  dep.files = {"dep.go"};
  auto inputs = go_build_inputs({main_package("cmd/x"), dep}, context(kLinuxAmd64));
  EXPECT_TRUE(listed(inputs, "m/go.sum"));
  for (const auto& input : inputs) EXPECT_EQ(input.find("gomodcache"), std::string::npos) << input;
}

TEST_F(GoBuildInputs, LocalReplacementsAndVendoredPackagesAreListed) {
  touch("libs/strutil/go.mod");
  touch("m/vendor/modules.txt");
  GoListPackage replaced;
  replaced.dir = path("libs/strutil");
  replaced.has_module = true;
  replaced.module.local_replace = true;
  replaced.module.dir = replaced.dir;
  replaced.module.go_mod = path("libs/strutil/go.mod");
  replaced.files = {"s.go"};
  GoListPackage vendored;
  vendored.dir = path("m/vendor/example.com/dep");
  vendored.has_module = true;
  vendored.files = {"dep.go"};
  auto inputs = go_build_inputs({main_package("cmd/x"), replaced, vendored}, context(kLinuxAmd64));
  EXPECT_TRUE(listed(inputs, "libs/strutil/s.go"));
  EXPECT_TRUE(listed(inputs, "libs/strutil/go.mod"));
  EXPECT_TRUE(listed(inputs, "m/vendor/example.com/dep/dep.go"));
  EXPECT_TRUE(listed(inputs, "m/vendor/modules.txt"));
}

TEST_F(GoBuildInputs, WorkspaceFilesAreListedWhenAWorkspaceIsUsed) {
  touch("go.work");
  touch("go.work.sum");
  auto c = context(kLinuxAmd64);
  c.go_work = path("go.work");
  auto inputs = go_build_inputs({main_package("cmd/x")}, c);
  EXPECT_TRUE(listed(inputs, "go.work"));
  EXPECT_TRUE(listed(inputs, "go.work.sum"));
  c.go_work = "off";
  inputs = go_build_inputs({main_package("cmd/x")}, c);
  EXPECT_FALSE(listed(inputs, "go.work"));
}

TEST_F(GoBuildInputs, ToolchainWithoutVersionFileIsIdentifiedByItsGoExecutable) {
  fs::remove(root_ / "goroot/VERSION");
  auto inputs = go_build_inputs({standard_package(), main_package("cmd/x")}, context(kLinuxAmd64));
  EXPECT_NE(std::find(inputs.begin(), inputs.end(), "/usr/bin/go"), inputs.end());
  // With no standard package in the graph, GOROOT comes from the context.
  touch("goroot/VERSION");
  auto c = context(kLinuxAmd64);
  c.goroot = path("goroot");
  inputs = go_build_inputs({main_package("cmd/x")}, c);
  EXPECT_TRUE(listed(inputs, "goroot/VERSION"));
}

}  // namespace
}  // namespace multiarch
