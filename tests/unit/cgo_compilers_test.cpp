// The cgo cross-compiler map and its resolution, with PATH pointed at a folder we control.
#include "go/cgo_compilers.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "util/error.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

Platform platform(const std::string& spec) { return parse_platform(spec, {"linux", "amd64", ""}); }

TEST(CgoCompilers, DebianCrossCompilersByPlatform) {
  struct Case {
    const char* spec;
    const char* cc;
    const char* package;
  };
  const Case cases[] = {
      {"linux/amd64", "x86_64-linux-gnu-gcc", "gcc-x86-64-linux-gnu"},
      {"linux/arm64", "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"},
      {"linux/arm/v7", "arm-linux-gnueabihf-gcc", "gcc-arm-linux-gnueabihf"},
      {"linux/arm/v6", "arm-linux-gnueabi-gcc", "gcc-arm-linux-gnueabi"},
      {"linux/arm/v5", "arm-linux-gnueabi-gcc", "gcc-arm-linux-gnueabi"},
      {"linux/386", "i686-linux-gnu-gcc", "gcc-i686-linux-gnu"},
      {"linux/ppc64le", "powerpc64le-linux-gnu-gcc", "gcc-powerpc64le-linux-gnu"},
      {"linux/s390x", "s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu"},
      {"linux/riscv64", "riscv64-linux-gnu-gcc", "gcc-riscv64-linux-gnu"},
      {"linux/mips64le", "mips64el-linux-gnuabi64-gcc", "gcc-mips64el-linux-gnuabi64"},
      {"windows/amd64", "x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64"},
  };
  for (const auto& c : cases) {
    auto compiler = default_cross_compiler(platform(c.spec));
    ASSERT_TRUE(compiler) << c.spec;
    EXPECT_EQ(compiler->cc, c.cc);
    EXPECT_EQ(compiler->debian_package, c.package);
  }
  EXPECT_FALSE(default_cross_compiler(platform("darwin/arm64")));
}

/// Points PATH at a fresh folder holding the given fake executables, for one test.
class FakePath : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("multiarch-cgo-path-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const char* path = std::getenv("PATH");
    saved_path_ = path ? path : "";
    setenv("PATH", dir_.c_str(), 1);
  }
  void TearDown() override {
    setenv("PATH", saved_path_.c_str(), 1);
    fs::remove_all(dir_);
  }
  std::string executable(const std::string& name) {
    auto path = dir_ / name;
    std::ofstream(path) << "#!/bin/true\n";
    ::chmod(path.c_str(), 0755);
    return path.string();
  }
  fs::path dir_;
  std::string saved_path_;
};

TEST_F(FakePath, FoundCompilersBecomeCcAndCxx) {
  executable("aarch64-linux-gnu-gcc");
  executable("aarch64-linux-gnu-g++");
  executable("arm-linux-gnueabihf-gcc");
  auto resolved = resolve_cross_compilers({platform("linux/arm64"), platform("linux/arm/v7")}, {});
  using Env = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(resolved.at("linux/arm64"),
            (Env{{"CC", "aarch64-linux-gnu-gcc"}, {"CXX", "aarch64-linux-gnu-g++"}}));
  EXPECT_EQ(resolved.at("linux/arm/v7"), (Env{{"CC", "arm-linux-gnueabihf-gcc"}}));
}

TEST_F(FakePath, OverridesWinAndMustExist) {
  std::string cc = executable("my-cc");
  auto resolved = resolve_cross_compilers({platform("linux/arm64")}, {{"linux/arm64", cc}});
  EXPECT_EQ(resolved.at("linux/arm64").front().second, cc);
  EXPECT_THROW(resolve_cross_compilers({platform("linux/arm64")},
                                       {{"linux/arm64", (dir_ / "absent").string()}}),
               RuntimeError);
  EXPECT_THROW(resolve_cross_compilers({platform("linux/arm64")}, {{"linux/s390x", cc}}),
               InputError);
}

TEST_F(FakePath, EveryMissingCompilerIsNamedWithItsFix) {
  executable("aarch64-linux-gnu-gcc");
  try {
    resolve_cross_compilers(
        {platform("linux/arm64"), platform("linux/s390x"), platform("darwin/arm64")}, {});
    FAIL() << "no error";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--cgo needs a C cross compiler per platform: linux/s390x: s390x-linux-gnu-gcc not "
              "found (apt-get install gcc-s390x-linux-gnu, or pass --cc linux/s390x=PATH); "
              "darwin/arm64: no default C cross compiler; pass --cc darwin/arm64=PATH");
  }
}

}  // namespace
}  // namespace multiarch
