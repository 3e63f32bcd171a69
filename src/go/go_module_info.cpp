#include "go/go_module_info.hpp"

#include <openssl/evp.h>

#include <vector>

#include "util/digest.hpp"

namespace multiarch {
namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return fields;
}

GoModule module_from(const std::vector<std::string_view>& fields) {
  GoModule module;
  if (fields.size() > 1) module.path = fields[1];
  if (fields.size() > 2) module.version = fields[2];
  if (fields.size() > 3) module.sum = fields[3];
  return module;
}

}  // namespace

GoModuleInfo parse_go_module_info(std::string_view go_version, std::string_view text) {
  GoModuleInfo info;
  info.go_version = go_version;
  info.settings = parse_go_build_settings(text);
  GoModule* last = nullptr;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.front() == '\t') line.remove_prefix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto fields = split_tabs(line);
    if (fields[0] == "path" && fields.size() > 1) {
      info.package_path = fields[1];
    } else if (fields[0] == "mod") {
      info.main = module_from(fields);
      last = &info.main;
    } else if (fields[0] == "dep") {
      info.deps.push_back(module_from(fields));
      last = &info.deps.back();
    } else if (fields[0] == "=>" && last) {
      GoModule replacement = module_from(fields);
      last->replace_path = replacement.path;
      last->replace_version = replacement.version;
      last->replace_sum = replacement.sum;
      last = nullptr;
    }
  }
  return info;
}

std::optional<GoModuleInfo> go_module_info_of(std::string_view executable) {
  auto info = find_go_build_info(executable);
  if (!info) return std::nullopt;
  return parse_go_module_info(info->go_version, info->module_info);
}

std::optional<std::string> go_sum_sha256_hex(std::string_view sum) {
  constexpr std::string_view kPrefix = "h1:";
  if (sum.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view encoded = sum.substr(kPrefix.size());
  if (encoded.size() != 44) return std::nullopt;  // base64 of 32 bytes, one '=' of padding
  unsigned char decoded[33] = {};
  int n = EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(encoded.data()),
                          static_cast<int>(encoded.size()));
  if (n != 33 || encoded.back() != '=') return std::nullopt;  // 33 with the padding byte
  return hex_string(decoded, 32);
}

}  // namespace multiarch
