#include "go/git_version.hpp"

#include "util/error.hpp"

namespace multiarch {

std::string git_describe_version(ProcessRunner& runner, const std::filesystem::path& dir) {
  ProcessSpec spec;
  spec.argv = {"git", "-C", dir.string(), "describe", "--tags", "--always", "--dirty"};
  try {
    ProcessResult result = runner.run(spec);
    std::string version = result.out;
    while (!version.empty() && (version.back() == '\n' || version.back() == '\r'))
      version.pop_back();
    if (result.ok() && !version.empty()) return version;
  } catch (const RuntimeError&) {
    // git is not installed: fall through to "dev", as for a tree outside git.
  }
  return "dev";
}

}  // namespace multiarch
