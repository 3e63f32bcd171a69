#pragma once
// The version a build stamps into binaries when the user gives none.
#include <filesystem>
#include <string>

#include "util/process.hpp"

namespace multiarch {

/// `git describe --tags --always --dirty` in `dir`, or "dev" when git is missing, `dir` is
/// not in a repository, or git fails.
std::string git_describe_version(ProcessRunner& runner, const std::filesystem::path& dir);

}  // namespace multiarch
