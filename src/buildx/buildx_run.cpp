#include "buildx/buildx_run.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>

#include "image/image_config.hpp"
#include "image/image_index.hpp"
#include "oci/attestation_manifest.hpp"
#include "oci/image_reference.hpp"
#include "oci/layout_merge.hpp"
#include "oci/oci_manifest.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace fs = std::filesystem;
namespace {

std::string last_lines(const std::string& text, size_t count) {
  size_t pos = text.size();
  while (pos > 0 && (text[pos - 1] == '\n' || text[pos - 1] == ' ')) --pos;
  size_t end = pos;
  for (size_t n = 0; n < count && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) {
      pos = 0;
      break;
    }
  }
  auto out = text.substr(pos, end - pos);
  return out.empty() || out[0] != '\n' ? out : out.substr(1);
}

/// Runs commands in order, printing each first; in a dry run only prints. Removes the
/// temporary images it was told about when it goes out of scope.
class CommandSequence {
 public:
  CommandSequence(ProcessRunner& runner, std::ostream& log, bool dry_run, std::string docker)
      : runner_(runner), log_(log), dry_run_(dry_run), docker_(std::move(docker)) {}
  ~CommandSequence() { remove_temporary_images(); }
  CommandSequence(const CommandSequence&) = delete;
  CommandSequence& operator=(const CommandSequence&) = delete;

  ProcessResult run(const ProcessSpec& spec) {
    fmt::print(log_, "+ {}\n", display_spec(spec));
    log_.flush();
    if (dry_run_) return ProcessResult{0, "", "", {}};
    // Our stdout carries only the digest: what a tool prints there (the legacy builder's
    // steps) is relayed to the log instead; stderr (buildx's progress) stays live.
    ProcessSpec relayed = spec;
    relayed.capture_stdout = true;
    ProcessResult result = runner_.run(relayed);
    if (!spec.capture_stdout && !result.out.empty()) {
      log_ << result.out;
      if (result.out.back() != '\n') log_ << '\n';
      log_.flush();
    }
    if (!result.ok()) {
      std::string detail = last_lines(result.err.empty() ? result.out : result.err, 5);
      throw RuntimeError(fmt::format("`{}` failed (exit {}){}{}", display_command(spec.argv),
                                     result.exit_code, detail.empty() ? "" : ":\n", detail));
    }
    return result;
  }
  void note(const std::string& text) { fmt::print(log_, "{}{}\n", dry_run_ ? "# " : "", text); }
  /// Removes an image from the engine when the sequence ends, even after a failure.
  void remove_later(const std::string& image) { temporary_images_.push_back(image); }
  /// Removes those images now (before steps that follow the build, so the log is in order).
  void remove_temporary_images() {
    for (const auto& image : temporary_images_) remove_now(image);
    temporary_images_.clear();
  }
  /// `docker image rm --force IMAGE` now; a failure (already gone) is not an error.
  void remove_now(const std::string& image) {
    ProcessSpec spec;
    spec.argv = {docker_, "image", "rm", "--force", image};
    fmt::print(log_, "+ {}\n", display_spec(spec));
    if (dry_run_) return;
    try {
      runner_.run(spec);
    } catch (const RuntimeError&) {
    }
  }
  bool dry_run() const { return dry_run_; }

 private:
  ProcessRunner& runner_;
  std::ostream& log_;
  bool dry_run_;
  std::string docker_;
  std::vector<std::string> temporary_images_;
};

RecordedImage read_metadata_image(const CommandSequence& commands, const fs::path& metadata) {
  if (commands.dry_run()) return {};
  std::error_code ec;
  if (!fs::exists(metadata, ec)) return {};
  return metadata_image(read_file(metadata));
}

std::string read_metadata_digest(const CommandSequence& commands, const fs::path& metadata) {
  return read_metadata_image(commands, metadata).digest;
}

std::string local_image_name(const Platform& platform) {
  return fmt::format("multiarch-buildx-staging:{}-{}", platform.slug(), ::getpid());
}

}  // namespace

std::string staging_reference(const std::string& tag, const Platform& platform) {
  auto reference = parse_image_reference(tag, "--tag");
  // Tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} (OCI distribution spec, "Pulling manifests").
  std::string staging = "multiarch-staging-" + platform.slug() + "-" +
                        (reference.tag.empty() ? std::string("latest") : reference.tag);
  if (staging.size() > 128) staging.resize(128);
  return reference.name() + ":" + staging;
}

namespace {

std::string repository_of_tag(const std::string& tag) {
  return parse_image_reference(tag, "--tag").name();
}

/// The request platform a manifest of the builder's index is for.
const Platform* platform_of(const BuildxJob& job, const Descriptor& manifest) {
  for (const auto& platform : job.request.platforms)
    if (manifest.platform && *manifest.platform == descriptor_platform(platform)) return &platform;
  return nullptr;
}

/// Writes the per-platform manifests as one index tagged in the job's layout, each with
/// multiarch's attestation when the job asks for them (the same index `image assemble`
/// writes), and records the platform and attestation digests in `outcome`.
std::string write_merged_layout(const BuildxJob& job, LayoutTransaction& transaction,
                                const OciLayout& layout, const std::vector<Descriptor>& manifests,
                                const std::map<std::string, std::string>& annotations,
                                BuildxOutcome& outcome) {
  std::vector<IndexedImage> images = attest_buildx_images(job.attest, manifests, transaction);
  WrittenIndex written = write_attested_index(transaction, layout, images, annotations,
                                              job.layout_tag, job.image_name);
  transaction.commit();
  remove_unreferenced_blobs(layout);
  bool built_one_by_one = !outcome.platform_digests.empty();
  for (const auto& image : images) {
    if (is_attestation_manifest(image.manifest)) continue;
    if (!built_one_by_one)
      if (const Platform* platform = platform_of(job, image.manifest))
        outcome.platform_digests.emplace_back(*platform, image.manifest.digest);
    if (job.attest.any())
      outcome.attestation_digests.push_back(image.attestation ? image.attestation->digest : "");
  }
  outcome.index_size = written.index.size;
  return written.index.digest;
}

/// `docker save IMAGE` into the transaction, checked against `platform`.
Descriptor save_into_layout(CommandSequence& commands, const BuildxJob& job,
                            const std::string& image, const Platform& platform,
                            LayoutTransaction* transaction) {
  ProcessSpec save = docker_command(job.request, {"save", image});
  auto saved = commands.run(save);
  if (commands.dry_run()) return {};
  // The engine's builder may ignore SOURCE_DATE_EPOCH (BuildKit < 0.11, the legacy builder):
  // multiarch writes the epoch itself so the layout's digest follows it (issue 17 item 5).
  return import_docker_save(saved.out, platform, *transaction, rfc3339_utc(job.request.epoch));
}

BuildxOutcome multi_platform(CommandSequence& commands, const BuildxJob& job) {
  BuildxOutcome outcome;
  const auto& request = job.request;
  fs::path metadata = job.work_dir / "metadata.json";
  if (!job.writes_layout()) {
    auto flags =
        tagged_output_flags(request.tags, job.output == OutputKind::push ? "--push" : "--load");
    commands.run(buildx_build_command(request, request.platforms, flags, metadata));
    outcome.digest = read_metadata_digest(commands, metadata);
    return outcome;
  }
  fs::path oci = job.work_dir / "oci-output";
  commands.run(buildx_build_command(request, request.platforms, oci_output_flags(oci), metadata));
  commands.note(fmt::format("multiarch: copy the image from {} into {} as \"{}\"", oci.string(),
                            job.layout_dir.string(), job.layout_tag));
  if (commands.dry_run()) return outcome;
  OciLayout source(oci);
  auto entries = source.index_entries();
  if (entries.size() != 1)
    throw RuntimeError(
        fmt::format("buildx wrote {} images into {}, expected one", entries.size(), oci.string()));
  OciLayout target(job.layout_dir);
  LayoutTransaction transaction(target);
  copy_layout_image(source, entries[0], transaction);
  Descriptor entry = entries[0];
  entry.annotations.clear();
  if (!is_index_media_type(entry.media_type)) {
    // One platform: buildx wrote a bare manifest; the layout always holds an index.
    entry.platform = descriptor_platform(request.platforms.front());
    outcome.digest = write_merged_layout(job, transaction, target, {entry}, {}, outcome);
    return outcome;
  }
  if (job.attest.any()) {
    // multiarch's attestations go into a new index of buildx's manifests (its annotations
    // kept); buildx's own index blob is then unreferenced and removed.
    std::string bytes = source.read_blob(entry);
    auto annotations = nlohmann::json::parse(bytes).value("annotations", nlohmann::json::object());
    outcome.digest =
        write_merged_layout(job, transaction, target, parse_index(bytes, oci.string()),
                            annotations.get<std::map<std::string, std::string>>(), outcome);
    return outcome;
  }
  entry.platform.reset();
  transaction.write_index_json(index_json_with(target, entry, job.layout_tag, job.image_name));
  transaction.commit();
  remove_unreferenced_blobs(target);
  outcome.digest = entry.digest;
  outcome.index_size = entry.size;
  return outcome;
}

/// Builds each platform into the engine (buildx --load, or the legacy builder), saves it and
/// merges the images into the layout.
BuildxOutcome merge_per_platform(CommandSequence& commands, const BuildxJob& job, bool legacy) {
  BuildxOutcome outcome;
  std::unique_ptr<OciLayout> target;
  std::unique_ptr<LayoutTransaction> transaction;
  if (!commands.dry_run()) {
    target = std::make_unique<OciLayout>(job.layout_dir);
    transaction = std::make_unique<LayoutTransaction>(*target);
  }
  std::vector<Descriptor> manifests;
  for (const auto& platform : job.request.platforms) {
    std::string image = local_image_name(platform);
    commands.remove_later(image);
    if (legacy) {
      BuildxRequest request = job.request;
      request.dockerfile = job.legacy_dockerfile(platform);
      commands.run(legacy_build_command(request, platform, job.host, {image}));
    } else {
      fs::path metadata = job.work_dir / ("metadata-" + platform.slug() + ".json");
      commands.run(buildx_build_command(job.request, {platform},
                                        tagged_output_flags({image}, "--load"), metadata));
    }
    Descriptor manifest = save_into_layout(commands, job, image, platform, transaction.get());
    outcome.platform_digests.emplace_back(platform, manifest.digest);
    manifests.push_back(manifest);
  }
  commands.note(fmt::format("multiarch: merge {} images into one index in {} as \"{}\"",
                            manifests.size(), job.layout_dir.string(), job.layout_tag));
  if (commands.dry_run()) return outcome;
  outcome.digest = write_merged_layout(job, *transaction, *target, manifests, {}, outcome);
  return outcome;
}

/// Issue 17 item 6: a release tag moves only when every platform made it. Each platform is
/// pushed under a private staging tag (the docker driver can push neither by digest nor without
/// a name) and the index joins their digests at the end; the user's tags are written once,
/// last. The staging tags stay in the registry (its API deletes manifests, not tags, and the
/// index needs those manifests); one per platform and release tag, overwritten by the next run.
BuildxOutcome push_per_platform(CommandSequence& commands, const BuildxJob& job) {
  BuildxOutcome outcome;
  const auto& request = job.request;
  std::string repository = repository_of_tag(request.tags.front());
  std::vector<std::string> sources;
  for (const auto& platform : request.platforms) {
    std::string staging = staging_reference(request.tags.front(), platform);
    // The docker driver keeps a copy in the engine under the staging tag: ours to remove.
    commands.remove_later(staging);
    fs::path metadata = job.work_dir / ("metadata-" + platform.slug() + ".json");
    commands.run(buildx_build_command(request, {platform}, tagged_output_flags({staging}, "--push"),
                                      metadata));
    std::string digest = read_metadata_digest(commands, metadata);
    if (digest.empty() && !commands.dry_run())
      throw RuntimeError(
          fmt::format("buildx reported no digest for {} in {}", platform.str(), metadata.string()));
    outcome.platform_digests.emplace_back(platform, digest);
    sources.push_back(repository + "@" +
                      (digest.empty() ? "<digest of " + platform.str() + ">" : digest));
  }
  fs::path metadata = job.work_dir / "metadata-index.json";
  commands.run(imagetools_create_command(request, sources, metadata));
  // imagetools keeps the sources' kind: a Docker manifest list for Docker manifests.
  RecordedImage index = read_metadata_image(commands, metadata);
  outcome.digest = index.digest;
  outcome.index_media_type = index.media_type;
  outcome.index_size = index.size;
  return outcome;
}

BuildxOutcome legacy_push(CommandSequence& commands, const BuildxJob& job) {
  BuildxOutcome outcome;
  const auto& tags = job.request.tags;
  auto reference = parse_image_reference(tags.front(), "--tag");
  bool insecure = is_loopback_domain(reference.domain);
  std::vector<std::string> sources;
  for (const auto& platform : job.request.platforms) {
    // As in push_per_platform: never push (or remove) the user's tag before the end.
    std::string staging = staging_reference(tags.front(), platform);
    commands.remove_later(staging);
    BuildxRequest request = job.request;
    request.dockerfile = job.legacy_dockerfile(platform);
    commands.run(legacy_build_command(request, platform, job.host, {staging}));
    auto pushed = commands.run(docker_command(request, {"push", staging}));
    std::string digest = pushed_digest(pushed.out);
    if (digest.empty() && !commands.dry_run())
      throw RuntimeError(
          fmt::format("`docker push {}` printed no digest for {}", staging, platform.str()));
    outcome.platform_digests.emplace_back(platform, digest);
    sources.push_back(reference.name() + "@" +
                      (digest.empty() ? "<digest of " + platform.str() + ">" : digest));
  }
  for (const auto& tag : tags) {
    bool tag_insecure = is_loopback_domain(parse_image_reference(tag, "--tag").domain);
    commands.run(manifest_create_command(job.request, tag, sources, tag_insecure || insecure));
    auto pushed = commands.run(manifest_push_command(job.request, tag, tag_insecure || insecure));
    if (outcome.digest.empty()) outcome.digest = pushed_digest(pushed.out);
  }
  return outcome;
}

BuildxOutcome legacy_load(CommandSequence& commands, const BuildxJob& job) {
  BuildxOutcome outcome;
  const Platform& platform = job.request.platforms.front();
  BuildxRequest request = job.request;
  request.dockerfile = job.legacy_dockerfile(platform);
  commands.run(legacy_build_command(request, platform, job.host, request.tags));
  auto id = commands.run(
      docker_command(request, {"image", "inspect", "--format", "{{.Id}}", request.tags.front()}));
  auto newline = id.out.find('\n');
  outcome.digest = id.out.substr(0, newline);
  return outcome;
}

}  // namespace

bool pushes_attested_layout(const AttestationChoice& choice, OutputKind output,
                            const std::vector<std::string>& tags) {
  if (output != OutputKind::push || choice.buildkit() || !(choice.sbom || choice.provenance))
    return false;
  for (const auto& tag : tags) {
    std::string domain = parse_image_reference(tag, "--tag").domain;
    if (domain.empty() || domain == "docker.io" || domain == "index.docker.io") return false;
  }
  return !tags.empty();
}

StrategyChoice choose_job_strategy(const BuildEnvironment& environment, const BuildxJob& job) {
  if (!job.push_layout)
    return choose_build_strategy(environment, job.output, job.request.platforms.size(),
                                 job.request.builder);
  StrategyChoice choice = choose_build_strategy(environment, OutputKind::layout,
                                                job.request.platforms.size(), job.request.builder);
  choice.reason +=
      "; --push: built into a layout, multiarch's attestations attached, pushed by multiarch's "
      "registry client";
  return choice;
}

RecordedImage metadata_image(const std::string& metadata_json) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(metadata_json);
  } catch (const nlohmann::json::exception&) {
    return {};
  }
  if (!json.is_object()) return {};
  RecordedImage image;
  if (auto it = json.find("containerimage.digest"); it != json.end() && it->is_string())
    image.digest = it->get<std::string>();
  auto descriptor = json.find("containerimage.descriptor");
  if (descriptor == json.end() || !descriptor->is_object()) return image;
  auto digest = descriptor->find("digest");
  if (digest == descriptor->end() || !digest->is_string()) return image;
  if (image.digest.empty()) image.digest = digest->get<std::string>();
  if (image.digest != digest->get<std::string>()) return image;
  if (auto type = descriptor->find("mediaType"); type != descriptor->end() && type->is_string())
    image.media_type = type->get<std::string>();
  if (auto size = descriptor->find("size"); size != descriptor->end() && size->is_number_unsigned())
    image.size = size->get<uint64_t>();
  return image;
}

std::string metadata_digest(const std::string& metadata_json) {
  return metadata_image(metadata_json).digest;
}

std::string pushed_digest(const std::string& output) {
  // `docker push`: "1.0: digest: sha256:<64> size: 528"; `docker manifest push`: "sha256:<64>".
  auto pos = output.rfind("sha256:");
  while (pos != std::string::npos) {
    auto candidate = output.substr(pos, 7 + 64);
    if (is_sha256_digest(candidate)) return candidate;
    if (pos == 0) break;
    pos = output.rfind("sha256:", pos - 1);
  }
  return {};
}

BuildxOutcome run_buildx_job(ProcessRunner& runner, const StrategyChoice& choice,
                             const BuildxJob& job, std::ostream& log) {
  CommandSequence commands(runner, log, job.dry_run, job.request.docker);
  BuildxOutcome outcome;
  switch (choice.strategy) {
    case BuildStrategy::multi_platform:
      outcome = multi_platform(commands, job);
      break;
    case BuildStrategy::per_platform_merge:
      outcome = merge_per_platform(commands, job, false);
      break;
    case BuildStrategy::per_platform_push:
      outcome = push_per_platform(commands, job);
      break;
    case BuildStrategy::docker_build:
      if (job.output == OutputKind::push && !job.push_layout)
        outcome = legacy_push(commands, job);
      else if (job.output == OutputKind::load)
        outcome = legacy_load(commands, job);
      else
        outcome = merge_per_platform(commands, job, true);
      break;
  }
  if (job.push_layout) {
    commands.remove_temporary_images();
    for (const auto& tag : job.request.tags)
      commands.note(fmt::format("multiarch: push {} to {}", job.layout_dir.string(), tag));
  }
  outcome.choice = choice;
  return outcome;
}

}  // namespace multiarch
