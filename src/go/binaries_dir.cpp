#include "go/binaries_dir.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace multiarch {

namespace fs = std::filesystem;

std::vector<Platform> platforms_in_binaries_dir(const fs::path& dir, const Platform& host) {
  std::vector<std::string> slugs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory(ec)) slugs.push_back(entry.path().filename().string());
  std::sort(slugs.begin(), slugs.end());
  std::vector<Platform> platforms;
  for (const auto& slug : slugs) {
    std::string spec = slug;
    std::replace(spec.begin(), spec.end(), '_', '/');
    try {
      Platform platform = parse_platform(spec, host);
      if (platform.slug() == slug) platforms.push_back(platform);
    } catch (const InputError&) {
      // not a platform folder
    }
  }
  return platforms;
}

std::string single_binary_name(const fs::path& slug_dir, const Platform& platform) {
  const std::string suffix = platform.binary_suffix();
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(slug_dir, ec)) {
    std::string file = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || file.front() == '.' || !file.ends_with(suffix) ||
        ::access(entry.path().c_str(), X_OK) != 0)
      continue;
    names.push_back(file.substr(0, file.size() - suffix.size()));
  }
  std::sort(names.begin(), names.end());
  if (names.size() == 1) return names.front();
  if (names.empty())
    throw InputError(fmt::format("--binaries-dir: {} holds no binary", slug_dir.string()));
  throw InputError(fmt::format("--binaries-dir: {} holds several binaries ({}); pass --name",
                               slug_dir.string(), join(names, ", ")));
}

}  // namespace multiarch
