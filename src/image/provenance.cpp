#include "image/provenance.hpp"

#include <nlohmann/json.hpp>

#include "util/version.hpp"

namespace multiarch {

std::string slsa_provenance_json(const ProvenanceInput& input) {
  using ordered = nlohmann::ordered_json;
  const std::map<std::string, std::string> no_settings;
  const auto& settings = input.go ? input.go->settings : no_settings;
  auto setting = [&](const std::string& key) {
    auto found = settings.find(key);
    return found == settings.end() ? std::string() : found->second;
  };

  ordered external;
  external["platform"] = input.platform.str();
  if (input.go) external["package"] = input.go->package_path;
  external["binaryPath"] = input.binary_path;
  external["imageReferences"] = input.image_references;
  external["buildTags"] = setting("-tags");
  external["ldflags"] = setting("-ldflags");
  // Go's own flags as the binary recorded them ("build -trimpath=true", "-buildmode=exe"...).
  ordered go_flags = ordered::object();
  for (const auto& [key, value] : settings)
    if (!key.empty() && key.front() == '-' && key != "-tags" && key != "-ldflags")
      go_flags[key] = value;
  external["goFlags"] = go_flags;

  ordered internal;
  if (input.go) internal["goVersion"] = input.go->go_version;
  ordered env = ordered::object();
  for (const auto& [key, value] : settings) {
    bool go_variable = key.rfind("GO", 0) == 0 || key.rfind("CGO_", 0) == 0;
    if (go_variable) env[key] = value;
  }
  internal["environment"] = env;
  ordered compilers = ordered::object();
  for (const auto& [name, path] : input.cgo_compilers) compilers[name] = path;
  internal["cgoCompilers"] = compilers;

  ordered dependencies = ordered::array();
  std::string revision = setting("vcs.revision");
  if (revision.empty()) revision = input.source_revision;
  if (!revision.empty()) {
    // A ResourceDescriptor needs a uri, a digest or content: without a known source URL
    // (org.opencontainers.image.source) the commit alone is given, named "source".
    ordered source;
    if (input.source_uri.empty())
      source["name"] = "source";
    else
      source["uri"] =
          input.source_uri.rfind("git+", 0) == 0 ? input.source_uri : "git+" + input.source_uri;
    source["digest"] = {{"gitCommit", revision}};
    if (setting("vcs.modified") == "true") source["annotations"] = {{"vcs.modified", "true"}};
    dependencies.push_back(source);
  }
  if (input.base) {
    const std::string& digest = input.base->manifest_digest;
    dependencies.push_back({{"uri", "oci:" + input.base->name},
                            {"digest", {{"sha256", digest.substr(digest.find(':') + 1)}}},
                            {"annotations", {{"role", "base image"}}}});
  }
  if (input.go)
    dependencies.push_back(
        {{"uri", golang_purl("stdlib", input.go->go_version.substr(
                                           input.go->go_version.rfind("go", 0) == 0 ? 2 : 0))},
         {"annotations", {{"role", "Go toolchain"}}}});

  ordered predicate;
  predicate["buildDefinition"] = {{"buildType", input.build_type},
                                  {"externalParameters", external},
                                  {"internalParameters", internal},
                                  {"resolvedDependencies", dependencies}};
  predicate["runDetails"] = {
      {"builder", {{"id", kMultiarchBuilderId}, {"version", {{"multiarch", kMultiarchVersion}}}}},
      {"metadata", ordered::object()}};
  return predicate.dump();
}

}  // namespace multiarch
