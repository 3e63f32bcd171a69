// Vector tables for the platform engine: platforms.md sections 1-3 are the spec.
#include "platform/platform.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "go/go_env.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

const Platform kAmd64Host{"linux", "amd64", ""};
const Platform kArmV6Host{"linux", "arm", "v6"};

struct NormalizeCase {
  const char* spec;
  const char* expected;
};

// Every row of the reference normalization table, each alias, every variant form.
const NormalizeCase kNormalizeCases[] = {
    {"linux/amd64", "linux/amd64"},
    {"linux/x86_64", "linux/amd64"},
    {"linux/x86-64", "linux/amd64"},
    {"x86_64", "linux/amd64"},
    {"amd64", "linux/amd64"},
    {"linux/amd64/v1", "linux/amd64"},
    {"linux/amd64/v2", "linux/amd64/v2"},
    {"linux/amd64/v3", "linux/amd64/v3"},
    {"linux/amd64/v4", "linux/amd64/v4"},
    {"linux/x86_64/v3", "linux/amd64/v3"},
    {"LINUX/AMD64/V3", "linux/amd64/v3"},
    {"linux/aarch64", "linux/arm64"},
    {"aarch64", "linux/arm64"},
    {"linux/arm64", "linux/arm64"},
    {"linux/arm64/v8", "linux/arm64"},
    {"linux/arm64/8", "linux/arm64"},
    {"linux/arm64/v8.0", "linux/arm64"},
    {"linux/aarch64/v8", "linux/arm64"},
    {"linux/arm64/9", "linux/arm64/v9"},
    {"linux/arm64/v9", "linux/arm64/v9"},
    {"linux/arm64/v9.0", "linux/arm64/v9"},
    {"linux/arm64/v8.2", "linux/arm64/v8.2"},
    {"linux/arm64/v8.9", "linux/arm64/v8.9"},
    {"linux/arm64/v9.5", "linux/arm64/v9.5"},
    {"linux/arm", "linux/arm/v7"},
    {"arm", "linux/arm/v7"},
    {"linux/arm/7", "linux/arm/v7"},
    {"linux/arm/v7", "linux/arm/v7"},
    {"linux/arm/5", "linux/arm/v5"},
    {"linux/arm/6", "linux/arm/v6"},
    {"linux/arm/8", "linux/arm/v8"},
    {"linux/arm/v5", "linux/arm/v5"},
    {"linux/arm/v6", "linux/arm/v6"},
    {"linux/arm/v8", "linux/arm/v8"},
    {"linux/armhf", "linux/arm/v7"},
    {"armhf", "linux/arm/v7"},
    {"linux/armel", "linux/arm/v6"},
    {"armel", "linux/arm/v6"},
    {"armv7l", "linux/arm/v7"},
    {"linux/armv7l", "linux/arm/v7"},
    {"armv6l", "linux/arm/v6"},
    {"armv5l", "linux/arm/v5"},
    {"linux/i386", "linux/386"},
    {"i386", "linux/386"},
    {"i686", "linux/386"},
    {"linux/386", "linux/386"},
    {"linux/386/sse2", "linux/386"},
    {"linux/386/softfloat", "linux/386/softfloat"},
    {"ppc64el", "linux/ppc64le"},
    {"linux/ppc64le", "linux/ppc64le"},
    {"linux/ppc64le/power8", "linux/ppc64le"},
    {"linux/ppc64le/power9", "linux/ppc64le/power9"},
    {"linux/ppc64le/power10", "linux/ppc64le/power10"},
    {"linux/s390x", "linux/s390x"},
    {"linux/riscv64", "linux/riscv64"},
    {"linux/riscv64/rva20u64", "linux/riscv64"},
    {"linux/riscv64/rva22u64", "linux/riscv64/rva22u64"},
    {"linux/riscv64/rva23u64", "linux/riscv64/rva23u64"},
    {"linux/loong64", "linux/loong64"},
    {"linux/mips64le", "linux/mips64le"},
    {"linux/mipsle/softfloat", "linux/mipsle/softfloat"},
    {"linux/mips/hardfloat", "linux/mips"},
    {"windows/amd64", "windows/amd64"},
    {"windows/arm64", "windows/arm64"},
    {"windows/x86_64", "windows/amd64"},
    {"macos/arm64", "darwin/arm64"},
    {"darwin/aarch64", "darwin/arm64"},
    {"freebsd/amd64", "freebsd/amd64"},
    {"linux", "linux/amd64"},
    {"windows", "windows/amd64"},
    {"macos", "darwin/amd64"},
};

class NormalizeTest : public ::testing::TestWithParam<NormalizeCase> {};

TEST_P(NormalizeTest, MatchesReference) {
  const auto& c = GetParam();
  EXPECT_EQ(parse_platform(c.spec, kAmd64Host).str(), c.expected) << c.spec;
}

TEST_P(NormalizeTest, NormalizingTwiceChangesNothing) {
  Platform once = parse_platform(GetParam().spec, kAmd64Host);
  EXPECT_EQ(parse_platform(once.str(), kAmd64Host), once);
}

INSTANTIATE_TEST_SUITE_P(Reference, NormalizeTest, ::testing::ValuesIn(kNormalizeCases));

struct ErrorCase {
  const char* spec;
  const char* message_part;  // the error must say what is wrong
};

const ErrorCase kErrorCases[] = {
    {"", "empty"},
    {"/linux/amd64", "leading or trailing"},
    {"linux/amd64/", "leading or trailing"},
    {"linux//amd64", "empty component"},
    {"linux/amd 64", "characters outside"},
    {" linux/amd64", "characters outside"},
    {"linux/amd64$", "characters outside"},
    {"linux/*", "wildcard"},
    {"*", "wildcard"},
    {"linux/arm/v7/extra", "too many"},
    {"plan10", "neither a known operating system"},
    {"foo", "neither a known operating system"},
    {"linux/amd64/v5", "amd64 takes"},
    {"linux/amd64/v0", "amd64 takes"},
    {"linux/amd64/3", "amd64 takes"},
    {"linux/arm/v4", "arm takes"},
    {"linux/arm/v9", "arm takes"},
    {"linux/arm64/v8.10", "beyond"},
    {"linux/arm64/v9.6", "beyond"},
    {"linux/arm64/v10", "arm64 takes"},
    {"linux/arm64/x", "arm64 takes"},
    {"linux/ppc64le/power7", "ppc64le takes"},
    {"linux/riscv64/rva99u64", "riscv64 takes"},
    {"linux/386/sse3", "386 takes"},
    {"linux/s390x/z15", "no variants"},
    {"linux/loong64/v1", "no variants"},
    {"linux/armhf/v6", "already means arm/v7"},
    {"linux/mips64/fast", "mips64 takes"},
    // architecture/variant where os/architecture belongs (issue 17 item 13)
    {"arm/v6", "\"arm\" is an architecture, not an operating system"},
    {"amd64/v5", "amd64 takes"},
    {"arm64/v8.10", "beyond"},
    {"aarch64/v8.2", "is an architecture, not an operating system"},
};

class ErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorTest, IsInputErrorNamingSpec) {
  const auto& c = GetParam();
  try {
    parse_platform(c.spec, kAmd64Host);
    FAIL() << "expected an error for \"" << c.spec << "\"";
  } catch (const InputError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find(std::string("\"") + c.spec + "\""), std::string::npos) << what;
    EXPECT_NE(what.find(c.message_part), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
  }
}

INSTANTIATE_TEST_SUITE_P(Reference, ErrorTest, ::testing::ValuesIn(kErrorCases));

TEST(ArchitectureFirst, SaysSoAndSuggestsTheLinuxSpec) {
  auto message = [](const char* spec) {
    try {
      parse_platform(spec, kAmd64Host);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("arm/v6"),
            "invalid platform \"arm/v6\": \"arm\" is an architecture, not an operating system "
            "(os/arch[/variant]); write linux/arm/v6");
  EXPECT_EQ(message("aarch64/v8.2"),
            "invalid platform \"aarch64/v8.2\": \"aarch64\" is an architecture, not an operating "
            "system (os/arch[/variant]); write linux/arm64/v8.2");
  EXPECT_EQ(message("amd64/v5"),
            "invalid platform \"amd64/v5\": \"amd64\" is an architecture, not an operating "
            "system (os/arch[/variant]); as linux/amd64/v5: amd64 takes the variants v1, v2, v3 "
            "or v4 (GOAMD64), not \"v5\"");
  // An unknown first part is still read as an OS (the toolchain decides).
  EXPECT_EQ(parse_platform("plan9/386", kAmd64Host).str(), "plan9/386");
}

TEST(PlatformList, ATrailingOrDoubledCommaIsAnError) {
  EXPECT_THROW(parse_platform_list({"linux/amd64,"}, kAmd64Host), InputError);
  EXPECT_THROW(parse_platform_list({",linux/amd64"}, kAmd64Host), InputError);
  EXPECT_THROW(parse_platform_list({"linux/amd64,,linux/arm64"}, kAmd64Host), InputError);
}

TEST(HostDefault, BareOsTakesTheHostArchitectureAndVariant) {
  EXPECT_EQ(parse_platform("linux", kArmV6Host).str(), "linux/arm/v6");
  EXPECT_EQ(parse_platform("linux", Platform{"linux", "arm64", ""}).str(), "linux/arm64");
}

TEST(HostDefault, BareArchitectureMeansLinuxWhateverTheHost) {
  EXPECT_EQ(parse_platform("arm64", Platform{"darwin", "arm64", ""}).str(), "linux/arm64");
}

TEST(HostDefault, UnameSpellingsNormalize) {
  EXPECT_EQ(platform_from_uname("Linux", "x86_64").str(), "linux/amd64");
  EXPECT_EQ(platform_from_uname("Linux", "aarch64").str(), "linux/arm64");
  EXPECT_EQ(platform_from_uname("Linux", "armv7l").str(), "linux/arm/v7");
  EXPECT_EQ(platform_from_uname("Linux", "armv6l").str(), "linux/arm/v6");
  EXPECT_EQ(platform_from_uname("Linux", "i686").str(), "linux/386");
  EXPECT_EQ(platform_from_uname("Darwin", "arm64").str(), "darwin/arm64");
}

TEST(PlatformList, CommaListsPresetsAndDuplicates) {
  auto list =
      parse_platform_list({"linux/amd64,linux/arm64/v8", "aarch64", "linux/arm"}, kAmd64Host);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].str(), "linux/amd64");
  EXPECT_EQ(list[1].str(), "linux/arm64");
  EXPECT_EQ(list[2].str(), "linux/arm/v7");

  auto preset = parse_platform_list({"all-arm", "linux/arm64", "common"}, kAmd64Host);
  std::vector<std::string> names;
  for (const auto& p : preset) names.push_back(p.str());
  EXPECT_EQ(names, (std::vector<std::string>{"linux/arm/v6", "linux/arm/v7", "linux/arm64",
                                             "linux/amd64"}));
  EXPECT_THROW(parse_platform_list({"linux/amd64,"}, kAmd64Host), InputError);
  EXPECT_THROW(parse_platform_list({"linux/amd64,,linux/arm64"}, kAmd64Host), InputError);
}

TEST(PlatformList, EveryPresetAndKnownPlatformParses) {
  for (const auto& preset : platform_presets())
    EXPECT_FALSE(parse_platform_list({preset.name}, kAmd64Host).empty()) << preset.name;
  for (const auto& spec : known_platforms())
    EXPECT_EQ(parse_platform(spec, kAmd64Host).str(), spec);
}

// Issue 16's trial: linux/arm64/v8.1 parsed but was missing from `platform list` and
// completion, a second list that had drifted. Every variant the parser takes is listed.
TEST(PlatformList, ListsEveryVariantTheParserTakes) {
  auto listed = [](const std::string& spec) {
    const auto& known = known_platforms();
    return std::find(known.begin(), known.end(), spec) != known.end();
  };
  for (int minor = 1; minor <= 9; ++minor)
    EXPECT_TRUE(listed(fmt::format("linux/arm64/v8.{}", minor))) << minor;
  for (int minor = 1; minor <= 5; ++minor)
    EXPECT_TRUE(listed(fmt::format("linux/arm64/v9.{}", minor))) << minor;
  for (const char* spec : {"linux/arm64", "linux/arm64/v9", "linux/arm/v5", "linux/arm/v8",
                           "linux/amd64/v4", "linux/386/softfloat", "linux/ppc64/power10",
                           "linux/mips64le/softfloat", "linux/riscv64/rva23u64"})
    EXPECT_TRUE(listed(spec)) << spec;
  EXPECT_FALSE(listed("linux/arm"));  // it means linux/arm/v7, which is listed
  EXPECT_THROW(parse_platform("linux/arm64/v8.10", kAmd64Host), InputError);
  EXPECT_THROW(parse_platform("linux/arm64/v9.6", kAmd64Host), InputError);
  EXPECT_THROW(parse_platform("linux/s390x/z13", kAmd64Host), InputError);
}

TEST(BuildArgs, AreWhatBuildKitSets) {
  using Args = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(parse_platform("linux/arm", kAmd64Host).build_args(),
            (Args{{"TARGETPLATFORM", "linux/arm/v7"},
                  {"TARGETOS", "linux"},
                  {"TARGETARCH", "arm"},
                  {"TARGETVARIANT", "v7"}}));
  EXPECT_EQ(parse_platform("linux/arm64/v8", kAmd64Host).build_args(),
            (Args{{"TARGETPLATFORM", "linux/arm64"},
                  {"TARGETOS", "linux"},
                  {"TARGETARCH", "arm64"},
                  {"TARGETVARIANT", ""}}));
  EXPECT_EQ(parse_platform("linux/amd64/v3", kAmd64Host).build_args()[3].second, "v3");
  EXPECT_EQ(parse_platform("windows/amd64", kAmd64Host).build_args()[0].second, "windows/amd64");
}

TEST(Slug, ReplacesSlashesAndSuffixIsExeOnWindows) {
  EXPECT_EQ(parse_platform("linux/arm/v7", kAmd64Host).slug(), "linux_arm_v7");
  EXPECT_EQ(parse_platform("linux/amd64", kAmd64Host).slug(), "linux_amd64");
  EXPECT_EQ(parse_platform("windows/amd64", kAmd64Host).binary_suffix(), ".exe");
  EXPECT_EQ(parse_platform("linux/amd64", kAmd64Host).binary_suffix(), "");
}

// The line `platform normalize --slugs` prints and the CMake module splits on spaces.
TEST(Slug, SlugLineIsPlatformSlugAndSuffixWhenThereIsOne) {
  EXPECT_EQ(parse_platform("armhf", kAmd64Host).slug_line(), "linux/arm/v7 linux_arm_v7");
  EXPECT_EQ(parse_platform("windows/amd64", kAmd64Host).slug_line(),
            "windows/amd64 windows_amd64 .exe");
}

// ---- Go environment ----

GoToolchainInfo toolchain(GoVersion version) {
  GoToolchainInfo t;
  t.version = version;
  t.dist_pairs = {"linux/amd64",    "linux/arm64",   "linux/arm",     "linux/386",
                  "linux/ppc64le",  "linux/ppc64",   "linux/s390x",   "linux/riscv64",
                  "linux/loong64",  "linux/mips",    "linux/mipsle",  "linux/mips64",
                  "linux/mips64le", "windows/amd64", "windows/arm64", "darwin/arm64"};
  return t;
}

struct GoEnvCase {
  const char* spec;
  GoEnv expected;
};

const GoEnvCase kGoEnvCases[] = {
    {"linux/amd64",
     {{"GOOS", "linux"}, {"GOARCH", "amd64"}, {"GOAMD64", "v1"}, {"CGO_ENABLED", "0"}}},
    {"linux/amd64/v2",
     {{"GOOS", "linux"}, {"GOARCH", "amd64"}, {"GOAMD64", "v2"}, {"CGO_ENABLED", "0"}}},
    {"linux/amd64/v3",
     {{"GOOS", "linux"}, {"GOARCH", "amd64"}, {"GOAMD64", "v3"}, {"CGO_ENABLED", "0"}}},
    {"linux/amd64/v4",
     {{"GOOS", "linux"}, {"GOARCH", "amd64"}, {"GOAMD64", "v4"}, {"CGO_ENABLED", "0"}}},
    {"linux/arm/v5", {{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "5"}, {"CGO_ENABLED", "0"}}},
    {"linux/arm/v6", {{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "6"}, {"CGO_ENABLED", "0"}}},
    {"linux/arm/v7", {{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "7"}, {"CGO_ENABLED", "0"}}},
    {"linux/arm/v8", {{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "7"}, {"CGO_ENABLED", "0"}}},
    {"armel", {{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "6"}, {"CGO_ENABLED", "0"}}},
    {"linux/arm64",
     {{"GOOS", "linux"}, {"GOARCH", "arm64"}, {"GOARM64", "v8.0"}, {"CGO_ENABLED", "0"}}},
    {"linux/arm64/v8.2",
     {{"GOOS", "linux"}, {"GOARCH", "arm64"}, {"GOARM64", "v8.2"}, {"CGO_ENABLED", "0"}}},
    {"linux/arm64/v9",
     {{"GOOS", "linux"}, {"GOARCH", "arm64"}, {"GOARM64", "v9.0"}, {"CGO_ENABLED", "0"}}},
    {"linux/arm64/v9.3",
     {{"GOOS", "linux"}, {"GOARCH", "arm64"}, {"GOARM64", "v9.3"}, {"CGO_ENABLED", "0"}}},
    {"linux/386", {{"GOOS", "linux"}, {"GOARCH", "386"}, {"GO386", "sse2"}, {"CGO_ENABLED", "0"}}},
    {"linux/386/softfloat",
     {{"GOOS", "linux"}, {"GOARCH", "386"}, {"GO386", "softfloat"}, {"CGO_ENABLED", "0"}}},
    {"linux/mips",
     {{"GOOS", "linux"}, {"GOARCH", "mips"}, {"GOMIPS", "hardfloat"}, {"CGO_ENABLED", "0"}}},
    {"linux/mipsle/softfloat",
     {{"GOOS", "linux"}, {"GOARCH", "mipsle"}, {"GOMIPS", "softfloat"}, {"CGO_ENABLED", "0"}}},
    {"linux/mips64le",
     {{"GOOS", "linux"}, {"GOARCH", "mips64le"}, {"GOMIPS64", "hardfloat"}, {"CGO_ENABLED", "0"}}},
    {"linux/ppc64le",
     {{"GOOS", "linux"}, {"GOARCH", "ppc64le"}, {"GOPPC64", "power8"}, {"CGO_ENABLED", "0"}}},
    {"linux/ppc64le/power9",
     {{"GOOS", "linux"}, {"GOARCH", "ppc64le"}, {"GOPPC64", "power9"}, {"CGO_ENABLED", "0"}}},
    {"linux/riscv64",
     {{"GOOS", "linux"}, {"GOARCH", "riscv64"}, {"GORISCV64", "rva20u64"}, {"CGO_ENABLED", "0"}}},
    {"linux/riscv64/rva22u64",
     {{"GOOS", "linux"}, {"GOARCH", "riscv64"}, {"GORISCV64", "rva22u64"}, {"CGO_ENABLED", "0"}}},
    {"linux/riscv64/rva23u64",
     {{"GOOS", "linux"}, {"GOARCH", "riscv64"}, {"GORISCV64", "rva23u64"}, {"CGO_ENABLED", "0"}}},
    {"linux/s390x", {{"GOOS", "linux"}, {"GOARCH", "s390x"}, {"CGO_ENABLED", "0"}}},
    {"linux/loong64", {{"GOOS", "linux"}, {"GOARCH", "loong64"}, {"CGO_ENABLED", "0"}}},
    {"windows/amd64",
     {{"GOOS", "windows"}, {"GOARCH", "amd64"}, {"GOAMD64", "v1"}, {"CGO_ENABLED", "0"}}},
    {"windows/arm64",
     {{"GOOS", "windows"}, {"GOARCH", "arm64"}, {"GOARM64", "v8.0"}, {"CGO_ENABLED", "0"}}},
};

class GoEnvTest : public ::testing::TestWithParam<GoEnvCase> {};

TEST_P(GoEnvTest, MatchesReference) {
  const auto& c = GetParam();
  EXPECT_EQ(go_env_for(parse_platform(c.spec, kAmd64Host), toolchain({1, 26, 8})), c.expected)
      << c.spec;
}

INSTANTIATE_TEST_SUITE_P(Reference, GoEnvTest, ::testing::ValuesIn(kGoEnvCases));

TEST(GoEnv, CgoSetsCgoEnabled) {
  auto env = go_env_for(parse_platform("linux/arm64", kAmd64Host), toolchain({1, 26, 0}), true);
  EXPECT_EQ(env.back(), (std::pair<std::string, std::string>{"CGO_ENABLED", "1"}));
}

TEST(GoEnv, UnsupportedPairNamesPlatformAndGo) {
  try {
    go_env_for(parse_platform("plan9/arm64", kAmd64Host), toolchain({1, 26, 0}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("plan9/arm64"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("go1.26"), std::string::npos) << e.what();
  }
  EXPECT_THROW(go_env_for(parse_platform("linux/foo", kAmd64Host), toolchain({1, 26, 0})),
               InputError);
}

TEST(GoEnv, LevelNewerThanInstalledGoNamesTheNeededVersion) {
  try {
    go_env_for(parse_platform("linux/riscv64/rva23u64", kAmd64Host), toolchain({1, 24, 0}));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("go1.25"), std::string::npos) << e.what();
  }
  EXPECT_THROW(go_env_for(parse_platform("linux/arm64/v8.2", kAmd64Host), toolchain({1, 22, 0})),
               InputError);
}

TEST(GoEnv, OldToolchainGetsNoDefaultLevelItCannotRead) {
  // Go 1.22 has no GOARM64: plain arm64 still builds, without the variable.
  auto env = go_env_for(parse_platform("linux/arm64", kAmd64Host), toolchain({1, 22, 5}));
  EXPECT_EQ(env, (GoEnv{{"GOOS", "linux"}, {"GOARCH", "arm64"}, {"CGO_ENABLED", "0"}}));
}

TEST(GoVersion, Parses) {
  EXPECT_EQ(GoVersion::parse("go1.26.8"), (GoVersion{1, 26, 8}));
  EXPECT_EQ(GoVersion::parse("go1.23"), (GoVersion{1, 23, 0}));
  EXPECT_EQ(GoVersion::parse("go1.25rc1"), (GoVersion{1, 25, 0}));
  EXPECT_FALSE(GoVersion::parse("devel"));
  EXPECT_LT((GoVersion{1, 9, 0}), (GoVersion{1, 23, 0}));
}

// `platform normalize` and the CMake bootstrap share this: a bad item is reported, the rest
// still normalized, duplicates across specs and presets dropped.
TEST(NormalizePlatformSpecs, ReportsBadItemsAndKeepsTheRest) {
  auto result = normalize_platform_specs(
      {"linux/arm64,linux/amd64", "linux/amd64/v9,linux/aarch64", "arm"}, kAmd64Host);
  std::vector<std::string> got;
  for (const auto& p : result.platforms) got.push_back(p.str());
  EXPECT_EQ(got, (std::vector<std::string>{"linux/arm64", "linux/amd64", "linux/arm/v7"}));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("linux/amd64/v9"), std::string::npos) << result.errors[0];
}

TEST(NormalizePlatformSpecs, EmptyItemsAreErrors) {
  auto result = normalize_platform_specs({"linux/amd64,,linux/arm64"}, kAmd64Host);
  EXPECT_EQ(result.platforms.size(), 2u);
  EXPECT_EQ(result.errors.size(), 1u);
}

// Issue 17 item 11: "linux/amd64," is refused naming the list it came from, not a platform "".
TEST(NormalizePlatformSpecs, ATrailingCommaIsNamedWithItsList) {
  auto result = normalize_platform_specs({"linux/amd64,"}, kAmd64Host);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("\"linux/amd64,\""), std::string::npos) << result.errors[0];
  EXPECT_NE(result.errors[0].find("empty entry"), std::string::npos) << result.errors[0];
}

}  // namespace
}  // namespace multiarch
