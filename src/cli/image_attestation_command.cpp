// `multiarch image sbom` and `multiarch image provenance`: print one platform's attestation
// from a layout (the predicate of its in-toto statement).
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>
#include <memory>

#include "cli/image_cli.hpp"
#include "cli/options.hpp"
#include "oci/attestation_manifest.hpp"
#include "oci/image_reference.hpp"
#include "publish/image_signing.hpp"
#include "publish/layout_attestations.hpp"
#include "publish/layout_images.hpp"
#include "util/error.hpp"

namespace multiarch::cli {

int image_attestation(CliContext& ctx, const std::vector<std::string>& args, bool sbom) {
  std::string command = sbom ? "sbom" : "provenance";
  cxxopts::Options options(
      "multiarch image " + command,
      sbom ? "Print the SBOM attached to one platform of a layout's image."
           : "Print the SLSA provenance attached to one platform of a layout's image.");
  options.add_options()("layout", "the OCI layout folder", cxxopts::value<std::string>())(
      "ref", "which image of the layout (its tag; default: the only one)",
      cxxopts::value<std::string>())("platform", "the platform (default: this machine's)",
                                     cxxopts::value<std::string>());
  if (sbom)
    options.add_options()("format",
                          "spdx or cyclonedx: which SBOM (default: the one attached, SPDX "
                          "when both are)",
                          cxxopts::value<std::string>());
  bool help = false;
  auto parsed = parse_action(options, args, ctx,
                             "Prints the predicate of the in-toto statement (the SPDX or "
                             "CycloneDX document, or the SLSA provenance)\nfrom the platform's "
                             "attestation manifest. See docs/supply-chain.md.\n",
                             help);
  if (help) return 0;
  if (!parsed.count("layout")) throw InputError("--layout DIR is required");
  OciLayout layout(parsed["layout"].as<std::string>());
  LayoutImage image = select_layout_image(layout, value_or(parsed, "ref"));
  Platform platform = platform_or_host(parsed, ctx);
  std::vector<std::string> types = {std::string(predicate_type::kSlsaProvenanceV1)};
  if (sbom) {
    std::string format = value_or(parsed, "format");
    if (format.empty())
      types = {std::string(predicate_type::kSpdx), std::string(predicate_type::kCycloneDx)};
    else if (format == "spdx")
      types = {std::string(predicate_type::kSpdx)};
    else if (format == "cyclonedx")
      types = {std::string(predicate_type::kCycloneDx)};
    else
      throw InputError(fmt::format("--format \"{}\": expected spdx or cyclonedx", format));
  }
  fmt::print(ctx.out, "{}", attestation_predicate(layout, image, platform, ctx.host, types));
  return 0;
}

int image_verify(CliContext& ctx, const std::vector<std::string>& args) {
  cxxopts::Options options("multiarch image verify",
                           "Check the cosign signatures `image push --sign-key` made.");
  options.add_options()("key", "cosign public key (cosign.pub)", cxxopts::value<std::string>())(
      "layout", "the layout that was pushed: also verify each platform and its attestations",
      cxxopts::value<std::string>())("ref", "which image of the layout (its tag)",
                                     cxxopts::value<std::string>())(
      "insecure", "plain HTTP registry (implied for 127.0.0.1 and localhost)")(
      "cosign", "the cosign program", cxxopts::value<std::string>()->default_value("cosign"))(
      "reference", "REGISTRY/REPO:TAG or @DIGEST", cxxopts::value<std::string>());
  options.parse_positional({"reference"});
  bool help = false;
  auto parsed = parse_action(options, args, ctx,
                             "Runs cosign verify (and verify-attestation per platform with "
                             "--layout) with --insecure-ignore-tlog:\nthe signatures were made "
                             "without a transparency log. See docs/supply-chain.md.\n",
                             help);
  if (help) return 0;
  if (!parsed.count("key")) throw InputError("--key cosign.pub is required");
  if (!parsed.count("reference")) throw InputError("REF (REGISTRY/REPO:TAG) is required");
  CosignOptions cosign;
  cosign.key = parsed["key"].as<std::string>();
  if (!std::filesystem::is_regular_file(cosign.key))
    throw InputError(fmt::format("--key {}: no such file", cosign.key.string()));
  cosign.cosign = parsed["cosign"].as<std::string>();
  ImageReference reference = parse_image_reference(parsed["reference"].as<std::string>(), "REF");
  cosign.plain_http = parsed.count("insecure") > 0 || is_loopback_domain(reference.domain);
  std::unique_ptr<OciLayout> layout;
  if (parsed.count("layout"))
    layout = std::make_unique<OciLayout>(parsed["layout"].as<std::string>());
  for (const auto& line :
       verify_signed_image(ctx.runner, cosign, reference, layout.get(), value_or(parsed, "ref")))
    fmt::print(ctx.out, "{}\n", line);
  return 0;
}

}  // namespace multiarch::cli
