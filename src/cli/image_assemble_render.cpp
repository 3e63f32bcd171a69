#include "cli/image_assemble_render.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <nlohmann/json.hpp>

#include "cli/image_cli.hpp"

namespace multiarch::cli {
namespace {

/// The platform's image size: config plus layers (what a pull downloads, without the manifest).
uint64_t platform_size(const PlatformOutcome& p) {
  uint64_t size = p.config.size;
  for (const auto& l : p.layers) size += l.size;
  return size;
}

}  // namespace

void render_assemble_dry_run(std::ostream& out, const AssemblePlan& plan) {
  const AssembleRequest& request = plan.request;
  fmt::print(out, "would write {} (tag {}{}), epoch {} from {}, {} level {}\n",
             request.output.string(), request.tag,
             request.image_name.empty() ? "" : ", name " + request.image_name, plan.epoch.seconds,
             plan.epoch.source, compression_name(request.layer.compression), request.layer.level);
  for (const auto& binary : request.binaries)
    fmt::print(out, "  {:<16} {} -> {}\n", binary.platform.str(), binary.path.string(),
               request.binary_path);
  for (const auto& file : request.files)
    fmt::print(out, "  {:<16} {} -> {}\n", "file", file.source.string(), file.destination);
  const AttestationOptions& attest = request.attest;
  fmt::print(out, "  {:<16} SBOM {}, provenance {}\n", "attestations",
             !attest.sbom                                  ? "off"
             : attest.sbom_format == SbomFormat::cyclonedx ? "CycloneDX"
                                                           : "SPDX",
             attest.provenance ? "SLSA v1" : "off");
}

void render_assemble_result(std::ostream& out, const AssemblePlan& plan,
                            const AssembleResult& result, bool json) {
  const AssembleRequest& request = plan.request;
  if (json) {
    nlohmann::ordered_json j;
    j["layout"] = request.output.string();
    j["tag"] = request.tag;
    j["name"] = request.image_name;
    j["digest"] = result.index.digest;
    j["size"] = result.index.size;
    j["epoch"] = plan.epoch.seconds;
    j["layers_built"] = result.layers_built;
    j["layers_prepared"] = result.layers_prepared;
    j["blobs_written"] = result.blobs_written;
    j["index_json_written"] = result.index_json_written;
    nlohmann::ordered_json platforms = nlohmann::ordered_json::array();
    for (const auto& p : result.platforms) {
      nlohmann::ordered_json entry;
      entry["platform"] = p.platform.str();
      entry["digest"] = p.manifest.digest;
      entry["config"] = p.config.digest;
      entry["diff_id"] = p.diff_id;
      entry["size"] = platform_size(p);
      entry["cached"] = p.cached;
      entry["prepared"] = p.prepared;
      if (p.attestation) entry["attestation"] = p.attestation->digest;
      platforms.push_back(entry);
    }
    j["platforms"] = platforms;
    fmt::print(out, "{}\n", j.dump(2));
    return;
  }
  for (const auto& p : result.platforms) {
    fmt::print(out, "{:<16} {}  {:>10}{}\n", p.platform.str(), p.manifest.digest,
               human_size(platform_size(p)),
               p.cached     ? "  (cached)"
               : p.prepared ? "  (layer from its store)"
                            : "");
    if (p.attestation)
      fmt::print(out, "{:<16} {}  ({} statements)\n", "  attestation", p.attestation->digest,
                 p.attestation_layers.size());
  }
  fmt::print(out, "{:<16} {}  {} -> {}:{}\n", "index", result.index.digest,
             result.index_json_written || result.blobs_written ? "written" : "unchanged",
             request.output.string(), request.tag);
}

}  // namespace multiarch::cli
