// `multiarch completion bash`: the script sourced by a real bash, its COMPREPLY for typical
// command lines (the way bash calls the function when the user presses Tab).
#include <gtest/gtest.h>

#include "harness.hpp"
#include "util/fs.hpp"

namespace multiarch::test {
namespace {

// Sources the script and completes `words` (the last is the word under the cursor). Like
// bash, ignores the completion function's status (compgen with no match returns 1).
std::string complete(const std::filesystem::path& script, const std::string& words) {
  auto result = run({"bash", "--norc", "--noprofile", "-c",
                     "source \"$1\" && COMP_WORDS=($2) && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) "
                     "&& [[ $2 == *' ' ]] && COMP_WORDS+=('') && COMP_CWORD=$((COMP_CWORD + 1)); "
                     "_multiarch; for w in \"${COMPREPLY[@]}\"; do printf '%s\\n' \"$w\"; done",
                     "bash", script.string(), words});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}

TEST(Completion, BashCompletesCommandsOptionsPlatformsAndActions) {
  MULTIARCH_REQUIRE_TOOL("bash", "apt-get install bash", "MULTIARCH_SKIP_BUILD_TOOLS");
  TempDir dir;
  auto written = run_multiarch({"completion", "bash", "--output", (dir / "multiarch").string()});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  auto script = dir / "multiarch";

  EXPECT_EQ(complete(script, "multiarch go-"), "go-build\n");
  EXPECT_EQ(complete(script, "multiarch i"), "image\ninit\n");
  EXPECT_EQ(complete(script, "multiarch image a"), "assemble\n");
  EXPECT_EQ(complete(script, "multiarch go-build --mod"), "--module-dir\n");
  EXPECT_EQ(complete(script, "multiarch init --ma"), "--makefile\n");
  EXPECT_EQ(complete(script, "multiarch go-build --platform linux/arm/v"),
            "linux/arm/v5\nlinux/arm/v6\nlinux/arm/v7\nlinux/arm/v8\n");
  // Every arm64 variant the platform stage takes (issue 16's trial: v8.1 was missing).
  EXPECT_EQ(complete(script, "multiarch go-build --platform linux/arm64/v8.1"),
            "linux/arm64/v8.1\n");
  EXPECT_EQ(complete(script, "multiarch go-build --platform linux/amd64,all-a"),
            "linux/amd64,all-arm\n");
  // A value option's value is not taken for the action: still image assemble's options.
  EXPECT_EQ(complete(script, "multiarch image assemble --name x --out"), "--output\n");
  EXPECT_EQ(complete(script, "multiarch platform show armh"), "");
  EXPECT_EQ(complete(script, "multiarch platform show linux/s390"), "linux/s390x\n");
  EXPECT_EQ(complete(script, "multiarch completion "), "bash\nzsh\n");
  // Issue 16's trial: nothing after --creds. Its one value, and file names after options that
  // take a file (or free text).
  EXPECT_EQ(complete(script, "multiarch image push --creds "), "-\n");
  atomic_write_file(dir / "creds.txt", "u:p\n");
  EXPECT_EQ(complete(script, "multiarch image push --creds-file " + (dir / "cre").string()),
            (dir / "creds.txt").string() + "\n");
  EXPECT_EQ(complete(script, "multiarch go-build --depfile " + (dir / "cre").string()),
            (dir / "creds.txt").string() + "\n");
  auto unknown = run_multiarch({"completion", "fish"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown shell \"fish\": expected bash or zsh"), std::string::npos);
}

}  // namespace
}  // namespace multiarch::test
