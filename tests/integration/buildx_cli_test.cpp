// `multiarch buildx` and `multiarch dockerfile` from the command line: bad input is one line
// naming the input, exit code 2, nothing run or written; --dry-run runs nothing.
#include <gtest/gtest.h>

#include "buildkitd.hpp"
#include "buildx_support.hpp"
#include "image_test_support.hpp"

namespace multiarch::test {
namespace {

struct BadInput {
  std::vector<std::string> args;
  std::string message;
};

TEST(BuildxCli, BadInputIsOneLineAndExitCode2) {
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  atomic_write_file(dir / "bin/linux_arm64/user", read_file(binaries / "linux_amd64/user"),
                    std::filesystem::perms::owner_all);
  const std::string bins = binaries.string();
  const BadInput cases[] = {
      {{"--binaries-dir", bins, "--push", "--tag", "h/r:1"},
       "either --dockerfile FILE or --generate"},
      {{"--generate", "--binaries-dir", bins, "--tag", "h/r:1"}, "exactly one of --push, --load"},
      {{"--generate", "--binaries-dir", bins, "--push"}, "--push needs at least one --tag"},
      {{"--generate", "--binaries-dir", bins, "--push", "--tag", "Bad/Name:1"}, "Bad/Name:1"},
      {{"--generate", "--binaries-dir", bins, "--load", "--tag",
        "h/r@sha256:" + std::string(64, 'a')},
       "a tag, not a digest"},
      {{"--generate", "--binaries-dir", (dir / "nope").string(), "--push", "--tag", "h/r:1"},
       "not a directory"},
      {{"--generate", "--binaries-dir", bins, "--push", "--tag", "h/r:1"},
       "several binaries (order, user); pass --name"},
      {{"--generate", "--binaries-dir", bins, "--name", "user", "--platform", "linux/s390x",
        "--push", "--tag", "h/r:1"},
       "no binaries for linux/s390x"},
      {{"--generate", "--binaries-dir", (dir / "bin").string(), "--push", "--tag", "h/r:1"},
       "linux/arm64"},  // an amd64 binary in the arm64 folder
      {{"--generate", "--binaries-dir", bins, "--name", "user", "--platform", "windows/amd64",
        "--output-layout", (dir / "l").string()},
       "the generated Dockerfile makes Linux images"},
      {{"--generate", "--binaries-dir", bins, "--name", "user", "--env", "A=1\nRUN id",
        "--output-layout", (dir / "l").string()},
       "--env A"},
      {{"--generate", "--binaries-dir", bins, "--name", "user", "--tz", "Mars/Olympus",
        "--output-layout", (dir / "l").string()},
       "--tz \"Mars/Olympus\""},
      {{"--dockerfile", (dir / "missing").string(), "--binaries-dir", bins, "--name", "user",
        "--output-layout", (dir / "l").string()},
       "no such file"},
      {{"--generate", "--binaries-dir", bins, "--name", "user", "--platform", "linux/arm64/v8.10",
        "--output-layout", (dir / "l").string()},
       "linux/arm64/v8.10"},
      // Registry options only apply where multiarch's own client pushes.
      {{"--generate", "--binaries-dir", bins, "--name", "user", "--ca-file", "/etc/hostname",
        "--retries", "3", "--output-layout", (dir / "l").string()},
       "--ca-file, --retries: only used when multiarch pushes"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"buildx"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto result = run_multiarch(args);
    SCOPED_TRACE(c.message);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find(c.message), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "l"));
}

TEST(BuildxCli, DockerfileCommandPrintsTheGeneratedDockerfile) {
  auto printed = run_multiarch({"dockerfile", "--name", "user", "--tz", "UTC", "--port", "8080"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(printed.out.find("syntax"), std::string::npos);
  EXPECT_NE(printed.out.find("COPY ${TARGETOS}_${TARGETARCH}${TARGETVARIANT:+_${TARGETVARIANT}}/"
                             "user /app/service\n"),
            std::string::npos)
      << printed.out;
  EXPECT_NE(printed.out.find("EXPOSE 8080/tcp\n"), std::string::npos);
  auto legacy = run_multiarch({"dockerfile", "--name", "user", "--legacy-platform", "armhf"});
  EXPECT_NE(legacy.out.find("FROM scratch\nCOPY linux_arm_v7/user /app/service\n"),
            std::string::npos)
      << legacy.out;
  auto missing = run_multiarch({"dockerfile"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--name NAME"), std::string::npos);
}

TEST(BuildxCli, DryRunPrintsTheStrategyAndCommandsAndRunsNothing) {
  MULTIARCH_REQUIRE_BUILDX(false);
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = dir / "layout";
  auto result =
      run_multiarch({"buildx", "--generate", "--binaries-dir", binaries.string(), "--name", "user",
                     "--builder", "default", "--output-layout", layout.string(), "--dry-run"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("strategy per-platform-merge"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("+ docker buildx build --builder default --platform linux/arm/v7"),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(std::filesystem::exists(layout));
  // The staged context is kept for running the printed commands by hand.
  auto kept = result.err.find("the context is kept in ");
  ASSERT_NE(kept, std::string::npos) << result.err;
  auto path = result.err.substr(kept + 23, result.err.find('\n', kept) - kept - 23);
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(path) / "context/linux_arm_v7/user"));
  std::filesystem::remove_all(path);
}

}  // namespace
}  // namespace multiarch::test
