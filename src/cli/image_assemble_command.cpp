// `multiarch image assemble`: options -> AssembleOptions -> plan_image_assembly() ->
// assemble_image() (image/assemble_plan.hpp); rendering in image_assemble_render.cpp.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/image_assemble_render.hpp"
#include "cli/image_cli.hpp"
#include "image/assemble_plan.hpp"
#include "image/image_assembler.hpp"
#include "image/image_metadata.hpp"

namespace multiarch::cli {
namespace {

AssembleOptions assemble_options(const cxxopts::ParseResult& parsed) {
  AssembleOptions o;
  read_layer_options(parsed, o);
  o.binaries_dir = value_or(parsed, "binaries-dir");
  o.platform_specs = all_values(parsed, "platform");
  o.binary_specs = all_values(parsed, "binary");
  o.name = value_or(parsed, "name");
  o.base = value_or(parsed, "base");
  o.allow_dynamic = parsed.count("allow-dynamic") > 0;
  o.layer_stores = all_values(parsed, "layer-store");
  o.output = value_or(parsed, "output");
  o.tag = parsed["tag"].as<std::string>();
  if (parsed.count("jobs")) o.jobs = parsed["jobs"].as<unsigned>();
  o.entrypoint = value_or(parsed, "entrypoint");
  o.cmd = optional_value(parsed, "cmd");
  o.env = all_values(parsed, "env");
  o.workdir = optional_value(parsed, "workdir");
  o.user = optional_value(parsed, "user");
  o.ports = all_values(parsed, "port");
  o.labels = all_values(parsed, "label");
  o.annotations = all_values(parsed, "annotation");
  o.version = value_or(parsed, "version");
  o.revision = optional_value(parsed, "revision");
  o.source = optional_value(parsed, "source");
  o.sbom = parsed["sbom"].as<bool>();
  o.sbom_format = parsed["sbom-format"].as<std::string>();
  o.provenance = parsed["provenance"].as<bool>();
  o.metadata_file = value_or(parsed, "metadata-file");
  return o;
}

cxxopts::Options image_assemble_options() {
  cxxopts::Options options("multiarch image assemble",
                           "Write a multi-platform OCI image layout from prebuilt binaries.");
  options.add_options("Inputs")("binaries-dir", "go-build output: DIR/<slug>/<name>",
                                cxxopts::value<std::string>())(
      "name", "service (binary) name; also the image title", cxxopts::value<std::string>())(
      "platform", "platforms to take from --binaries-dir (repeatable; lists, presets)",
      cxxopts::value<std::string>())("binary", "PLATFORM=PATH (repeatable)",
                                     cxxopts::value<std::string>())(
      "base", "base image: an OCI layout DIR or DIR:TAG", cxxopts::value<std::string>())(
      "allow-dynamic",
      "accept a dynamically linked binary without --base (its loader must come some other way)")(
      "layer-store",
      "PLATFORM=DIR (repeatable): take that platform's layer from the store `multiarch image "
      "layer --output DIR` wrote when it matches the inputs, instead of compressing it here",
      cxxopts::value<std::string>())(
      "depfile",
      "write a Makefile-syntax depfile of every input (binaries, --file files and "
      "folders) for Ninja or make",
      cxxopts::value<std::string>())("depfile-target",
                                     "the target named in --depfile (default: OUTPUT/index.json)",
                                     cxxopts::value<std::string>());
  add_layer_content_options(options, "Inputs", "time zone: ENV TZ and its zoneinfo file");
  options.add_options("Output")("output", "the OCI layout folder to write",
                                cxxopts::value<std::string>())(
      "tag", "TAG or REPO:TAG recorded in index.json",
      cxxopts::value<std::string>()->default_value("latest"))(
      "jobs", "platforms built at once (default: cores)", cxxopts::value<unsigned>())(
      "json", "print the result as JSON")(
      "dry-run", "check the inputs and print what would be built; write nothing");
  add_compression_options(options, "Output");
  options.add_options("Supply chain")(
      "sbom", "attach an SBOM per platform (--sbom=false: none)",
      cxxopts::value<bool>()->default_value("true")->implicit_value("true"))(
      "sbom-format", "spdx (SPDX 2.3 JSON) or cyclonedx (CycloneDX 1.5 JSON)",
      cxxopts::value<std::string>()->default_value("spdx"))(
      "provenance", "attach SLSA v1 provenance per platform (--provenance=false: none)",
      cxxopts::value<bool>()->default_value("true")->implicit_value("true"))(
      "metadata-file", "write the result (digests, sizes) as JSON to this file",
      cxxopts::value<std::string>());
  options.add_options("Image settings")(
      "entrypoint", "JSON array or words (default: the binary path)",
      cxxopts::value<std::string>())("cmd", "JSON array or words", cxxopts::value<std::string>())(
      "env", "K=V (repeatable)", cxxopts::value<std::string>())("workdir", "working directory",
                                                                cxxopts::value<std::string>())(
      "user", "user[:group] (default 65532, or the base's)", cxxopts::value<std::string>())(
      "port", "N[/tcp|/udp] to expose (repeatable)", cxxopts::value<std::string>())(
      "label", "k=v config label (repeatable)", cxxopts::value<std::string>())(
      "annotation", "k=v manifest and index annotation (repeatable)",
      cxxopts::value<std::string>())("source-date-epoch", "seconds since 1970 for every timestamp",
                                     cxxopts::value<std::string>())(
      "module-dir", "git folder for the default epoch and revision", cxxopts::value<std::string>())(
      "version", "org.opencontainers.image.version", cxxopts::value<std::string>())(
      "revision", "org.opencontainers.image.revision", cxxopts::value<std::string>())(
      "source", "org.opencontainers.image.source", cxxopts::value<std::string>());
  return options;
}

}  // namespace

void add_layer_content_options(cxxopts::Options& options, const std::string& group,
                               const std::string& tz_help) {
  options.add_options(group)("binary-path", "where the binary goes in the image",
                             cxxopts::value<std::string>()->default_value("/app/service"))(
      "file", "SRC:DEST[:MODE] extra file or folder (repeatable)", cxxopts::value<std::string>())(
      "ca-certs", "add the host's CA bundle as /etc/ssl/certs/ca-certificates.crt")(
      "ca-bundle", "the CA bundle --ca-certs copies", cxxopts::value<std::string>())(
      "tz", tz_help, cxxopts::value<std::string>());
}

void add_compression_options(cxxopts::Options& options, const std::string& group) {
  options.add_options(group)("compression", "gzip, zstd or none",
                             cxxopts::value<std::string>()->default_value("gzip"))(
      "compression-level", "gzip 1-12 (default 6), zstd 1-19 (default 3)", cxxopts::value<int>());
}

void read_layer_options(const cxxopts::ParseResult& parsed, AssembleOptions& o) {
  o.binary_path = parsed["binary-path"].as<std::string>();
  o.files = all_values(parsed, "file");
  o.ca_certs = parsed.count("ca-certs") || parsed.count("ca-bundle");
  o.ca_bundle = value_or(parsed, "ca-bundle");
  o.time_zone = optional_value(parsed, "tz");
  o.compression = parsed["compression"].as<std::string>();
  if (parsed.count("compression-level"))
    o.compression_level = parsed["compression-level"].as<int>();
  o.depfile = value_or(parsed, "depfile");
  o.depfile_target = value_or(parsed, "depfile-target");
  o.source_date_epoch = optional_value(parsed, "source-date-epoch");
  o.environment_source_date_epoch = source_date_epoch_from_environment();
  o.module_dir = value_or(parsed, "module-dir");
}

int image_assemble(CliContext& ctx, const std::vector<std::string>& args) {
  auto options = image_assemble_options();
  bool help = false;
  auto parsed = parse_action(options, args, ctx,
                             "Epoch: --source-date-epoch, else $SOURCE_DATE_EPOCH, else the last "
                             "commit time of --module-dir\n(default: the binaries' folder), else "
                             "0. See docs/image.md.\n",
                             help, {"", "Inputs", "Output", "Supply chain", "Image settings"});
  if (help) return 0;

  AssemblePlan plan = plan_image_assembly(assemble_options(parsed), ctx.runner, ctx.host);
  SystemFileStatter statter;
  if (parsed.count("dry-run")) {
    check_assemble_request(plan.request, statter, ctx.host);
    render_assemble_dry_run(ctx.out, plan);
    return 0;
  }
  auto result = assemble_image(plan.request, statter, ctx.host, [&](const std::string& line) {
    fmt::print(ctx.err, "multiarch image: {}\n", line);
  });
  fmt::print(ctx.err, "multiarch image: epoch {} ({})\n", plan.epoch.seconds, plan.epoch.source);
  if (!plan.metadata_file.empty())
    write_image_metadata(plan.metadata_file, assemble_metadata(plan.request, result));
  render_assemble_result(ctx.out, plan, result, parsed.count("json") > 0);
  return 0;
}

}  // namespace multiarch::cli
