// The COPY/ADD sources of a user's Dockerfile checked against multiarch's build context.
#include "buildx/context_sources.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "buildx/dockerfile_scan.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {
namespace fs = std::filesystem;

TEST(DockerfileContextSources, ShellAndJsonFormsFlagsContinuationsAndExclusions) {
  auto sources = dockerfile_context_sources(
      "FROM scratch\n"
      "# COPY commented/out /x\n"
      "COPY --chown=1:1 --chmod=0644 a.txt b.txt /dst/\n"
      "copy [\"c d\", \"/e\"]\n"
      "COPY --from=build /bin/x /x\n"
      "ADD https://example.invalid/f.tgz /f\n"
      "COPY <<EOF /f\nhello\nEOF\n"
      "ADD \\\n  app/user/service/configs \\\n  /data/conf\n");
  ASSERT_EQ(sources.size(), 4u);
  EXPECT_EQ(sources[0].source, "a.txt");
  EXPECT_EQ(sources[0].line, 3);
  EXPECT_EQ(sources[1].source, "b.txt");
  EXPECT_EQ(sources[2].source, "c d");
  EXPECT_EQ(sources[2].instruction, "COPY");
  EXPECT_EQ(sources[3].source, "app/user/service/configs");
  EXPECT_EQ(sources[3].instruction, "ADD");
  EXPECT_EQ(sources[3].line, 10);  // physical line: the heredoc body counts
}

TEST(DockerfileContextSources, ExpandsTargetArgsLikeBuildKit) {
  std::map<std::string, std::string> amd64 = {
      {"TARGETOS", "linux"}, {"TARGETARCH", "amd64"}, {"TARGETVARIANT", ""}};
  std::map<std::string, std::string> armv7 = {
      {"TARGETOS", "linux"}, {"TARGETARCH", "arm"}, {"TARGETVARIANT", "v7"}};
  const char* source = "${TARGETOS}_${TARGETARCH}${TARGETVARIANT:+_${TARGETVARIANT}}/user";
  EXPECT_EQ(expand_dockerfile_args(source, amd64), "linux_amd64/user");
  EXPECT_EQ(expand_dockerfile_args(source, armv7), "linux_arm_v7/user");
  EXPECT_EQ(expand_dockerfile_args("$TARGETOS-x", amd64), "linux-x");
  EXPECT_EQ(expand_dockerfile_args("${NOPE:-x}", amd64), std::nullopt);
  EXPECT_EQ(expand_dockerfile_args("plain", amd64), "plain");
}

class ContextDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("multiarch-context-test-" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    for (const char* file : {"linux_amd64/user", "linux_arm_v7/user", "rootfs/data/conf/c.yaml"}) {
      fs::create_directories((dir_ / file).parent_path());
      std::ofstream(dir_ / file) << "x";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::vector<Platform> platforms_ = {parse_platform("linux/amd64", Platform{}),
                                      parse_platform("linux/arm/v7", Platform{})};
};

TEST_F(ContextDir, WhatTheContextHoldsPasses) {
  EXPECT_NO_THROW(check_dockerfile_sources(
      "FROM scratch\nCOPY ${TARGETOS}_${TARGETARCH}${TARGETVARIANT:+_${TARGETVARIANT}}/user "
      "/app/service\nCOPY rootfs/ /\nCOPY rootfs/data/conf/*.yaml /etc/\nCOPY . /all\n",
      "Dockerfile", dir_, platforms_));
}

TEST_F(ContextDir, AMissingSourceSaysWhatTheContextHoldsAndHowToAddAFile) {
  try {
    check_dockerfile_sources("FROM scratch\nCOPY app/user/service/configs /data/conf\n",
                             "Dockerfile", dir_, platforms_);
    FAIL() << "no error";
  } catch (const InputError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("--dockerfile Dockerfile:2: COPY app/user/service/configs: not in the "
                           "build context"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("linux_amd64/user, linux_arm_v7/user, rootfs/data/conf/c.yaml"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("--file SRC:/DEST"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
  }
  // A binary missing for one platform names it.
  try {
    check_dockerfile_sources("FROM scratch\nCOPY ${TARGETOS}_${TARGETARCH}/user /x\n", "Df", dir_,
                             platforms_);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("(for linux/arm/v7: linux_arm/user)"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace multiarch
