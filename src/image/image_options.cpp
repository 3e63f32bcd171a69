#include "image/image_options.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace multiarch {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDefaultCaBundles[] = {
    "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"};
constexpr const char* kZoneinfoDir = "/usr/share/zoneinfo";

}  // namespace

std::vector<std::string> parse_command_words(const std::string& text, const std::string& flag) {
  if (!text.empty() && text.front() == '[') {
    try {
      return nlohmann::json::parse(text).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception&) {
      throw InputError(fmt::format("{} {}: not a JSON array of strings", flag, text));
    }
  }
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

std::string checked_time_zone(const std::string& zone) {
  bool plain = !zone.empty() && zone.front() != '/' && zone.find("..") == std::string::npos &&
               zone.find_first_not_of(
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                   "0123456789_+-/") == std::string::npos;
  std::error_code ec;
  if (!plain || !fs::is_regular_file(fs::path(kZoneinfoDir) / zone, ec))
    throw InputError(
        fmt::format("--tz \"{}\": no such time zone in {} (install tzdata)", zone, kZoneinfoDir));
  return zone;
}

std::string zoneinfo_path(const std::string& zone) {
  return std::string(kZoneinfoDir) + "/" + zone;
}

std::string host_ca_bundle(const std::string& bundle) {
  if (!bundle.empty()) {
    std::error_code ec;
    if (!fs::is_regular_file(bundle, ec))
      throw InputError(
          fmt::format("--ca-bundle {}: no such file; give a PEM bundle such as "
                      "/etc/ssl/certs/ca-certificates.crt",
                      bundle));
    return bundle;
  }
  for (const char* candidate : kDefaultCaBundles) {
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  throw InputError(
      "--ca-certs: no CA bundle on this machine (apt-get install ca-certificates), or give "
      "--ca-bundle PATH");
}

}  // namespace multiarch
