#include "image/image_attestations.hpp"

#include <fmt/format.h>

#include "go/go_module_info.hpp"
#include "image/provenance.hpp"
#include "oci/attestation_manifest.hpp"
#include "oci/image_reference.hpp"
#include "oci/oci_manifest.hpp"
#include "util/digest.hpp"
#include "util/fs.hpp"
#include "util/mapped_file.hpp"
#include "util/version.hpp"

namespace multiarch {

std::string attestation_subject_name(const std::string& image_name, const Platform& platform) {
  auto [repository, tag] = split_name_tag(image_name.empty() ? "image" : image_name);
  return fmt::format("pkg:docker/{}{}?{}", repository, tag.empty() ? "" : "@" + tag,
                     purl_platform_qualifier(platform));
}

std::string attestation_cache_key(const AttestationOptions& options,
                                  const PlatformAttestationInput& input) {
  std::string text =
      fmt::format("attestation v1\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n", kMultiarchVersion,
                  input.manifest.digest, input.platform.str(), input.image_name, input.binary_path,
                  options.sbom, options.provenance, static_cast<int>(options.sbom_format),
                  options.source_uri, options.source_revision);
  for (const auto& r : options.references) text += "ref " + r + "\n";
  for (const auto& [k, v] : options.cgo_compilers) text += k + "=" + v + "\n";
  // Only when not image assemble's, so the keys of existing layer caches stay valid.
  if (options.build_type != kMultiarchBuildType) text += "build type " + options.build_type + "\n";
  if (input.base) text += "base " + input.base->name + " " + input.base->manifest_digest + "\n";
  return "attestation:" + sha256_hex(text);
}

std::optional<WrittenAttestation> reuse_attestation(const OciLayout& layout,
                                                    const Descriptor& manifest) {
  if (!layout.has_blob(manifest)) return std::nullopt;
  // A hit counts only while the manifest's config and layers are all still there.
  ParsedManifest parsed = parse_manifest(layout.read_blob(manifest), manifest.digest);
  if (!layout.has_blob(parsed.config)) return std::nullopt;
  for (const auto& layer : parsed.layers)
    if (!layout.has_blob(layer)) return std::nullopt;
  return WrittenAttestation{manifest, parsed.layers};
}

WrittenAttestation write_attestation(const AttestationOptions& options,
                                     const PlatformAttestationInput& input,
                                     LayoutTransaction& transaction) {
  std::optional<GoModuleInfo> go = go_module_info_of(MappedFile(input.binary).bytes());
  std::vector<InTotoSubject> subjects{
      {attestation_subject_name(input.image_name, input.platform),
       input.manifest.digest.substr(input.manifest.digest.find(':') + 1)}};
  WrittenAttestation written;
  auto put_statement = [&](const char* predicate_type, const std::string& predicate) {
    Descriptor d = transaction.put_blob(kInTotoMediaType,
                                        in_toto_statement(subjects, predicate_type, predicate));
    d.annotations[kPredicateTypeAnnotation] = predicate_type;
    written.layers.push_back(d);
  };
  if (options.sbom) {
    SbomInput sbom;
    sbom.image_name = input.image_name;
    sbom.platform = input.platform;
    sbom.binary_path = input.binary_path;
    sbom.go = go;
    sbom.base = input.base;
    sbom.epoch = input.epoch;
    if (input.layer)
      for (const auto& entry : input.layer->entries) {
        if (entry.type != TarEntry::Type::file) continue;
        sbom.files.push_back(entry.source.empty()
                                 ? sbom_file_from_content(entry.path, entry.content)
                                 : hash_sbom_file(entry.path, entry.source));
      }
    bool spdx = options.sbom_format == SbomFormat::spdx;
    put_statement(spdx ? predicate_type::kSpdx : predicate_type::kCycloneDx,
                  sbom_json(sbom, options.sbom_format));
  }
  if (options.provenance) {
    ProvenanceInput provenance;
    provenance.platform = input.platform;
    provenance.binary_path = input.binary_path;
    provenance.go = go;
    for (const auto& r : options.references)
      if (!r.empty()) provenance.image_references.push_back(r);
    provenance.source_uri = options.source_uri;
    provenance.source_revision = options.source_revision;
    provenance.base = input.base;
    provenance.cgo_compilers = options.cgo_compilers;
    provenance.build_type = options.build_type;
    put_statement(predicate_type::kSlsaProvenanceV1, slsa_provenance_json(provenance));
  }
  Descriptor config =
      transaction.put_blob(media_type::kOciConfig, attestation_config_json(written.layers));
  written.manifest =
      transaction.put_blob(media_type::kOciManifest, manifest_json(config, written.layers, {}));
  return written;
}

}  // namespace multiarch
