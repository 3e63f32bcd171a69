// `go version -m` parsing and the comparison with the environment a binary was built with.
#include "multiarch/go_build_settings.hpp"

#include <gtest/gtest.h>

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
