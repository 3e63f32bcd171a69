#include "buildx/buildx_attestations.hpp"

#include <fmt/format.h>

#include <tuple>

#include "buildx/buildx_inputs.hpp"
#include "image/layer_contents.hpp"
#include "oci/attestation_manifest.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

enum class Source { own, none, buildkit };

Source source_of(const std::string& value) {
  if (value == "true") return Source::own;
  if (value == "false") return Source::none;
  return Source::buildkit;
}

std::string buildx_value(const std::string& value) { return value == "buildkit" ? "true" : value; }

}  // namespace

AttestationChoice choose_attestations(const std::optional<std::string>& sbom,
                                      const std::optional<std::string>& provenance) {
  if (sbom) check_sbom(*sbom);
  if (provenance) check_provenance(*provenance);
  Source sbom_source = sbom ? source_of(*sbom) : Source::own;
  Source provenance_source = provenance ? source_of(*provenance) : Source::own;
  bool buildkit = sbom_source == Source::buildkit || provenance_source == Source::buildkit;
  AttestationChoice choice;
  if (buildkit) {
    for (const auto& [flag, given, source] :
         {std::tuple{"--sbom", sbom, sbom_source}, {"--provenance", provenance, provenance_source}})
      if (given && source == Source::own)
        throw InputError(fmt::format(
            "{}=true (multiarch's own) cannot be mixed with BuildKit's attestations in one "
            "index; give {}=buildkit (BuildKit's) or {}=false",
            flag, flag, flag));
    if (sbom_source == Source::buildkit) choice.buildx_sbom = buildx_value(*sbom);
    if (provenance_source == Source::buildkit) choice.buildx_provenance = buildx_value(*provenance);
    choice.sbom = choice.provenance = false;
    return choice;
  }
  choice.sbom = sbom_source == Source::own;
  choice.provenance = provenance_source == Source::own;
  return choice;
}

std::vector<IndexedImage> attest_buildx_images(const BuildxAttestations& attest,
                                               const std::vector<Descriptor>& manifests,
                                               LayoutTransaction& transaction) {
  std::vector<IndexedImage> images;
  for (const auto& manifest : manifests) {
    IndexedImage image{manifest, std::nullopt};
    if (!attest.any() || is_attestation_manifest(manifest)) {
      images.push_back(image);
      continue;
    }
    size_t i = 0;
    while (i < attest.platforms.size() &&
           !(manifest.platform && *manifest.platform == descriptor_platform(attest.platforms[i])))
      ++i;
    if (i == attest.platforms.size() || i >= attest.binaries.size())
      throw RuntimeError(fmt::format(
          "the builder's index has manifest {} for {}, a platform this build did not stage",
          manifest.digest, manifest.platform ? platform_spec(*manifest.platform) : "no platform"));
    PlatformAttestationInput input;
    input.platform = attest.platforms[i];
    input.image_name = attest.image_name;
    input.binary_path = attest.binary_path;
    input.binary = attest.binaries[i];
    // The one file multiarch knows is in the image byte for byte: the binary it staged (the
    // base image and RUN steps are the Dockerfile's; docs/supply-chain.md says so).
    LayerFile binary;
    binary.path = attest.binary_path;
    binary.mode = 0755;
    binary.source = attest.binaries[i];
    LayerPlan layer = plan_layer({binary});
    input.layer = &layer;
    input.epoch = attest.epoch;
    input.manifest = manifest;
    image.attestation = write_attestation(attest.options, input, transaction).manifest;
    images.push_back(image);
  }
  return images;
}

std::string attestation_note(const AttestationChoice& choice, bool writes_index,
                             const std::string& output_flag) {
  if (choice.buildkit()) {
    std::string asked;
    if (choice.buildx_sbom != "false") asked += "--sbom=" + choice.buildx_sbom;
    if (choice.buildx_provenance != "false")
      asked += (asked.empty() ? "" : " ") + std::string("--provenance=") + choice.buildx_provenance;
    return fmt::format(
        "attestations: BuildKit's own, asked from buildx with {} (not "
        "reproducible: they record build times{})",
        asked,
        choice.buildx_sbom != "false"
            ? "; BuildKit's SBOM needs the docker/buildkit-syft-scanner image"
            : "");
  }
  if (!choice.sbom && !choice.provenance) return {};
  std::string what = choice.sbom && choice.provenance ? "SBOM and provenance"
                     : choice.sbom                    ? "SBOM"
                                                      : "provenance";
  if (writes_index)
    return fmt::format(
        "attestations: multiarch's {} per platform, from the staged binaries (deterministic; "
        "--sbom=false --provenance=false for none)",
        what);
  if (output_flag == "--push")  // multiarch pushes itself unless a tag is Docker Hub's
    return fmt::format(
        "attestations: none attached: a Docker Hub tag (no REGISTRY/ in it) is pushed by "
        "buildx, which writes the index, so multiarch's {} cannot be added; tag "
        "REGISTRY/REPO:TAG for multiarch's registry client to push them, or give "
        "--sbom=buildkit --provenance=buildkit for BuildKit's own (not reproducible)",
        what);
  return fmt::format(
      "attestations: none attached: with {} the index is written by buildx, not multiarch, so "
      "multiarch's {} cannot be added; use --output-layout DIR and `multiarch image push`, or "
      "--sbom=buildkit --provenance=buildkit for BuildKit's own (not reproducible)",
      output_flag, what);
}

}  // namespace multiarch
