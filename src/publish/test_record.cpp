#include "publish/test_record.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace fs = std::filesystem;

void update_test_records(const fs::path& dir, const ImageTestReport& report) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw RuntimeError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  for (const auto& result : report.platforms) {
    fs::path file = dir / (result.platform.slug() + ".json");
    if (!result.passed) {
      fs::remove(file, ec);
      continue;
    }
    nlohmann::ordered_json record;
    record["platform"] = result.platform.str();
    record["index_digest"] = report.index_digest;
    record["manifest_digest"] = result.manifest_digest;
    record["check"] = result.check;
    record["cpu_model"] = result.cpu_model;
    record["seconds"] = result.seconds;
    atomic_write_file(file, record.dump(2) + "\n");
  }
}

std::vector<std::string> untested_platforms(const fs::path& dir, const LayoutImage& image,
                                            const Platform& host) {
  std::vector<std::string> missing;
  for (const auto& manifest : image.manifests) {
    if (is_attestation_manifest(manifest)) continue;  // nothing in it was run
    Platform platform =
        parse_platform(platform_spec(manifest.platform.value_or(DescriptorPlatform{})), host);
    fs::path file = dir / (platform.slug() + ".json");
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      missing.push_back(fmt::format("{}: no passing test", platform.str()));
      continue;
    }
    auto record = nlohmann::json::parse(read_file(file), nullptr, false);
    auto text = [&](const char* key) {
      return record.is_object() && record.contains(key) && record[key].is_string()
                 ? record[key].get<std::string>()
                 : std::string();
    };
    std::string index = text("index_digest");
    std::string tested = text("manifest_digest");
    if (index != image.entry.digest || tested != manifest.digest)
      missing.push_back(fmt::format("{}: passed for index {}, not this one", platform.str(),
                                    index.empty() ? "(unreadable record)" : index));
  }
  return missing;
}

}  // namespace multiarch
