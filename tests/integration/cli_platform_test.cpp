// Runs the built `multiarch platform ...` for exit codes, stream separation and JSON shape.
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace multiarch::test {
namespace {

TEST(CliPlatform, NormalizePrintsOnePerLineDeduplicatedInOrder) {
  auto r = run_multiarch({"platform", "normalize", "linux/arm64/v8,aarch64", "armhf",
                          "linux/amd64/v1", "linux/arm64"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "linux/arm64\nlinux/arm/v7\nlinux/amd64\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliPlatform, NormalizeExpandsPresets) {
  auto r = run_multiarch({"platform", "normalize", "common"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "linux/amd64\nlinux/arm64\n");
}

TEST(CliPlatform, InvalidSpecIsOneStderrLineExitTwoAndNothingOnStdoutForIt) {
  auto r = run_multiarch({"platform", "normalize", "linux/amd64", "linux/amd64/v5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "linux/amd64\n");
  EXPECT_NE(r.err.find("\"linux/amd64/v5\""), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// Issue 17 item 11: a trailing comma is bad input (cxxopts alone would drop the empty entry).
TEST(CliPlatform, ATrailingCommaIsBadInputNamingTheList) {
  auto r = run_multiarch({"platform", "normalize", "linux/amd64,"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("\"linux/amd64,\": empty entry"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// Issue 17 item 13: arch/variant is not os/arch; the error says so and suggests linux/...
TEST(CliPlatform, AnArchitectureFirstSpecIsBadInputSuggestingLinux) {
  for (const char* action : {"normalize", "env", "show"}) {
    SCOPED_TRACE(action);
    auto r = run_multiarch({"platform", action, "arm/v6"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("\"arm\" is an architecture, not an operating system"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("write linux/arm/v6"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  auto level = run_multiarch({"platform", "normalize", "amd64/v5"});
  EXPECT_EQ(level.exit_code, 2);
  EXPECT_NE(level.err.find("as linux/amd64/v5: amd64 takes the variants"), std::string::npos)
      << level.err;
}

TEST(CliPlatform, ShowJsonHasTheDocumentedShape) {
  auto r = run_multiarch({"platform", "show", "linux/arm/v6", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["platform"], "linux/arm/v6");
  EXPECT_EQ(j["os"], "linux");
  EXPECT_EQ(j["architecture"], "arm");
  EXPECT_EQ(j["variant"], "v6");
  EXPECT_EQ(j["build_args"]["TARGETPLATFORM"], "linux/arm/v6");
  EXPECT_EQ(j["build_args"]["TARGETOS"], "linux");
  EXPECT_EQ(j["build_args"]["TARGETARCH"], "arm");
  EXPECT_EQ(j["build_args"]["TARGETVARIANT"], "v6");
  EXPECT_EQ(j["go_env"]["GOOS"], "linux");
  EXPECT_EQ(j["go_env"]["GOARCH"], "arm");
  EXPECT_EQ(j["go_env"]["GOARM"], "6");
  EXPECT_EQ(j["go_env"]["CGO_ENABLED"], "0");
  EXPECT_EQ(j["slug"], "linux_arm_v6");
  EXPECT_EQ(j["binary_suffix"], "");
  EXPECT_EQ(j.size(), 8u);
}

TEST(CliPlatform, ShowWindowsHasExeSuffixAndEmptyVariant) {
  auto r = run_multiarch({"platform", "show", "windows/amd64", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["binary_suffix"], ".exe");
  EXPECT_EQ(j["variant"], "");
  EXPECT_EQ(j["build_args"]["TARGETVARIANT"], "");
}

TEST(CliPlatform, EnvPrintsKeyValueLinesMatchingShow) {
  auto r = run_multiarch({"platform", "env", "linux/amd64/v3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "GOOS=linux\nGOARCH=amd64\nGOAMD64=v3\nCGO_ENABLED=0\n");
}

TEST(CliPlatform, ShowRoundTripsThroughNormalize) {
  for (const char* spec : {"armhf", "linux/arm64/v9.0", "i686", "linux/ppc64le/power9"}) {
    auto show = run_multiarch({"platform", "show", spec, "--format", "json"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    std::string normalized = nlohmann::json::parse(show.out)["platform"];
    auto again = run_multiarch({"platform", "normalize", normalized});
    EXPECT_EQ(again.out, normalized + "\n") << spec;
  }
}

TEST(CliPlatform, UnsupportedPairFromTheRealToolchainIsAnInputError) {
  auto r = run_multiarch({"platform", "env", "plan9/s390x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("plan9/s390x"), std::string::npos) << r.err;
}

TEST(CliPlatform, ListShowsToolchainPlatformsAndPresets) {
  auto r = run_multiarch({"platform", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("linux/arm/v6"), std::string::npos);
  EXPECT_NE(r.out.find("GOARM=6"), std::string::npos);
  EXPECT_NE(r.out.find("common"), std::string::npos);
  EXPECT_NE(r.out.find("all-arm"), std::string::npos);
}

TEST(CliPlatform, HelpAndUnknownCommand) {
  auto help = run_multiarch({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("platform"), std::string::npos);
  auto unknown = run_multiarch({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("frobnicate"), std::string::npos);
  auto bad_flag = run_multiarch({"platform", "show", "linux/amd64", "--bogus"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_NE(bad_flag.err.find("bogus"), std::string::npos) << bad_flag.err;
}

}  // namespace
}  // namespace multiarch::test
