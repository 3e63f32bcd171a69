#include "multiarch/go_build_settings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace multiarch {

std::map<std::string, std::string> parse_go_build_settings(std::string_view output) {
  std::map<std::string, std::string> settings;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    std::string_view line = output.substr(start, end - start);
    start = end + 1;
    // "\tbuild\tGOARM=6"; values may contain '=' (DefaultGODEBUG=a=1,b=0) and tabs do not
    // occur in them.
    constexpr std::string_view kPrefix = "\tbuild\t";
    if (line.substr(0, kPrefix.size()) != kPrefix) continue;
    std::string_view setting = line.substr(kPrefix.size());
    if (!setting.empty() && setting.back() == '\r') setting.remove_suffix(1);
    size_t eq = setting.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    settings.emplace(std::string(setting.substr(0, eq)), std::string(setting.substr(eq + 1)));
  }
  return settings;
}

std::optional<std::string> go_build_settings_mismatch(
    const std::map<std::string, std::string>& settings, const GoEnv& env) {
  const auto& levels = go_level_variable_names();
  std::string differences;
  for (const auto& [key, wanted] : env) {
    bool recorded = key == "GOOS" || key == "GOARCH" || key == "CGO_ENABLED" ||
                    std::find(levels.begin(), levels.end(), key) != levels.end();
    if (!recorded) continue;
    auto found = settings.find(key);
    std::string difference;
    if (found == settings.end())
      difference = fmt::format("no {} (wanted {}={})", key, key, wanted);
    else if (found->second != wanted)
      difference = fmt::format("{}={} (wanted {}={})", key, found->second, key, wanted);
    if (difference.empty()) continue;
    differences += (differences.empty() ? "" : ", ") + difference;
  }
  if (differences.empty()) return std::nullopt;
  return differences;
}

}  // namespace multiarch
