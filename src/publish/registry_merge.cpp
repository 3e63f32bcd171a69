#include "publish/registry_merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "oci/attestation_manifest.hpp"
#include "oci/oci_manifest.hpp"
#include "publish/registry_pull.hpp"
#include "util/error.hpp"

namespace multiarch {

namespace {

std::string platform_key(const DescriptorPlatform& p) {
  return platform_spec(p) + (p.os_version.empty() ? "" : ":" + p.os_version);
}

DescriptorPlatform config_platform(RegistryClient& client, const std::string& repository,
                                   const std::string& manifest_bytes, const std::string& where) {
  auto parsed = parse_manifest(manifest_bytes, where);
  auto config = fetch_small_blob(client, repository, parsed.config);
  try {
    auto j = nlohmann::json::parse(config);
    DescriptorPlatform p;
    p.architecture = j.value("architecture", "");
    p.os = j.value("os", "");
    p.variant = j.value("variant", "");
    p.os_version = j.value("os.version", "");
    if (p.architecture.empty() || p.os.empty())
      throw RuntimeError(fmt::format("{}: its config {} names no os and architecture", where,
                                     parsed.config.digest));
    return p;
  } catch (const nlohmann::json::exception&) {
    throw RuntimeError(fmt::format("{}: its config {} is not JSON", where, parsed.config.digest));
  }
}

}  // namespace

MergePlan plan_merge(RegistryClient& client, const ImageReference& to,
                     const std::vector<std::string>& digests) {
  const std::string& repository = to.path;
  MergePlan plan;
  std::map<std::string, std::string> platforms;  // platform -> the source that gave it
  std::map<std::string, bool> taken;             // manifest digest -> already an entry
  auto add = [&](Descriptor entry, const std::string& source) {
    if (taken[entry.digest]) return;  // the same manifest from two sources: one entry
    taken[entry.digest] = true;
    if (entry.platform && !is_attestation_manifest(entry)) {
      std::string key = platform_key(*entry.platform);
      auto [it, inserted] = platforms.emplace(key, source);
      if (!inserted)
        throw InputError(fmt::format("{} comes from both {} and {}; give each platform once", key,
                                     it->second, source));
    }
    plan.manifests.push_back(std::move(entry));
  };
  for (const auto& digest : digests) {
    if (!is_sha256_digest(digest))
      throw InputError(fmt::format("--digest \"{}\": expected sha256:<64 hex digits>", digest));
    std::string where = fmt::format("{}@{}", to.name(), digest);
    std::pair<Descriptor, std::string> fetched;
    try {
      fetched = fetch_manifest(client, repository, digest, digest);
    } catch (const RuntimeError& e) {
      if (std::string(e.what()).find(": 404") != std::string::npos)
        throw InputError(
            fmt::format("{}: not in the registry (push it first with `image push "
                        "--by-digest --to {}`)",
                        where, to.name()));
      throw;
    }
    auto& [descriptor, bytes] = fetched;
    if (is_index_media_type(descriptor.media_type)) {
      for (auto child : parse_index(bytes, where)) {
        if (is_manifest_media_type(child.media_type) && !is_attestation_manifest(child)) {
          auto [child_descriptor, child_bytes] =
              fetch_manifest(client, repository, child.digest, child.digest);
          auto platform = config_platform(client, repository, child_bytes,
                                          fmt::format("{}@{}", to.name(), child.digest));
          if (child.platform && platform_key(*child.platform) != platform_key(platform))
            throw InputError(fmt::format("{}: the index says {} but the config says {}", where,
                                         platform_key(*child.platform), platform_key(platform)));
          child.platform = platform;
        }
        add(child, digest);
      }
    } else {
      descriptor.platform = config_platform(client, repository, bytes, where);
      add(descriptor, digest);
    }
  }
  if (plan.manifests.empty()) throw InputError("image merge: no manifests to merge");
  // BuildKit's order, as `image assemble` writes it: every platform, then the attestation
  // manifests (each names its platform manifest by digest, so the order is only cosmetic).
  std::stable_partition(plan.manifests.begin(), plan.manifests.end(),
                        [](const Descriptor& d) { return !is_attestation_manifest(d); });
  plan.index = index_json(plan.manifests, {});
  plan.digest = sha256_digest(plan.index);
  return plan;
}

void push_merged_index(RegistryClient& client, const ImageReference& to, const MergePlan& plan) {
  client.with_retries("push the merged index", [&] {
    HttpRequest put;
    put.method = "PUT";
    put.url = "/v2/" + to.path + "/manifests/" + to.tag;
    put.headers = {{"Content-Type", std::string(media_type::kOciIndex)}};
    put.body = plan.index;
    auto response = client.send(put, {"repository:" + to.path + ":pull,push"});
    client.expect(response, {201}, "push the index " + to.str());
  });
}

}  // namespace multiarch
