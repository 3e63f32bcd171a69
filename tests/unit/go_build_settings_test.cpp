// `go version -m` parsing and the comparison with the environment a binary was built with.
#include "go/go_build_settings.hpp"

#include <gtest/gtest.h>

#include "support/fake_binaries.hpp"

namespace multiarch {
namespace {

// Real output of `go version -m` for a linux/arm/v6 build of the example.
constexpr const char* kArmV6 =
    "out/linux_arm_v6/user: go1.26.8\n"
    "\tpath\texample.com/monorepo/application/user/cmd/user\n"
    "\tmod\texample.com/monorepo\t(devel)\t\n"
    "\tbuild\t-buildmode=exe\n"
    "\tbuild\t-compiler=gc\n"
    "\tbuild\t-ldflags=\"-s -w -X main.Version=v1\"\n"
    "\tbuild\t-trimpath=true\n"
    "\tbuild\tDefaultGODEBUG=asynctimerchan=1,tls10server=1\n"
    "\tbuild\tCGO_ENABLED=0\n"
    "\tbuild\tGOARCH=arm\n"
    "\tbuild\tGOOS=linux\n"
    "\tbuild\tGOARM=6\n";

TEST(GoBuildSettings, ParsesBuildLinesOnly) {
  auto settings = parse_go_build_settings(kArmV6);
  EXPECT_EQ(settings.at("GOOS"), "linux");
  EXPECT_EQ(settings.at("GOARCH"), "arm");
  EXPECT_EQ(settings.at("GOARM"), "6");
  EXPECT_EQ(settings.at("CGO_ENABLED"), "0");
  EXPECT_EQ(settings.at("-trimpath"), "true");
  EXPECT_EQ(settings.at("-ldflags"), "\"-s -w -X main.Version=v1\"");
  EXPECT_EQ(settings.at("DefaultGODEBUG"), "asynctimerchan=1,tls10server=1");
  EXPECT_EQ(settings.count("path"), 0u);
  EXPECT_TRUE(parse_go_build_settings("").empty());
}

// The module info text as Go embeds it (what `go version -m` prints, without leading tabs).
constexpr const char* kEmbeddedArmV6 =
    "path\texample.com/monorepo/application/user/cmd/user\n"
    "mod\texample.com/monorepo\t(devel)\t\n"
    "build\t-trimpath=true\n"
    "build\tDefaultGODEBUG=asynctimerchan=1\n"
    "build\tCGO_ENABLED=0\n"
    "build\tGOARCH=arm\n"
    "build\tGOOS=linux\n"
    "build\tGOARM=6\n";

TEST(GoBuildInfo, FoundInTheMiddleOfAnExecutable) {
  std::string executable = std::string(4099, 'x') +
                           test::go_build_info_blob("go1.26.8", kEmbeddedArmV6) +
                           std::string(100, '\0');
  auto info = find_go_build_info(executable);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->go_version, "go1.26.8");
  EXPECT_EQ(info->module_info, kEmbeddedArmV6) << "the sentinels are stripped";
  auto settings = parse_go_build_settings(info->module_info);
  EXPECT_EQ(settings.at("GOARM"), "6");
  EXPECT_EQ(settings.at("DefaultGODEBUG"), "asynctimerchan=1");
  EXPECT_EQ(settings.count("path"), 0u);
}

TEST(GoBuildInfo, AMagicThatIsOnlyAConstantIsSkipped) {
  // A program importing debug/buildinfo holds the magic as a string constant too.
  std::string executable = std::string("\xff Go buildinf:", 14) + "not a header at all......" +
                           test::go_build_info_blob("go1.26.8", kEmbeddedArmV6);
  auto info = find_go_build_info(executable);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->go_version, "go1.26.8");
}

TEST(GoBuildInfo, AbsentTruncatedOrOldFormatIsNone) {
  EXPECT_FALSE(find_go_build_info(""));
  EXPECT_FALSE(find_go_build_info(std::string(1000, '\0')));
  std::string blob = test::go_build_info_blob("go1.26.8", kEmbeddedArmV6);
  EXPECT_FALSE(find_go_build_info(blob.substr(0, blob.size() - 20))) << "length beyond the end";
  EXPECT_FALSE(find_go_build_info(blob.substr(0, 20))) << "header cut short";
  std::string pointer_format = blob;
  pointer_format[15] = '\0';  // Go before 1.18: pointers to the strings, not read here
  EXPECT_FALSE(find_go_build_info(pointer_format));
}

TEST(GoBuildSettings, MatchingEnvironmentIsNoMismatch) {
  GoEnv env = {{"GOOS", "linux"},
               {"GOARCH", "arm"},
               {"GOARM", "6"},
               {"CGO_ENABLED", "0"},
               {"CC", "arm-linux-gnueabi-gcc"}};
  EXPECT_EQ(go_build_settings_mismatch(parse_go_build_settings(kArmV6), env), std::nullopt)
      << "CC is not recorded by Go and is not compared";
}

TEST(GoBuildSettings, EveryDifferenceIsNamed) {
  auto settings = parse_go_build_settings(kArmV6);
  GoEnv wrong_level = {{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "7"}, {"CGO_ENABLED", "0"}};
  EXPECT_EQ(go_build_settings_mismatch(settings, wrong_level), "GOARM=6 (wanted GOARM=7)");
  GoEnv wrong_everything = {
      {"GOOS", "windows"}, {"GOARCH", "amd64"}, {"GOAMD64", "v3"}, {"CGO_ENABLED", "1"}};
  EXPECT_EQ(go_build_settings_mismatch(settings, wrong_everything),
            "GOOS=linux (wanted GOOS=windows), GOARCH=arm (wanted GOARCH=amd64), no GOAMD64 "
            "(wanted GOAMD64=v3), CGO_ENABLED=0 (wanted CGO_ENABLED=1)");
}

}  // namespace
}  // namespace multiarch
