#include "publish/layout_attestations.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "oci/attestation_manifest.hpp"
#include "oci/oci_manifest.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace multiarch {

std::vector<PlatformAttestations> layout_attestations(const OciLayout& layout,
                                                      const LayoutImage& image) {
  std::vector<PlatformAttestations> result;
  for (const auto& m : image.manifests) {
    for (const auto& a : image.attestations) {
      auto ref = a.annotations.find(kReferenceDigestAnnotation);
      if (ref == a.annotations.end() || ref->second != m.digest) continue;
      PlatformAttestations entry;
      entry.image_manifest = m;
      entry.attestation_manifest = a;
      for (const auto& layer : parse_manifest(layout.read_blob(a), a.digest).layers) {
        if (layer.media_type != kInTotoMediaType) continue;  // unknown types are ignored
        auto type = layer.annotations.find(kPredicateTypeAnnotation);
        entry.statements.push_back(
            {type == layer.annotations.end() ? std::string() : type->second, layer});
      }
      result.push_back(entry);
    }
  }
  return result;
}

std::string attestation_predicate(const OciLayout& layout, const LayoutImage& image,
                                  const Platform& platform, const Platform& host,
                                  const std::vector<std::string>& predicate_types) {
  Descriptor manifest = select_platform_manifest(image, platform, host);
  std::vector<AttestationStatement> statements;
  for (const auto& entry : layout_attestations(layout, image))
    if (entry.image_manifest.digest == manifest.digest)
      statements.insert(statements.end(), entry.statements.begin(), entry.statements.end());
  for (const auto& wanted : predicate_types)
    for (const auto& statement : statements) {
      if (statement.predicate_type != wanted) continue;
      try {
        auto json = nlohmann::ordered_json::parse(layout.read_blob(statement.layer));
        if (!json.contains("predicate"))
          throw RuntimeError(
              fmt::format("{}: not an in-toto statement (no predicate)", statement.layer.digest));
        return json["predicate"].dump(2) + "\n";
      } catch (const nlohmann::json::exception& e) {
        throw RuntimeError(fmt::format("{}: not valid JSON: {}", statement.layer.digest, e.what()));
      }
    }
  std::string found;
  for (const auto& statement : statements)
    found += (found.empty() ? "" : ", ") + statement.predicate_type;
  throw InputError(fmt::format("the {} image has no {} attestation (it has: {})", platform.str(),
                               join(predicate_types, " or "), found.empty() ? "none" : found));
}

}  // namespace multiarch
