// The module info Go embeds (runtime/debug.BuildInfo's text): path, mod, dep, => and build
// lines, and go.sum h1 hashes as hex.
#include "go/go_module_info.hpp"

#include <gtest/gtest.h>

#include "support/fake_binaries.hpp"

namespace multiarch {
namespace {

// As Go 1.26 writes it for a module with a replaced and a locally replaced dependency.
const std::string kModuleInfo =
    "path\texample.com/kratosbench/application/user/cmd/user\n"
    "mod\texample.com/kratosbench\t(devel)\t\n"
    "dep\tgithub.com/go-kratos/kratos/v2\tv2.8.3\th1:QmsRiF7VUnhFnQE9MmU/2vVDYIsGNfxEsUjFvCnsoC8=\n"
    "dep\tgolang.org/x/text\tv0.14.0\t\n"
    "=>\tgolang.org/x/text\tv0.15.0\th1:h1V/4gjBv8v9cjcR6+AR5+/cIYK5N/WAgiv4xlsEtAk=\n"
    "dep\texample.com/local\tv0.0.0\t\n"
    "=>\t../local\t\t\n"
    "build\t-buildmode=exe\n"
    "build\t-ldflags=-s -w -X main.version=1.0\n"
    "build\tCGO_ENABLED=0\n"
    "build\tGOARCH=arm\n"
    "build\tGOARM=7\n"
    "build\tGOOS=linux\n";

TEST(GoModuleInfo, ParsesPathModDepsReplacementsAndSettings) {
  GoModuleInfo info = parse_go_module_info("go1.26.8", kModuleInfo);
  EXPECT_EQ(info.go_version, "go1.26.8");
  EXPECT_EQ(info.package_path, "example.com/kratosbench/application/user/cmd/user");
  EXPECT_EQ(info.main.path, "example.com/kratosbench");
  EXPECT_EQ(info.main.version, "(devel)");
  EXPECT_EQ(info.main.sum, "");
  ASSERT_EQ(info.deps.size(), 3u);
  EXPECT_EQ(info.deps[0].path, "github.com/go-kratos/kratos/v2");
  EXPECT_EQ(info.deps[0].version, "v2.8.3");
  EXPECT_EQ(info.deps[0].sum, "h1:QmsRiF7VUnhFnQE9MmU/2vVDYIsGNfxEsUjFvCnsoC8=");
  EXPECT_EQ(info.deps[0].replace_path, "");
  EXPECT_EQ(info.deps[1].replace_path, "golang.org/x/text");
  EXPECT_EQ(info.deps[1].replace_version, "v0.15.0");
  EXPECT_EQ(info.deps[1].replace_sum, "h1:h1V/4gjBv8v9cjcR6+AR5+/cIYK5N/WAgiv4xlsEtAk=");
  EXPECT_EQ(info.deps[2].replace_path, "../local");
  EXPECT_EQ(info.deps[2].replace_version, "");
  EXPECT_EQ(info.settings.at("-ldflags"), "-s -w -X main.version=1.0");
  EXPECT_EQ(info.settings.at("GOARM"), "7");
}

TEST(GoModuleInfo, AcceptsGoVersionMOutputWithLeadingTabs) {
  GoModuleInfo info =
      parse_go_module_info("go1.22.1",
                           "\tpath\texample.com/x\n\tmod\texample.com/x\tv1.0.0\th1:abc\n"
                           "\tdep\tgolang.org/x/sys\tv0.18.0\th1:def\n\tbuild\tGOOS=linux\n");
  EXPECT_EQ(info.package_path, "example.com/x");
  EXPECT_EQ(info.main.version, "v1.0.0");
  ASSERT_EQ(info.deps.size(), 1u);
  EXPECT_EQ(info.deps[0].sum, "h1:def");
  EXPECT_EQ(info.settings.at("GOOS"), "linux");
}

TEST(GoModuleInfo, ReadsTheEmbeddedBlobOfAnExecutable) {
  std::string binary = test::elf_for("arm") + std::string(100, '\0') +
                       test::go_build_info_blob("go1.26.8", kModuleInfo) + std::string(50, 'x');
  auto info = go_module_info_of(binary);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->go_version, "go1.26.8");
  EXPECT_EQ(info->deps.size(), 3u);
  EXPECT_FALSE(go_module_info_of(test::elf_for("arm64")));
}

TEST(GoModuleInfo, GoSumHashAsHex) {
  // h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= is base64 of SHA-256("").
  EXPECT_EQ(go_sum_sha256_hex("h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_FALSE(go_sum_sha256_hex(""));
  EXPECT_FALSE(go_sum_sha256_hex("h1:tooshort="));
  EXPECT_FALSE(go_sum_sha256_hex("h2:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));
}

}  // namespace
}  // namespace multiarch
