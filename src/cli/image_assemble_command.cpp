// `multiarch image assemble`: options -> AssembleRequest -> assemble_image().
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/image_cli.hpp"
#include "cli/image_options.hpp"
#include "cli/options.hpp"
#include "go/binaries_dir.hpp"
#include "image/extra_file.hpp"
#include "image/image_assembler.hpp"
#include "oci/image_reference.hpp"
#include "util/error.hpp"

namespace multiarch::cli {
namespace fs = std::filesystem;
namespace {

int64_t parse_epoch(const std::string& text, const std::string& what) {
  bool digits = !text.empty() && text.size() <= 12 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits)
    throw InputError(
        fmt::format("{} \"{}\": expected seconds since 1970 (a non-negative integer)", what, text));
  return std::stoll(text);
}

/// The go-build layout: DIR/<slug>/<name><suffix>. Without --platform, every slug folder.
std::vector<BinaryInput> binaries_from_dir(const fs::path& dir, std::string& name,
                                           const std::vector<std::string>& specs,
                                           const Platform& host) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(fmt::format("--binaries-dir {}: no such folder", dir.string()));
  std::vector<Platform> platforms =
      specs.empty() ? platforms_in_binaries_dir(dir, host) : parse_platform_list(specs, host);
  if (platforms.empty())
    throw InputError(fmt::format("--binaries-dir {}: no platform folders (like linux_arm64) in it",
                                 dir.string()));
  // Without --name, the one binary in the first platform folder names the service.
  if (name.empty()) name = single_binary_name(dir / platforms.front().slug(), platforms.front());
  std::vector<BinaryInput> binaries;
  for (const auto& p : platforms)
    binaries.push_back(BinaryInput{p, dir / p.slug() / (name + p.binary_suffix())});
  return binaries;
}

struct GitFacts {
  std::optional<int64_t> epoch;
  std::string revision;
};

/// The last commit (time and hash) of the git work tree holding `dir`, when there is one and
/// git is installed; otherwise nothing.
GitFacts git_facts(ProcessRunner& runner, const fs::path& dir) {
  GitFacts facts;
  try {
    ProcessSpec spec;
    spec.argv = {"git", "-C", dir.string(), "log", "-1", "--format=%ct %H"};
    auto result = runner.run(spec);
    if (!result.ok()) return facts;
    std::string out = result.out.substr(0, result.out.find('\n'));
    size_t space = out.find(' ');
    if (space == std::string::npos) return facts;
    facts.epoch = parse_epoch(out.substr(0, space), "git commit time");
    facts.revision = out.substr(space + 1);
  } catch (const std::exception&) {
    // git missing or the folder unreadable: fall back like a folder without git
  }
  return facts;
}

}  // namespace

int image_assemble(CliContext& ctx, const std::vector<std::string>& args) {
  cxxopts::Options options("multiarch image assemble",
                           "Write a multi-platform OCI image layout from prebuilt binaries.");
  options.add_options("Inputs")("binaries-dir", "go-build output: DIR/<slug>/<name>",
                                cxxopts::value<std::string>())(
      "name", "service (binary) name; also the image title", cxxopts::value<std::string>())(
      "platform", "platforms to take from --binaries-dir (repeatable; lists, presets)",
      cxxopts::value<std::string>())("binary", "PLATFORM=PATH (repeatable)",
                                     cxxopts::value<std::string>())(
      "binary-path", "where the binary goes in the image",
      cxxopts::value<std::string>()->default_value("/app/service"))(
      "file", "SRC:DEST[:MODE] extra file or folder (repeatable)", cxxopts::value<std::string>())(
      "ca-certs", "add the host's CA bundle as /etc/ssl/certs/ca-certificates.crt")(
      "ca-bundle", "the CA bundle --ca-certs copies", cxxopts::value<std::string>())(
      "tz", "time zone: ENV TZ and its zoneinfo file", cxxopts::value<std::string>())(
      "base", "base image: an OCI layout DIR or DIR:TAG", cxxopts::value<std::string>());
  options.add_options("Output")("output", "the OCI layout folder to write",
                                cxxopts::value<std::string>())(
      "tag", "TAG or REPO:TAG recorded in index.json",
      cxxopts::value<std::string>()->default_value("latest"))(
      "compression", "gzip, zstd or none", cxxopts::value<std::string>()->default_value("gzip"))(
      "compression-level", "gzip 1-12 (default 6), zstd 1-19 (default 3)", cxxopts::value<int>())(
      "jobs", "platforms built at once (default: cores)", cxxopts::value<unsigned>())(
      "json", "print the result as JSON")(
      "dry-run", "check the inputs and print what would be built; write nothing");
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
  bool help = false;
  auto parsed = parse_action(options, args, ctx,
                             "Epoch: --source-date-epoch, else $SOURCE_DATE_EPOCH, else the last "
                             "commit time of --module-dir\n(default: the binaries' folder), else "
                             "0. See docs/image.md.\n",
                             help, {"", "Inputs", "Output", "Image settings"});
  if (help) return 0;

  AssembleRequest request;
  if (!parsed.count("output")) throw InputError("--output DIR is required");
  request.output = parsed["output"].as<std::string>();

  std::string name = value_or(parsed, "name");
  if (!name.empty() && (name.find('/') != std::string::npos || name == "." || name == ".."))
    throw InputError(fmt::format("--name \"{}\": a binary name, without '/'", name));
  auto binary_specs = all_values(parsed, "binary");
  fs::path binaries_dir = value_or(parsed, "binaries-dir");
  if (!binaries_dir.empty() && !binary_specs.empty())
    throw InputError("give either --binaries-dir or --binary, not both");
  if (!binaries_dir.empty()) {
    request.binaries =
        binaries_from_dir(binaries_dir, name, all_values(parsed, "platform"), ctx.host);
  } else {
    if (parsed.count("platform"))
      throw InputError(
          "--platform selects from --binaries-dir; with --binary name the platform "
          "in each PLATFORM=PATH");
    for (const auto& spec : binary_specs) {
      auto [platform, path] = split_key_value(spec, "--binary");
      request.binaries.push_back(BinaryInput{parse_platform(platform, ctx.host), path});
    }
    if (name.empty() && !request.binaries.empty())
      name = request.binaries.front().path.filename().string();
  }
  if (request.binaries.empty())
    throw InputError("no binaries: give --binaries-dir DIR or --binary PLATFORM=PATH");

  // Tag: a plain tag, or a full reference whose tag part goes into ref.name.
  std::string tag = parsed["tag"].as<std::string>();
  if (tag.find_first_of(":/") != std::string::npos) {
    ImageReference reference = parse_image_reference(tag, "--tag");
    if (reference.tag.empty() || !reference.digest.empty())
      throw InputError(
          fmt::format("--tag \"{}\": a reference here needs a tag and no digest", tag));
    request.tag = reference.tag;
    request.image_name = reference.str();
  } else {
    check_tag(tag, "--tag");
    request.tag = tag;
    try {
      check_repository_name(name);
      request.image_name = name + ":" + tag;
    } catch (const InputError&) {
      // a binary name that is no repository name: the layout is tagged but not named
    }
  }

  request.binary_path =
      normalize_image_path(parsed["binary-path"].as<std::string>(), "--binary-path");
  for (const auto& text : all_values(parsed, "file"))
    request.files.push_back(parse_extra_file(text));
  if (parsed.count("ca-certs") || parsed.count("ca-bundle"))
    request.files.push_back(
        ExtraFile{host_ca_bundle(value_or(parsed, "ca-bundle")), kImageCaBundle, 0644});
  ImageSettings& settings = request.settings;
  if (parsed.count("tz")) {
    std::string zone = checked_time_zone(parsed["tz"].as<std::string>());
    request.files.push_back(ExtraFile{zoneinfo_path(zone), zoneinfo_path(zone), 0644});
    settings.env.emplace_back("TZ", zone);
  }

  settings.entrypoint = parse_command_words(value_or(parsed, "entrypoint"), "--entrypoint");
  if (settings.entrypoint.empty()) settings.entrypoint = {request.binary_path};
  if (parsed.count("cmd"))
    settings.cmd = parse_command_words(parsed["cmd"].as<std::string>(), "--cmd");
  for (const auto& text : all_values(parsed, "env")) {
    auto [key, value] = split_key_value(text, "--env");
    auto existing = std::find_if(settings.env.begin(), settings.env.end(),
                                 [&](const auto& kv) { return kv.first == key; });
    if (existing != settings.env.end())
      existing->second = value;
    else
      settings.env.emplace_back(key, value);
  }
  if (parsed.count("workdir"))
    settings.workdir = normalize_image_path(parsed["workdir"].as<std::string>(), "--workdir");
  if (parsed.count("user")) {
    std::string user = parsed["user"].as<std::string>();
    if (user.empty() || user.find_first_of(" \t\n") != std::string::npos)
      throw InputError(fmt::format("--user \"{}\": expected user[:group] without spaces", user));
    settings.user = user;
  }
  for (const auto& port : all_values(parsed, "port"))
    settings.ports.push_back(normalize_port(port));
  for (const auto& text : all_values(parsed, "label")) {
    auto [key, value] = split_key_value(text, "--label");
    settings.labels[key] = value;
  }

  // The epoch: flag, environment, git, 0.
  fs::path module_dir = value_or(parsed, "module-dir");
  if (module_dir.empty())
    module_dir = !binaries_dir.empty() ? binaries_dir : request.binaries.front().path.parent_path();
  if (module_dir.empty()) module_dir = ".";
  std::string epoch_source;
  std::optional<int64_t> epoch;
  if (parsed.count("source-date-epoch")) {
    epoch = parse_epoch(parsed["source-date-epoch"].as<std::string>(), "--source-date-epoch");
    epoch_source = "--source-date-epoch";
  } else if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env && *env) {
    epoch = parse_epoch(env, "SOURCE_DATE_EPOCH");
    epoch_source = "SOURCE_DATE_EPOCH";
  }
  GitFacts git;
  if (!epoch || !parsed.count("revision")) git = git_facts(ctx.runner, module_dir);
  if (!epoch && git.epoch) {
    epoch = git.epoch;
    epoch_source = "last commit in " + module_dir.string();
  }
  if (!epoch) {
    epoch = 0;
    epoch_source = "default (no SOURCE_DATE_EPOCH, no git history)";
  }
  settings.epoch = *epoch;

  request.layer.mtime = *epoch;
  request.layer.compression = parse_compression(parsed["compression"].as<std::string>());
  request.layer.level = parsed.count("compression-level")
                            ? parsed["compression-level"].as<int>()
                            : default_compression_level(request.layer.compression);
  check_compression_level(request.layer.compression, request.layer.level);
  request.jobs = parsed.count("jobs") ? parsed["jobs"].as<unsigned>()
                                      : std::max(1u, std::thread::hardware_concurrency());
  if (request.jobs == 0) throw InputError("--jobs must be at least 1");
  request.base = value_or(parsed, "base");

  auto& annotations = request.annotations;
  annotations["org.opencontainers.image.created"] = rfc3339_utc(*epoch);
  if (!name.empty()) annotations["org.opencontainers.image.title"] = name;
  std::string version = value_or(parsed, "version");
  std::string revision = value_or(parsed, "revision", git.revision);
  if (!version.empty()) annotations["org.opencontainers.image.version"] = version;
  if (!revision.empty()) annotations["org.opencontainers.image.revision"] = revision;
  if (parsed.count("source"))
    annotations["org.opencontainers.image.source"] = parsed["source"].as<std::string>();
  for (const auto& text : all_values(parsed, "annotation")) {
    auto [key, value] = split_key_value(text, "--annotation");
    annotations[key] = value;
  }

  SystemFileStatter statter;
  if (parsed.count("dry-run")) {
    check_assemble_request(request, statter, ctx.host);
    fmt::print(ctx.out, "would write {} (tag {}{}), epoch {} from {}, {} level {}\n",
               request.output.string(), request.tag,
               request.image_name.empty() ? "" : ", name " + request.image_name, *epoch,
               epoch_source, compression_name(request.layer.compression), request.layer.level);
    for (const auto& binary : request.binaries)
      fmt::print(ctx.out, "  {:<16} {} -> {}\n", binary.platform.str(), binary.path.string(),
                 request.binary_path);
    for (const auto& file : request.files)
      fmt::print(ctx.out, "  {:<16} {} -> {}\n", "file", file.source.string(), file.destination);
    return 0;
  }

  auto result = assemble_image(request, statter, ctx.host, [&](const std::string& line) {
    fmt::print(ctx.err, "multiarch image: {}\n", line);
  });
  fmt::print(ctx.err, "multiarch image: epoch {} ({})\n", *epoch, epoch_source);

  if (parsed.count("json")) {
    nlohmann::ordered_json j;
    j["layout"] = request.output.string();
    j["tag"] = request.tag;
    j["name"] = request.image_name;
    j["digest"] = result.index.digest;
    j["size"] = result.index.size;
    j["epoch"] = *epoch;
    j["layers_built"] = result.layers_built;
    j["blobs_written"] = result.blobs_written;
    j["index_json_written"] = result.index_json_written;
    nlohmann::ordered_json platforms = nlohmann::ordered_json::array();
    for (const auto& p : result.platforms) {
      uint64_t size = p.config.size;
      for (const auto& l : p.layers) size += l.size;
      nlohmann::ordered_json entry;
      entry["platform"] = p.platform.str();
      entry["digest"] = p.manifest.digest;
      entry["config"] = p.config.digest;
      entry["diff_id"] = p.diff_id;
      entry["size"] = size;
      entry["cached"] = p.cached;
      platforms.push_back(entry);
    }
    j["platforms"] = platforms;
    fmt::print(ctx.out, "{}\n", j.dump(2));
    return 0;
  }
  for (const auto& p : result.platforms) {
    uint64_t size = p.config.size;
    for (const auto& l : p.layers) size += l.size;
    fmt::print(ctx.out, "{:<16} {}  {:>10}{}\n", p.platform.str(), p.manifest.digest,
               human_size(size), p.cached ? "  (cached)" : "");
  }
  fmt::print(ctx.out, "{:<16} {}  {} -> {}:{}\n", "index", result.index.digest,
             result.index_json_written || result.blobs_written ? "written" : "unchanged",
             request.output.string(), request.tag);
  return 0;
}

}  // namespace multiarch::cli
