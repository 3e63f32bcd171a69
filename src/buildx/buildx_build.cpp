#include "buildx/buildx_build.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "buildx/context_sources.hpp"
#include "oci/image_reference.hpp"
#include "oci/oci_descriptor.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace fs = std::filesystem;

ImageMetadata buildx_metadata(const BuildxJob& job, const BuildxOutcome& outcome) {
  const auto& tags = job.request.tags;
  ImageMetadata metadata;
  auto [name, tag] = split_name_tag(tags.empty() ? job.image_name : tags.front());
  metadata.name = name;
  metadata.tag = tags.empty() ? job.layout_tag : tag;
  metadata.references = tags;
  // A single-platform load reports the manifest's digest (BuildxOutcome::digest).
  bool single = job.output == OutputKind::load && job.request.platforms.size() == 1;
  metadata.index.media_type =
      !outcome.index_media_type.empty()
          ? outcome.index_media_type
          : std::string(single ? media_type::kOciManifest : media_type::kOciIndex);
  metadata.index.digest = outcome.digest;
  metadata.index.size = outcome.index_size;
  for (size_t i = 0; i < outcome.platform_digests.size(); ++i) {
    const auto& [platform, digest] = outcome.platform_digests[i];
    std::string attestation =
        i < outcome.attestation_digests.size() ? outcome.attestation_digests[i] : "";
    metadata.platforms.push_back(PlatformMetadata{platform.str(), digest, 0, attestation});
  }
  if (job.output == OutputKind::push)
    for (const auto& reference : tags) metadata.pushed.push_back(reference + "@" + outcome.digest);
  return metadata;
}

BuildxOutcome run_buildx_build(ProcessRunner& runner, const StrategyChoice& choice,
                               BuildxBuild& build, std::ostream& log) {
  BuildxJob& job = build.job;
  BuildxRequest& request = job.request;
  const auto& platforms = request.platforms;
  WorkDir work("multiarch-buildx");
  job.work_dir = work.path();
  if (job.push_layout) job.layout_dir = work.path() / "layout";
  request.context = work.path() / "context";
  write_build_context(build.plan, platforms, request.epoch, request.context);
  // The attestations describe exactly what the builder was given.
  job.attest.platforms = platforms;
  job.attest.binaries.clear();
  for (size_t i = 0; i < platforms.size(); ++i)
    job.attest.binaries.push_back(request.context / platforms[i].slug() /
                                  build.plan.binaries[i].filename());
  // A COPY of something the context does not hold fails here, saying what it holds.
  if (build.user_dockerfile)
    check_dockerfile_sources(read_file(*build.user_dockerfile), build.user_dockerfile->string(),
                             request.context, platforms);
  if (build.user_dockerfile) {
    request.dockerfile = *build.user_dockerfile;
  } else {
    request.dockerfile = work.path() / "Dockerfile";
    atomic_write_file(request.dockerfile, render_dockerfile(build.generated));
  }
  // The legacy `docker build` has no TARGET* arguments of its own: a generated Dockerfile is
  // rendered per platform with the platform written in; a user's is used as it is.
  job.legacy_dockerfile = [&build, dir = work.path()](const Platform& platform) -> fs::path {
    if (build.user_dockerfile) return *build.user_dockerfile;
    DockerfileSpec literal = build.generated;
    literal.literal_platform = platform;
    fs::path path = dir / ("Dockerfile." + platform.slug());
    atomic_write_file(path, render_dockerfile(literal));
    return path;
  };
  fmt::print(log, "multiarch buildx: epoch {} ({})\n", build.epoch.seconds, build.epoch.source);
  fmt::print(
      log, "multiarch buildx: context {}: {} for {} platform{}{}\n", request.context.string(),
      build.plan.binary_name, platforms.size(), platforms.size() == 1 ? "" : "s",
      build.plan.files.empty() ? ""
                               : fmt::format(", {} files under rootfs/", build.plan.files.size()));
  std::string output_flag = job.output == OutputKind::push ? "--push" : "--load";
  if (auto note = attestation_note(build.attestations, job.writes_layout(), output_flag);
      !note.empty())
    fmt::print(log, "multiarch buildx: {}\n", note);
  if (job.dry_run) {
    work.keep();
    fmt::print(log, "multiarch buildx: dry run: the context is kept in {}\n", work.path().string());
  }

  BuildxOutcome outcome = run_buildx_job(runner, choice, job, log);
  if (job.dry_run) return outcome;
  std::optional<ImageMetadata> pushed;
  if (job.push_layout) {
    if (!build.publish_layout) throw RuntimeError("internal: --push through a layout, no pusher");
    pushed = build.publish_layout(job.layout_dir, outcome);
  }
  write_context_depfile(build.depfile, build.plan);
  if (!build.metadata_file.empty() && !outcome.digest.empty())
    write_image_metadata(build.metadata_file, pushed ? *pushed : buildx_metadata(job, outcome));
  return outcome;
}

}  // namespace multiarch
