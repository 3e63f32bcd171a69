// `multiarch image assemble|load|push|inspect`: multi-platform OCI images written by
// multiarch itself (no daemon), loaded into Docker, pushed to registries, inspected.
// `assemble` lives in image_assemble_command.cpp, `layer` in image_layer_command.cpp.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/image_cli.hpp"
#include "cli/options.hpp"
#include "oci/image_reference.hpp"
#include "oci/oci_manifest.hpp"
#include "publish/docker_archive.hpp"
#include "publish/layout_attestations.hpp"
#include "publish/layout_images.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch::cli {
namespace fs = std::filesystem;

std::string human_size(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / 1048576);
}

Platform platform_or_host(const cxxopts::ParseResult& parsed, const CliContext& ctx) {
  return parsed.count("platform") ? parse_platform(parsed["platform"].as<std::string>(), ctx.host)
                                  : ctx.host;
}

cxxopts::ParseResult parse_action(cxxopts::Options& options, const std::vector<std::string>& args,
                                  CliContext& ctx, const std::string& help, bool& show_help,
                                  const std::vector<std::string>& groups) {
  options.add_options()("h,help", "this help");
  auto parsed = parse_options(options, args);
  show_help = parsed.count("help") > 0;
  if (show_help) fmt::print(ctx.out, "{}\n{}", options.help(groups), help);
  if (!show_help && !parsed.unmatched().empty())
    throw InputError(fmt::format("unexpected argument \"{}\"; see --help", parsed.unmatched()[0]));
  return parsed;
}

namespace {

constexpr const char* kImageUsage =
    "Usage:\n"
    "  multiarch image assemble (--binaries-dir DIR [--name NAME] [--platform SPEC]... |\n"
    "                            --binary PLATFORM=PATH...) --output DIR [options]\n"
    "      write a multi-platform OCI image layout from prebuilt binaries (no daemon)\n"
    "  multiarch image layer --binary PLATFORM=PATH --output STORE [layer options]\n"
    "      one platform's layer ahead of assemble (image assemble --layer-store PLATFORM=STORE)\n"
    "  multiarch image load --layout DIR [--platform SPEC] [--tag REF]\n"
    "      load one platform (default: this machine's) into Docker\n"
    "  multiarch image push --layout DIR --to REGISTRY/REPO[:TAG] [--by-digest]\n"
    "      push the whole index with its digests (multiarch's registry client)\n"
    "  multiarch image pull REGISTRY/REPO[:TAG][@DIGEST] --layout DIR\n"
    "      pull an image (digests verified) into an OCI layout\n"
    "  multiarch image merge --to REGISTRY/REPO:TAG (--digest D | --metadata-file F)...\n"
    "      one index from platform images pushed by digest (CI matrices)\n"
    "  multiarch image inspect --layout DIR [--json]\n"
    "      platforms, digests, sizes and attestations\n"
    "  multiarch image sbom --layout DIR [--platform SPEC] [--format spdx|cyclonedx]\n"
    "      print one platform's SBOM\n"
    "  multiarch image provenance --layout DIR [--platform SPEC]\n"
    "      print one platform's SLSA provenance\n"
    "  multiarch image verify --key cosign.pub REF [--layout DIR]\n"
    "      check the cosign signatures (and attestations) image push --sign-key made\n"
    "  multiarch image test --layout DIR [--platform SPEC] [checks] [-- ARGS...]\n"
    "      run every platform's image on its minimum CPU (bubblewrap + QEMU) and check it\n"
    "\n"
    "Run `multiarch image <action> --help` for the options of each. See docs/image.md.\n";

int load(CliContext& ctx, const std::vector<std::string>& args) {
  cxxopts::Options options("multiarch image load",
                           "Load one platform of a layout into the local Docker engine.");
  options.add_options()("layout", "the OCI layout folder", cxxopts::value<std::string>())(
      "ref", "which image of the layout (its tag; default: the only one)",
      cxxopts::value<std::string>())("platform", "the platform to load (default: this machine's)",
                                     cxxopts::value<std::string>())(
      "tag", "the reference Docker gives it (default: the layout's name:tag)",
      cxxopts::value<std::string>())("docker", "the docker client",
                                     cxxopts::value<std::string>()->default_value("docker"))(
      "dry-run", "print the docker command and what it would read; load nothing");
  bool help = false;
  auto parsed = parse_action(options, args, ctx,
                             "Streams a docker-archive of that platform to `docker load`.\n", help);
  if (help) return 0;
  if (!parsed.count("layout")) throw InputError("--layout DIR is required");
  OciLayout layout(parsed["layout"].as<std::string>());
  LayoutImage image = select_layout_image(layout, value_or(parsed, "ref"));
  Platform platform = platform_or_host(parsed, ctx);
  Descriptor manifest = select_platform_manifest(image, platform, ctx.host);

  std::string reference = value_or(parsed, "tag");
  if (reference.empty()) reference = image.name;
  if (reference.empty()) {
    std::string title;
    if (auto it = image.entry.annotations.find("org.opencontainers.image.title");
        it != image.entry.annotations.end())
      title = it->second;
    reference = (title.empty() ? "multiarch-image" : title) + ":" +
                (image.tag.empty() ? "latest" : image.tag);
  }
  ImageReference parsed_reference = parse_image_reference(reference, "--tag");
  if (parsed_reference.tag.empty() || !parsed_reference.digest.empty())
    throw InputError(fmt::format("--tag \"{}\": docker load needs NAME:TAG", reference));

  std::vector<std::string> argv = {parsed["docker"].as<std::string>(), "load"};
  if (parsed.count("dry-run")) {
    fmt::print(ctx.out, "{}  < docker-archive of {} manifest {} as {}\n", display_command(argv),
               platform.str(), manifest.digest, parsed_reference.str());
    return 0;
  }
  if (find_executable(argv[0]).empty())
    throw RuntimeError(
        fmt::format("{} is not installed or not on PATH (Docker Engine's client)", argv[0]));
  fmt::print(ctx.err, "multiarch image: loading {} ({}) as {}\n", platform.str(), manifest.digest,
             parsed_reference.str());
  ProcessSpec spec;
  spec.argv = argv;
  spec.stdin_data = docker_archive(layout, manifest, parsed_reference.str());
  auto result = ctx.runner.run(spec);
  if (!result.ok())
    throw RuntimeError(
        fmt::format("docker load failed (exit {}): {}", result.exit_code,
                    first_nonempty_line(result.err.empty() ? result.out : result.err)));
  std::string loaded = parse_docker_load_output(result.out);
  fmt::print(ctx.out, "Loaded image: {}\n", loaded.empty() ? parsed_reference.str() : loaded);
  return 0;
}

int inspect(CliContext& ctx, const std::vector<std::string>& args) {
  cxxopts::Options options("multiarch image inspect",
                           "Show the images of a layout: platforms, digests and sizes.");
  options.add_options()("layout", "the OCI layout folder", cxxopts::value<std::string>())(
      "json", "print JSON");
  bool help = false;
  auto parsed = parse_action(options, args, ctx, "", help);
  if (help) return 0;
  if (!parsed.count("layout")) throw InputError("--layout DIR is required");
  OciLayout layout(parsed["layout"].as<std::string>());
  auto images = layout_images(layout);

  nlohmann::ordered_json j;
  j["layout"] = layout.root().string();
  j["images"] = nlohmann::ordered_json::array();
  for (const auto& image : images) {
    nlohmann::ordered_json ij;
    ij["tag"] = image.tag;
    ij["name"] = image.name;
    ij["digest"] = image.entry.digest;
    ij["mediaType"] = image.entry.media_type;
    ij["platforms"] = nlohmann::ordered_json::array();
    auto attestations = layout_attestations(layout, image);
    if (!parsed.count("json"))
      fmt::print(ctx.out, "{} {}{}\n", image.tag.empty() ? "(untagged)" : image.tag,
                 image.entry.digest, image.name.empty() ? "" : "  " + image.name);
    for (const auto& m : image.manifests) {
      auto manifest = parse_manifest(layout.read_blob(m), m.digest);
      uint64_t size = manifest.config.size + m.size;
      for (const auto& l : manifest.layers) size += l.size;
      const auto& p = *m.platform;
      std::string platform = platform_spec(p);
      nlohmann::ordered_json pj;
      pj["platform"] = platform;
      pj["digest"] = m.digest;
      pj["config"] = manifest.config.digest;
      pj["layers"] = manifest.layers.size();
      pj["size"] = size;
      pj["attestations"] = nlohmann::ordered_json::array();
      std::string attested;
      for (const auto& a : attestations)
        if (a.image_manifest.digest == m.digest)
          for (const auto& statement : a.statements) {
            pj["attestations"].push_back({{"predicateType", statement.predicate_type},
                                          {"manifest", a.attestation_manifest.digest},
                                          {"digest", statement.layer.digest},
                                          {"size", statement.layer.size}});
            attested += "  " + statement.predicate_type;
          }
      ij["platforms"].push_back(pj);
      if (!parsed.count("json")) {
        fmt::print(ctx.out, "  {:<16} {}  {} layer{}  {:>10}\n", platform, m.digest,
                   manifest.layers.size(), manifest.layers.size() == 1 ? " " : "s",
                   human_size(size));
        if (!attested.empty()) fmt::print(ctx.out, "  {:<16} attestations:{}\n", "", attested);
      }
    }
    j["images"].push_back(ij);
  }
  if (parsed.count("json")) fmt::print(ctx.out, "{}\n", j.dump(2));
  return 0;
}

}  // namespace

int image_command(CliContext& ctx, const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    fmt::print(args.empty() ? ctx.err : ctx.out, "{}", kImageUsage);
    return args.empty() ? kExitInput : 0;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "assemble") return image_assemble(ctx, rest);
  if (args[0] == "layer") return image_layer(ctx, rest);
  if (args[0] == "load") return load(ctx, rest);
  if (args[0] == "push") return image_push(ctx, rest);
  if (args[0] == "pull") return image_pull(ctx, rest);
  if (args[0] == "merge") return image_merge(ctx, rest);
  if (args[0] == "inspect") return inspect(ctx, rest);
  if (args[0] == "sbom") return image_attestation(ctx, rest, true);
  if (args[0] == "provenance") return image_attestation(ctx, rest, false);
  if (args[0] == "verify") return image_verify(ctx, rest);
  if (args[0] == "test") return image_test(ctx, rest);
  throw InputError(
      fmt::format("unknown action \"{}\"; expected assemble, layer, load, push, pull, merge, "
                  "inspect, sbom, provenance, verify or test (see --help)",
                  args[0]));
}

}  // namespace multiarch::cli
