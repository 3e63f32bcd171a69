// The GitHub Actions example (examples/github-actions/*.yml, shown in docs/registry.md) is a
// valid workflow as actionlint (pinned by scripts/install-actionlint) sees it, and the multiarch
// options it uses exist.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "util/fs.hpp"

namespace multiarch::test {
namespace {
namespace fs = std::filesystem;

std::string actionlint_path() {
  auto printed = run({(source_dir() / "scripts/install-actionlint").string(), "--print-path"});
  std::string path = printed.out.substr(0, printed.out.find('\n'));
  if (!path.empty() && fs::exists(path)) return path;
  return find_executable("actionlint");
}

TEST(CiExample, WorkflowsPassActionlint) {
  std::string actionlint = actionlint_path();
  if (actionlint.empty()) {
    const char* skip = std::getenv("MULTIARCH_SKIP_ACTIONLINT");
    if (skip && std::string(skip) == "1") GTEST_SKIP() << "MULTIARCH_SKIP_ACTIONLINT=1";
    FAIL() << "actionlint is not installed: run scripts/install-actionlint "
              "(or set MULTIARCH_SKIP_ACTIONLINT=1)";
  }
  std::vector<fs::path> workflows;
  for (const auto& entry : fs::directory_iterator(source_dir() / "examples/github-actions"))
    if (entry.path().extension() == ".yml") workflows.push_back(entry.path());
  ASSERT_FALSE(workflows.empty());
  for (const auto& workflow : workflows) {
    auto checked = run({actionlint, "-no-color", workflow.string()});
    EXPECT_EQ(checked.exit_code, 0) << workflow << ":\n" << checked.out << checked.err;
  }

  // The check can fail: a job without runs-on and a misspelt step key are reported.
  TempDir dir;
  std::string text = read_file(workflows[0]);
  auto broken = text;
  broken.replace(broken.find("runs-on: ${{ matrix.runner }}"), 29, "run-on: ${{ matrix.runner }}");
  atomic_write_file(dir / "broken.yml", broken);
  auto refused = run({actionlint, "-no-color", (dir / "broken.yml").string()});
  EXPECT_NE(refused.exit_code, 0) << refused.out;

  // Every multiarch option the example uses is one the commands have.
  auto push_help = run_multiarch({"image", "push", "--help"});
  auto merge_help = run_multiarch({"image", "merge", "--help"});
  for (const std::string option : {"--by-digest", "--metadata-file", "--creds", "--json"})
    EXPECT_NE(push_help.out.find(option), std::string::npos) << option;
  for (const std::string option : {"--to", "--metadata-file", "--creds"})
    EXPECT_NE(merge_help.out.find(option), std::string::npos) << option;
  EXPECT_NE(text.find("image push --layout build/oci --to \"$IMAGE\" --by-digest"),
            std::string::npos);
  EXPECT_NE(text.find("multiarch image merge --to"), std::string::npos);
}

}  // namespace
}  // namespace multiarch::test
