#pragma once
// The check `multiarch buildx --dockerfile` makes before building: every COPY/ADD source of
// the user's Dockerfile must be in the build context multiarch stages (binaries under their
// slugs, declared files under rootfs/). A missing one is an input error that says what the
// context holds and how to add a file, instead of BuildKit's bare `"/x" not found`.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

/// Expands $NAME, ${NAME}, ${NAME:-word} and ${NAME:+word} with `args` (Dockerfile ARG
/// substitution, https://docs.docker.com/reference/dockerfile/#environment-replacement);
/// nullopt when a variable is not in `args` (its value is unknown here).
std::optional<std::string> expand_dockerfile_args(std::string_view text,
                                                  const std::map<std::string, std::string>& args);

/// Throws InputError when a context source of `dockerfile_text` (after TARGET* expansion for
/// each platform; patterns matched like BuildKit, with fnmatch) is not in `context_dir`. The
/// message names `dockerfile_name`, the line, the source and the platform, lists what the
/// context holds, and says how to add a file (--file SRC:/DEST, FILES).
void check_dockerfile_sources(std::string_view dockerfile_text, const std::string& dockerfile_name,
                              const std::filesystem::path& context_dir,
                              const std::vector<Platform>& platforms);

}  // namespace multiarch
