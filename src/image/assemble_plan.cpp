#include "image/assemble_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "go/binaries_dir.hpp"
#include "image/extra_file.hpp"
#include "image/image_config.hpp"
#include "image/image_options.hpp"
#include "image/layer_contents.hpp"
#include "oci/compression.hpp"
#include "oci/image_reference.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"
#include "util/service_name.hpp"
#include "util/strings.hpp"

namespace multiarch {
namespace fs = std::filesystem;
namespace {

void check_name(const std::string& name) {
  if (!name.empty()) check_service_name(name, "--name");
}

/// --binaries-dir or --binary, never both; `name` is filled in when it was not given.
std::vector<BinaryInput> binaries_of(const AssembleOptions& options, std::string& name,
                                     const Platform& host) {
  if (!options.binaries_dir.empty() && !options.binary_specs.empty())
    throw InputError("give either --binaries-dir or --binary, not both");
  std::vector<BinaryInput> binaries;
  if (!options.binaries_dir.empty()) {
    binaries = binaries_from_dir(options.binaries_dir, name, options.platform_specs, host);
  } else {
    if (!options.platform_specs.empty())
      throw InputError(
          "--platform selects from --binaries-dir; with --binary name the platform "
          "in each PLATFORM=PATH");
    for (const auto& spec : options.binary_specs) {
      auto [platform, path] = split_key_value(spec, "--binary");
      binaries.push_back(BinaryInput{parse_platform(platform, host), path});
    }
    if (name.empty() && !binaries.empty()) name = binaries.front().path.filename().string();
  }
  if (binaries.empty())
    throw InputError("no binaries: give --binaries-dir DIR or --binary PLATFORM=PATH");
  return binaries;
}

/// A plain tag, or a full reference whose tag part goes into ref.name. With a plain tag the
/// layout is named NAME:TAG when the binary name is a repository name.
void set_tag(AssembleRequest& request, const std::string& tag, const std::string& name) {
  if (tag.find_first_of(":/") != std::string::npos) {
    ImageReference reference = parse_image_reference(tag, "--tag");
    if (reference.tag.empty() || !reference.digest.empty())
      throw InputError(
          fmt::format("--tag \"{}\": a reference here needs a tag and no digest", tag));
    request.tag = reference.tag;
    request.image_name = reference.str();
    return;
  }
  check_tag(tag, "--tag");
  request.tag = tag;
  try {
    check_repository_name(name);
    request.image_name = name + ":" + tag;
  } catch (const InputError&) {
    // a binary name that is no repository name: the layout is tagged but not named
  }
}

void set_files(AssembleRequest& request, const AssembleOptions& options) {
  for (const auto& text : options.files) request.files.push_back(parse_extra_file(text));
  if (options.ca_certs)
    request.files.push_back(ExtraFile{host_ca_bundle(options.ca_bundle), kImageCaBundle, 0644});
  if (options.time_zone) {
    std::string zone = checked_time_zone(*options.time_zone);
    request.files.push_back(ExtraFile{zoneinfo_path(zone), zoneinfo_path(zone), 0644});
    request.settings.env.emplace_back("TZ", zone);
  }
}

void set_settings(ImageSettings& settings, const AssembleOptions& options,
                  const std::string& binary_path) {
  settings.entrypoint = parse_command_words(options.entrypoint, "--entrypoint");
  if (settings.entrypoint.empty()) settings.entrypoint = {binary_path};
  if (options.cmd) settings.cmd = parse_command_words(*options.cmd, "--cmd");
  for (const auto& text : options.env) {
    auto entry = split_key_value(text, "--env");
    auto existing = std::find_if(settings.env.begin(), settings.env.end(),
                                 [&](const auto& kv) { return kv.first == entry.first; });
    if (existing != settings.env.end())
      existing->second = entry.second;
    else
      settings.env.push_back(std::move(entry));
  }
  if (options.workdir) settings.workdir = normalize_image_path(*options.workdir, "--workdir");
  if (options.user) {
    const std::string& user = *options.user;
    if (user.empty() || user.find_first_of(" \t\n") != std::string::npos)
      throw InputError(fmt::format("--user \"{}\": expected user[:group] without spaces", user));
    settings.user = user;
  }
  for (const auto& port : options.ports) settings.ports.push_back(normalize_port(port));
  for (const auto& text : options.labels) {
    auto [key, value] = split_key_value(text, "--label");
    settings.labels[key] = value;
  }
}

}  // namespace

std::vector<BinaryInput> binaries_from_dir(const fs::path& dir, std::string& name,
                                           const std::vector<std::string>& platform_specs,
                                           const Platform& host) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(fmt::format("--binaries-dir {}: no such folder", dir.string()));
  std::vector<Platform> platforms = platform_specs.empty()
                                        ? platforms_in_binaries_dir(dir, host)
                                        : parse_platform_list(platform_specs, host);
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

fs::path module_dir_for(const AssembleOptions& options, const std::vector<BinaryInput>& binaries) {
  fs::path dir = options.module_dir;
  if (dir.empty())
    dir = !options.binaries_dir.empty() ? options.binaries_dir
          : binaries.empty()            ? fs::path()
                                        : binaries.front().path.parent_path();
  if (dir.empty()) dir = ".";
  return dir;
}

std::map<std::string, std::string> image_annotations(const AssembleOptions& options,
                                                     const std::string& name, int64_t epoch,
                                                     const std::string& revision) {
  std::map<std::string, std::string> annotations;
  annotations["org.opencontainers.image.created"] = rfc3339_utc(epoch);
  if (!name.empty()) annotations["org.opencontainers.image.title"] = name;
  if (!options.version.empty()) annotations["org.opencontainers.image.version"] = options.version;
  if (!revision.empty()) annotations["org.opencontainers.image.revision"] = revision;
  if (options.source) annotations["org.opencontainers.image.source"] = *options.source;
  for (const auto& text : options.annotations) {
    auto [key, value] = split_key_value(text, "--annotation");
    annotations[key] = value;
  }
  return annotations;
}

AssemblePlan plan_image_assembly(const AssembleOptions& options, ProcessRunner& runner,
                                 const Platform& host) {
  AssemblePlan plan;
  AssembleRequest& request = plan.request;
  if (options.output.empty()) throw InputError("--output DIR is required");
  request.output = options.output;

  plan.name = options.name;
  check_name(plan.name);
  request.binaries = binaries_of(options, plan.name, host);
  set_tag(request, options.tag, plan.name);

  request.binary_path = normalize_image_path(options.binary_path, "--binary-path");
  set_files(request, options);
  set_settings(request.settings, options, request.binary_path);

  // The epoch (flag, environment, git, 0) and the revision share one `git log`.
  fs::path module_dir = module_dir_for(options, request.binaries);
  plan.epoch = resolve_source_date_epoch(
      runner, {options.source_date_epoch, options.environment_source_date_epoch, module_dir});
  std::optional<GitCommit> commit = plan.epoch.commit;
  if (!options.revision && !plan.epoch.asked_git) commit = last_git_commit(runner, module_dir);
  std::string revision = options.revision ? *options.revision : commit ? commit->hash : "";
  request.settings.epoch = plan.epoch.seconds;
  request.layer.mtime = plan.epoch.seconds;

  request.layer.compression = parse_compression(options.compression);
  request.layer.level = options.compression_level
                            ? *options.compression_level
                            : default_compression_level(request.layer.compression);
  check_compression_level(request.layer.compression, request.layer.level);
  request.jobs = options.jobs ? *options.jobs : default_jobs();
  if (request.jobs == 0) throw InputError("--jobs must be at least 1");
  for (const auto& spec : options.layer_stores) {
    auto [platform, dir] = split_key_value(spec, "--layer-store");
    std::string key = parse_platform(platform, host).str();
    if (!request.layer_stores.emplace(key, dir).second)
      throw InputError(fmt::format("--layer-store: {} is given twice", key));
  }
  request.base = options.base;
  request.allow_dynamic = options.allow_dynamic;
  request.depfile = options.depfile;
  request.depfile_target = options.depfile_target;
  request.annotations = image_annotations(options, plan.name, plan.epoch.seconds, revision);

  request.attest.sbom = options.sbom;
  request.attest.provenance = options.provenance;
  request.attest.sbom_format = parse_sbom_format(options.sbom_format, "--sbom-format");
  request.attest.references = {request.image_name.empty() ? request.tag : request.image_name};
  request.attest.source_uri = options.source.value_or("");
  request.attest.source_revision = revision;
  plan.metadata_file = options.metadata_file;
  return plan;
}

}  // namespace multiarch
