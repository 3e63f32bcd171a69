#pragma once
// The folder `multiarch go-build` writes: DIR/<slug>/<name><suffix> (e.g. out/linux_arm_v7/user)
// next to its depfiles and stamps. Read by `multiarch image assemble` and `multiarch buildx`.
#include <filesystem>
#include <string>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

/// The platforms of DIR's slug folders (a folder whose name is the slug of the platform it
/// parses to), sorted by slug; other folders and files are ignored. Empty when DIR is not a
/// folder.
std::vector<Platform> platforms_in_binaries_dir(const std::filesystem::path& dir,
                                                const Platform& host);

/// The name of the one binary in a slug folder (without the platform's suffix, ".exe"):
/// executable regular files only, so depfiles, stamps and dot-named temporaries do not count.
/// Throws InputError naming the folder when it holds none or several ("pass --name").
std::string single_binary_name(const std::filesystem::path& slug_dir, const Platform& platform);

}  // namespace multiarch
