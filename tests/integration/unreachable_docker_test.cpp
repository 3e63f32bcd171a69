// The real docker CLI pointed at a socket nobody listens on (DOCKER_HOST): multiarch must say
// that Docker is not reachable, in one line with exit 1 (issue 17 items 9 and 12), not die of
// SIGPIPE while streaming to `docker load` or pick a strategy for a builder with no driver.
#include <gtest/gtest.h>

#include "image_test_support.hpp"

namespace multiarch::test {
namespace {

const std::map<std::string, std::string> kNoDaemon = {{"DOCKER_HOST", "unix:///nonexistent.sock"}};

/// The lines of `text` that are not empty.
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) result.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return result;
}

TEST(UnreachableDocker, ImageLoadSaysSoInOneLineInsteadOfDyingOfSigpipe) {
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine's client (apt-get install docker.io)",
                         "MULTIARCH_SKIP_DOCKER");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = dir / "layout";
  auto made = run_multiarch({"image", "assemble", "--binaries-dir", binaries.string(), "--name",
                             "user", "--output", layout.string(), "--source-date-epoch", "3"});
  ASSERT_EQ(made.exit_code, 0) << made.err;

  auto loaded =
      run_multiarch({"image", "load", "--layout", layout.string(), "--tag", "x:1"}, {}, kNoDaemon);
  EXPECT_EQ(loaded.exit_code, 1) << "exit 141 is SIGPIPE\n" << loaded.err;
  auto err = lines(loaded.err);
  ASSERT_EQ(err.size(), 2u) << loaded.err;  // "loading ..." and the error
  EXPECT_EQ(err[0].rfind("multiarch image: loading ", 0), 0u) << loaded.err;
  EXPECT_NE(err[1].find("Docker daemon"), std::string::npos) << loaded.err;
  EXPECT_NE(err[1].find("unix:///nonexistent.sock"), std::string::npos) << loaded.err;
  EXPECT_EQ(loaded.out, "");
}

TEST(UnreachableDocker, BuildxSaysSoBeforeChoosingAStrategy) {
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine's client (apt-get install docker.io)",
                         "MULTIARCH_SKIP_DOCKER");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  for (const char* output : {"--push", "--load"}) {
    SCOPED_TRACE(output);
    auto built = run_multiarch({"buildx", "--generate", "--binaries-dir", binaries.string(),
                                "--name", "user", "--tag", "127.0.0.1:9/x:1", output},
                               {}, kNoDaemon);
    EXPECT_EQ(built.exit_code, 1) << built.err;
    EXPECT_EQ(built.err.find("strategy"), std::string::npos) << built.err;
    EXPECT_EQ(built.err.find("driver"), std::string::npos) << built.err;
    auto err = lines(built.err);
    ASSERT_EQ(err.size(), 1u) << built.err;
    EXPECT_NE(err[0].find("the Docker engine is not reachable"), std::string::npos) << built.err;
    EXPECT_NE(err[0].find("unix:///nonexistent.sock"), std::string::npos) << built.err;
  }
}

}  // namespace
}  // namespace multiarch::test
