// Depfile escaping and layout: what Ninja, CMake and make read back (docs/go-build.md).
#include "util/depfile.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

struct EscapeCase {
  const char* path;
  const char* escaped;
};

TEST(Depfile, EscapesWhatMakefileSyntaxWouldSplitOrExpand) {
  const EscapeCase cases[] = {
      {"/src/main.go", "/src/main.go"},
      {"/my project/main.go", "/my\\ project/main.go"},
      {"/a  b", "/a\\ \\ b"},
      {"/x/#1.go", "/x/\\#1.go"},
      {"/x/$HOME.go", "/x/$$HOME.go"},
      {"/x/a$$b", "/x/a$$$$b"},
      // Backslashes right before a space are doubled, then one more escapes the space.
      {"/x\\ y", "/x\\\\\\ y"},
      {"/x\\\\ y", "/x\\\\\\\\\\ y"},
      // Other backslashes and colons inside a path pass through as gcc writes them.
      {"/x\\y", "/x\\y"},
      {"/c:/x", "/c:/x"},
      {"/x/a:b.go", "/x/a:b.go"},
      {"/tmp/(x)[y]{z}%@=!~+,.-_", "/tmp/(x)[y]{z}%@=!~+,.-_"},
      {"/ünïcode/ファイル.go", "/ünïcode/ファイル.go"},
  };
  for (const auto& c : cases) EXPECT_EQ(escape_depfile_path(c.path), c.escaped) << c.path;
}

TEST(Depfile, PathsNoDepfileCanHoldAreInputErrors) {
  for (const char* path : {"", "/a\nb", "/a\rb", "/a\tb", "/dir:", "/dir\\"}) {
    EXPECT_THROW(escape_depfile_path(path), InputError) << path;
  }
  try {
    escape_depfile_path("/a\nb");
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot write \"/a\nb\" into a depfile: it contains a newline, carriage return or "
              "tab");
  }
}

TEST(Depfile, OneRuleOnePrerequisitePerLine) {
  EXPECT_EQ(format_depfile("/out/linux_arm64/user", {"/m/go.mod", "/m/my dir/a.go"}),
            "/out/linux_arm64/user: \\\n  /m/go.mod \\\n  /m/my\\ dir/a.go\n");
  EXPECT_EQ(format_depfile("/out/x", {}), "/out/x:\n");
}

TEST(Depfile, WrittenAtomicallyOverThePreviousOne) {
  auto dir = std::filesystem::temp_directory_path() /
             ("multiarch-depfile-test-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  write_depfile(dir / "sub" / "user.d", "/out/user", {"/a.go"});
  EXPECT_EQ(read_file(dir / "sub" / "user.d"), "/out/user: \\\n  /a.go\n");
  write_depfile(dir / "sub" / "user.d", "/out/user", {"/b.go"});
  EXPECT_EQ(read_file(dir / "sub" / "user.d"), "/out/user: \\\n  /b.go\n");
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir / "sub"))
    ++files;
  EXPECT_EQ(files, 1u) << "no temporary file is left behind";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace multiarch
