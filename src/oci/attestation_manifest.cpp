#include "oci/attestation_manifest.hpp"

#include <nlohmann/json.hpp>

namespace multiarch {

bool is_attestation_manifest(const Descriptor& descriptor) {
  auto type = descriptor.annotations.find(kReferenceTypeAnnotation);
  if (type != descriptor.annotations.end() && type->second == kAttestationManifestType) return true;
  // BuildKit's entries always carry the annotation; unknown/unknown alone marks them too.
  return descriptor.platform && descriptor.platform->os == "unknown" &&
         descriptor.platform->architecture == "unknown";
}

std::string in_toto_statement(const std::vector<InTotoSubject>& subjects,
                              std::string_view predicate_type, std::string_view predicate_json) {
  nlohmann::ordered_json statement;
  statement["_type"] = "https://in-toto.io/Statement/v1";
  statement["predicateType"] = predicate_type;
  statement["subject"] = nlohmann::ordered_json::array();
  for (const auto& s : subjects)
    statement["subject"].push_back({{"name", s.name}, {"digest", {{"sha256", s.sha256_hex}}}});
  statement["predicate"] = nlohmann::ordered_json::parse(predicate_json);
  return statement.dump();
}

std::string attestation_config_json(const std::vector<Descriptor>& layers) {
  nlohmann::ordered_json config;
  config["architecture"] = "unknown";
  config["os"] = "unknown";
  config["config"] = nlohmann::ordered_json::object();
  nlohmann::ordered_json diff_ids = nlohmann::ordered_json::array();
  for (const auto& layer : layers) diff_ids.push_back(layer.digest);
  config["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
  return config.dump();
}

Descriptor attestation_index_entry(Descriptor manifest, const std::string& image_manifest_digest) {
  manifest.platform = DescriptorPlatform{"unknown", "unknown", "", ""};
  manifest.annotations[kReferenceDigestAnnotation] = image_manifest_digest;
  manifest.annotations[kReferenceTypeAnnotation] = kAttestationManifestType;
  return manifest;
}

}  // namespace multiarch
