#include "go/go_build_settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace multiarch {

std::map<std::string, std::string> parse_go_build_settings(std::string_view output) {
  std::map<std::string, std::string> settings;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    std::string_view line = output.substr(start, end - start);
    start = end + 1;
    // "\tbuild\tGOARM=6" (the embedded text has no leading tab); values may contain '='
    // (DefaultGODEBUG=a=1,b=0) and tabs do not occur in them.
    if (!line.empty() && line.front() == '\t') line.remove_prefix(1);
    constexpr std::string_view kPrefix = "build\t";
    if (line.substr(0, kPrefix.size()) != kPrefix) continue;
    std::string_view setting = line.substr(kPrefix.size());
    if (!setting.empty() && setting.back() == '\r') setting.remove_suffix(1);
    size_t eq = setting.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    settings.emplace(std::string(setting.substr(0, eq)), std::string(setting.substr(eq + 1)));
  }
  return settings;
}

namespace {

/// Reads a uvarint (LEB128, as Go's encoding/binary) at `pos`; nullopt when truncated.
std::optional<uint64_t> read_uvarint(std::string_view data, size_t& pos) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64 && pos < data.size(); shift += 7) {
    auto byte = static_cast<unsigned char>(data[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return std::nullopt;
}

std::optional<std::string_view> read_length_prefixed(std::string_view data, size_t& pos) {
  auto length = read_uvarint(data, pos);
  if (!length || *length > data.size() - pos) return std::nullopt;
  std::string_view text = data.substr(pos, *length);
  pos += *length;
  return text;
}

/// The blob at `start` in the inline-string format: a 32-byte header (magic, pointer size,
/// flags with bit 2 set) then two length-prefixed strings, the Go version and the module info
/// framed by 16-byte sentinels.
std::optional<GoBuildInfo> parse_build_info_at(std::string_view data, size_t start) {
  constexpr size_t kHeaderSize = 32;
  constexpr unsigned char kFlagInlineStrings = 0x2;
  if (data.size() - start < kHeaderSize) return std::nullopt;
  auto pointer_size = static_cast<unsigned char>(data[start + 14]);
  auto flags = static_cast<unsigned char>(data[start + 15]);
  if ((pointer_size != 4 && pointer_size != 8) || (flags & kFlagInlineStrings) == 0)
    return std::nullopt;
  size_t pos = start + kHeaderSize;
  auto version = read_length_prefixed(data, pos);
  if (!version || version->substr(0, 2) != "go") return std::nullopt;
  auto module_info = read_length_prefixed(data, pos);
  if (!module_info) return std::nullopt;
  std::string_view text = *module_info;
  constexpr size_t kSentinelSize = 16;
  if (text.size() >= 2 * kSentinelSize + 1 && text[text.size() - kSentinelSize - 1] == '\n')
    text = text.substr(kSentinelSize, text.size() - 2 * kSentinelSize);
  return GoBuildInfo{std::string(*version), std::string(text)};
}

}  // namespace

std::optional<GoBuildInfo> find_go_build_info(std::string_view executable) {
  static constexpr std::string_view kMagic("\xff Go buildinf:", 14);
  // The magic may also occur as a constant (a program that imports debug/buildinfo), so
  // every occurrence is tried until one parses. Go aligns the blob to 16 bytes within its
  // section, which is not always a file offset multiple of 16 (PE, Mach-O): not checked.
  for (size_t found = executable.find(kMagic); found != std::string_view::npos;
       found = executable.find(kMagic, found + 1)) {
    if (auto info = parse_build_info_at(executable, found)) return info;
  }
  return std::nullopt;
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
