// `multiarch buildx`: Dockerfile-based multi-platform images of binaries cross-compiled on the
// host, through whatever builder this machine has (see buildx_strategy.hpp).
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <filesystem>

#include "buildx/build_context.hpp"
#include "buildx/build_environment.hpp"
#include "buildx/buildx_attestations.hpp"
#include "buildx/buildx_build.hpp"
#include "buildx/buildx_inputs.hpp"
#include "buildx/buildx_run.hpp"
#include "buildx/buildx_strategy.hpp"
#include "buildx/dockerfile_scan.hpp"
#include "cli/buildx_render.hpp"
#include "cli/commands.hpp"
#include "cli/dockerfile_options.hpp"
#include "cli/native_push.hpp"
#include "cli/options.hpp"
#include "cli/registry_options.hpp"
#include "doctor/binfmt.hpp"
#include "go/source_date_epoch.hpp"
#include "oci/image_reference.hpp"
#include "publish/layout_images.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace multiarch::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kBuildxDescription =
    "Builds a multi-platform image from binaries cross-compiled on the host (`multiarch\n"
    "go-build` layout: DIR/<slug>/NAME) with docker buildx. The build context holds only those\n"
    "binaries under their slugs plus the declared files under rootfs/, so nothing compiles in\n"
    "a container and nothing runs under QEMU. A user Dockerfile selects its binary with\n"
    "  COPY ${TARGETOS}_${TARGETARCH}${TARGETVARIANT:+_${TARGETVARIANT}}/NAME /app/service\n"
    "and may `COPY rootfs/ /`; --generate builds the one `multiarch dockerfile` prints.\n"
    "The strategy follows the builder (docker buildx inspect, docker info): one multi-platform\n"
    "call when it can export one; else per-platform builds merged by multiarch (layout) or\n"
    "pushed one by one and joined by digest (`docker buildx imagetools create`); without\n"
    "buildx, the legacy `docker build` per platform with TARGET* build args. Prints the digest.\n"
    "multiarch writes the index and attaches its own SBOM and SLSA provenance per platform,\n"
    "made from the staged binaries like `image assemble` (the binary at --binary-path, default\n"
    "/app/service), with --output-layout and with --push: then the image is built into a\n"
    "layout in the work folder, attested, and pushed to every tag by multiarch's registry\n"
    "client (blobs, manifests, the tag last; plain HTTP for loopback registries, the registry\n"
    "options below as in `image push`). With --sbom=false --provenance=false, BuildKit's\n"
    "attestations, or a Docker Hub tag (no REGISTRY/), buildx pushes as before; with --load\n"
    "buildx writes the index and none is attached (the run says so).\n";

/// Without --platform: every slug folder of the binaries dir that names a platform.
/// RUN steps of foreign platforms need emulation inside the builder's containers.
void warn_about_run_steps(CliContext& ctx, const std::string& dockerfile,
                          const std::vector<Platform>& platforms, const BuildEnvironment& env) {
  if (!dockerfile_has_run_steps(read_file(dockerfile))) return;
  auto binfmt = read_binfmt();
  for (const auto& p : platforms) {
    auto support = run_support(binfmt, ctx.host, p);
    if (support.mode == RunMode::native || support.in_containers) continue;
    if (env.builder && env.builder->driver == "remote") continue;  // may have native nodes
    fmt::print(ctx.err,
               "multiarch buildx: warning: the Dockerfile has RUN steps and {} cannot run in "
               "containers here ({}); fix: {}\n",
               p.str(), support.problem, support.fix);
  }
}

cxxopts::Options buildx_options() {
  cxxopts::Options options("multiarch buildx", kBuildxDescription);
  options.add_options()("dockerfile", "your Dockerfile", cxxopts::value<std::string>())(
      "generate", "build the generated Dockerfile (see `multiarch dockerfile`)")(
      "binaries-dir", "go-build output: DIR/<slug>/NAME (required)", cxxopts::value<std::string>())(
      "name", "the binary's file name (default: the only one)", cxxopts::value<std::string>())(
      "platform", "platform SPEC, comma list or preset (repeatable; default: every slug folder)",
      cxxopts::value<std::string>())("tag", "image reference (repeatable)",
                                     cxxopts::value<std::string>())("build-arg", "K=V (repeatable)",
                                                                    cxxopts::value<std::string>())(
      "builder", "buildx builder name (default: the current one)", cxxopts::value<std::string>())(
      "push", "push to the registry of --tag")("load", "load into the Docker engine")(
      "output-layout", "write an OCI image layout folder", cxxopts::value<std::string>())(
      "cache-from", "passed to buildx (repeatable)", cxxopts::value<std::string>())(
      "cache-to", "passed to buildx (repeatable)", cxxopts::value<std::string>())(
      "provenance",
      "SLSA provenance per platform: true (default) multiarch's own, deterministic, where "
      "multiarch writes the index (--output-layout, --push); false none; buildkit or "
      "mode=min|max BuildKit's (not reproducible)",
      cxxopts::value<std::string>()->implicit_value("true"))(
      "sbom",
      "SBOM per platform: true (default) multiarch's own SPDX from the staged binary's Go build "
      "info (--output-layout, --push); false none; buildkit or generator=IMAGE BuildKit's "
      "(pulls its scanner image)",
      cxxopts::value<std::string>()->implicit_value("true"))(
      "metadata-file", "write the result (name, tags, digests) as JSON to this file",
      cxxopts::value<std::string>())(
      "source-date-epoch",
      "timestamps in the image (default $SOURCE_DATE_EPOCH, else the last commit of "
      "--module-dir, else 0; see docs/image.md)",
      cxxopts::value<std::string>())("module-dir",
                                     "git folder for the default epoch (default: --binaries-dir)",
                                     cxxopts::value<std::string>())(
      "docker", "the docker client", cxxopts::value<std::string>()->default_value("docker"))(
      "dry-run", "print the strategy and the exact commands; stage the context but run nothing")(
      "depfile",
      "write a Makefile-syntax depfile of every input (binaries, --file files and "
      "folders)",
      cxxopts::value<std::string>())(
      "depfile-target", "the target named in --depfile (default: the --output-layout index.json)",
      cxxopts::value<std::string>())("h,help", "this help");
  add_dockerfile_options(options);
  add_registry_options(options);
  return options;
}

/// BuildxBuild::publish_layout for --push through a layout: the layout's one image pushed to
/// every tag by multiarch's registry client (`image push`'s code), checked to be the index
/// the build wrote; the metadata file names every pushed reference.
void publish_with_native_client(CliContext& ctx, BuildxBuild& build,
                                const RegistryConnectionOptions& connection) {
  build.publish_layout = [&ctx, connection, tags = build.job.request.tags](
                             const fs::path& dir, const BuildxOutcome& outcome) {
    OciLayout layout(dir);
    LayoutImage image = select_layout_image(layout, "");
    if (!outcome.digest.empty() && image.entry.digest != outcome.digest)
      throw RuntimeError(fmt::format("the layout in {} holds {}, but the build wrote {}",
                                     dir.string(), image.entry.digest, outcome.digest));
    std::vector<ImageReference> destinations;
    Descriptor pushed_index;
    for (const auto& tag : tags) {
      ImageReference destination = parse_image_reference(tag, "--tag");
      if (destination.tag.empty()) destination.tag = "latest";
      RegistryPushOptions push;
      push.destination = destination;
      NativePushReport report;
      report.prefix = "multiarch buildx";
      RegistryPushResult result = push_natively(ctx, layout, image, push, connection, report);
      print_push_summary(ctx.err, result, report.prefix);
      if (result.digest != image.entry.digest)
        throw RuntimeError(fmt::format("{} has {} but the layout's index is {}", destination.str(),
                                       result.digest, image.entry.digest));
      pushed_index = Descriptor{result.media_type, result.digest, result.size, {}, {}};
      destinations.push_back(destination);
    }
    return pushed_metadata(layout, image, destinations, pushed_index, false);
  };
}

/// Every option checked and turned into the build (nothing written or run yet).
BuildxBuild buildx_build_from(CliContext& ctx, const cxxopts::ParseResult& parsed) {
  bool generate = parsed.count("generate") > 0;
  if (generate == (parsed.count("dockerfile") > 0))
    throw InputError("give either --dockerfile FILE or --generate");
  int outputs =
      static_cast<int>(parsed.count("push") + parsed.count("load") + parsed.count("output-layout"));
  if (outputs != 1) throw InputError("give exactly one of --push, --load, --output-layout DIR");
  if (!parsed.count("binaries-dir")) throw InputError("--binaries-dir DIR is required");
  fs::path binaries_dir = parsed["binaries-dir"].as<std::string>();

  BuildxBuild build;
  BuildxJob& job = build.job;
  job.output = parsed.count("push")   ? OutputKind::push
               : parsed.count("load") ? OutputKind::load
                                      : OutputKind::layout;
  job.host = ctx.host;
  job.dry_run = parsed.count("dry-run") > 0;
  std::vector<Platform> platforms =
      buildx_platforms(binaries_dir, all_values(parsed, "platform"), ctx.host, generate);
  std::vector<std::string> tags = all_values(parsed, "tag");
  check_buildx_tags(tags, job.output);
  build.attestations =
      choose_attestations(optional_value(parsed, "sbom"), optional_value(parsed, "provenance"));
  job.push_layout = pushes_attested_layout(build.attestations, job.output, tags);
  if (job.writes_layout()) {
    // --push through a layout: run_buildx_build() puts it in the work folder.
    if (job.output == OutputKind::layout)
      job.layout_dir = fs::absolute(parsed["output-layout"].as<std::string>());
    if (!tags.empty()) {
      auto reference = parse_image_reference(tags.front(), "--tag");
      job.layout_tag = reference.tag.empty() ? "latest" : reference.tag;
      job.image_name = reference.str();
    }
  }
  BuildxRequest& request = job.request;
  request.platforms = platforms;
  request.tags = tags;
  request.docker = parsed["docker"].as<std::string>();
  if (parsed.count("builder")) request.builder = parsed["builder"].as<std::string>();
  for (const auto& text : all_values(parsed, "build-arg"))
    request.build_args.push_back(split_key_value(text, "--build-arg"));
  request.cache_from = all_values(parsed, "cache-from");
  request.cache_to = all_values(parsed, "cache-to");
  request.sbom = build.attestations.buildx_sbom;
  request.provenance = build.attestations.buildx_provenance;
  build.metadata_file = value_or(parsed, "metadata-file");
  fs::path module_dir =
      parsed.count("module-dir") ? fs::path(parsed["module-dir"].as<std::string>()) : binaries_dir;
  build.epoch =
      resolve_source_date_epoch(ctx.runner, {optional_value(parsed, "source-date-epoch"),
                                             source_date_epoch_from_environment(), module_dir});
  request.epoch = build.epoch.seconds;
  std::optional<GitCommit> commit = build.epoch.commit;
  if (build.attestations.provenance && !build.epoch.asked_git)
    commit = last_git_commit(ctx.runner, module_dir);

  ContextRequest context_request;
  context_request.binaries_dir = binaries_dir;
  context_request.platforms = platforms;
  if (parsed.count("name")) context_request.binary_name = parsed["name"].as<std::string>();
  context_request.files = context_files_from(parsed);
  context_request.epoch = request.epoch;
  build.plan = plan_build_context(context_request);
  build.depfile =
      context_depfile_request(value_or(parsed, "depfile"), value_or(parsed, "depfile-target"),
                              job.layout_dir.empty() ? fs::path() : job.layout_dir / "index.json");

  build.generated = dockerfile_spec_from(parsed);
  build.generated.binary_name = build.plan.binary_name;

  // multiarch's own attestations, as `image assemble` makes them (only a layout gets them).
  BuildxAttestations& attest = job.attest;
  attest.options.sbom = build.attestations.sbom && job.writes_layout();
  attest.options.provenance = build.attestations.provenance && job.writes_layout();
  attest.options.references = {job.image_name.empty() ? job.layout_tag : job.image_name};
  attest.options.source_revision = commit ? commit->hash : "";
  attest.options.build_type = kMultiarchBuildxBuildType;
  attest.binary_path = build.generated.binary_path;
  attest.image_name = job.image_name;
  attest.epoch = request.epoch;
  if (generate) {
    render_dockerfile(build.generated);  // validates the settings now
  } else {
    fs::path user_dockerfile = fs::absolute(parsed["dockerfile"].as<std::string>());
    std::error_code ec;
    if (!fs::is_regular_file(user_dockerfile, ec))
      throw InputError(fmt::format("--dockerfile {}: no such file", user_dockerfile.string()));
    build.user_dockerfile = user_dockerfile;
  }
  return build;
}

}  // namespace

int buildx_command(CliContext& ctx, const std::vector<std::string>& args) {
  auto options = buildx_options();
  auto parsed = parse_options(options, args);
  if (parsed.count("help")) {
    fmt::print(ctx.out, "{}", options.help({"", "Image", "registry"}));
    return 0;
  }
  if (!parsed.unmatched().empty())
    throw InputError(fmt::format("unexpected argument \"{}\"; see --help", parsed.unmatched()[0]));
  BuildxBuild build = buildx_build_from(ctx, parsed);
  const BuildxRequest& request = build.job.request;
  if (auto given = given_registry_options(options, parsed);
      !given.empty() && !build.job.push_layout)
    throw InputError(fmt::format(
        "{}: only used when multiarch pushes (--push with its own SBOM or provenance, tags "
        "naming their registry); buildx pushes with docker's own settings",
        join(given, ", ")));
  if (build.job.push_layout)
    publish_with_native_client(ctx, build, registry_connection_options(parsed));

  BuildEnvironment env = detect_builder(ctx.runner, request.builder,
                                        build.job.output == OutputKind::load, request.docker);
  StrategyChoice choice = choose_job_strategy(env, build.job);
  fmt::print(ctx.err, "multiarch buildx: strategy {}: {}\n", strategy_name(choice.strategy),
             choice.reason);
  OutputKind built = build.job.writes_layout() ? OutputKind::layout : build.job.output;
  if (auto limitation = epoch_limitation(env, choice, built); !limitation.empty()) {
    // Asked for by name: refuse rather than build an image that does not honour it.
    if (parsed.count("source-date-epoch"))
      throw RuntimeError("--source-date-epoch cannot be honoured: " + limitation);
    fmt::print(ctx.err, "multiarch buildx: warning: {}\n", limitation);
  }
  if (build.user_dockerfile)
    warn_about_run_steps(ctx, build.user_dockerfile->string(), request.platforms, env);

  BuildxOutcome outcome = run_buildx_build(ctx.runner, choice, build, ctx.err);
  if (!build.job.dry_run) render_buildx_outcome(ctx.out, ctx.err, build.job, outcome);
  return 0;
}

}  // namespace multiarch::cli
