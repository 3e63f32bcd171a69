// `multiarch buildx`: Dockerfile-based multi-platform images of binaries cross-compiled on the
// host, through whatever builder this machine has (see buildx_strategy.hpp).
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <filesystem>

#include "buildx/build_context.hpp"
#include "buildx/build_environment.hpp"
#include "buildx/buildx_inputs.hpp"
#include "buildx/buildx_run.hpp"
#include "buildx/buildx_strategy.hpp"
#include "buildx/dockerfile_scan.hpp"
#include "cli/buildx_render.hpp"
#include "cli/commands.hpp"
#include "cli/dockerfile_options.hpp"
#include "cli/options.hpp"
#include "doctor/binfmt.hpp"
#include "go/source_date_epoch.hpp"
#include "oci/image_reference.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDescription =
    "Builds a multi-platform image from binaries cross-compiled on the host (`multiarch\n"
    "go-build` layout: DIR/<slug>/NAME) with docker buildx. The build context holds only those\n"
    "binaries under their slugs plus the declared files under rootfs/, so nothing compiles in\n"
    "a container and nothing runs under QEMU. A user Dockerfile selects its binary with\n"
    "  COPY ${TARGETOS}_${TARGETARCH}${TARGETVARIANT:+_${TARGETVARIANT}}/NAME /app/service\n"
    "and may `COPY rootfs/ /`; --generate builds the one `multiarch dockerfile` prints.\n"
    "The strategy follows the builder (docker buildx inspect, docker info): one multi-platform\n"
    "call when it can export one; else per-platform builds merged by multiarch (layout) or\n"
    "pushed one by one and joined by digest (`docker buildx imagetools create`); without\n"
    "buildx, the legacy `docker build` per platform with TARGET* build args. Prints the digest.\n";

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

cxxopts::Options make_options() {
  cxxopts::Options options("multiarch buildx", kDescription);
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
      "provenance", "attach provenance attestations (off: stable digests), e.g. mode=min",
      cxxopts::value<std::string>()->implicit_value("true"))(
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
  return options;
}

}  // namespace

int buildx_command(CliContext& ctx, const std::vector<std::string>& args) {
  auto options = make_options();
  auto parsed = parse_options(options, args);
  if (parsed.count("help")) {
    fmt::print(ctx.out, "{}", options.help({"", "Image"}));
    return 0;
  }
  if (!parsed.unmatched().empty())
    throw InputError(fmt::format("unexpected argument \"{}\"; see --help", parsed.unmatched()[0]));

  // What to build and where it goes.
  bool generate = parsed.count("generate") > 0;
  if (generate == (parsed.count("dockerfile") > 0))
    throw InputError("give either --dockerfile FILE or --generate");
  int outputs =
      static_cast<int>(parsed.count("push") + parsed.count("load") + parsed.count("output-layout"));
  if (outputs != 1) throw InputError("give exactly one of --push, --load, --output-layout DIR");
  OutputKind output = parsed.count("push")   ? OutputKind::push
                      : parsed.count("load") ? OutputKind::load
                                             : OutputKind::layout;
  if (!parsed.count("binaries-dir")) throw InputError("--binaries-dir DIR is required");
  fs::path binaries_dir = parsed["binaries-dir"].as<std::string>();

  bool dry_run = parsed.count("dry-run") > 0;
  std::vector<Platform> platforms =
      buildx_platforms(binaries_dir, all_values(parsed, "platform"), ctx.host, generate);
  std::vector<std::string> tags = all_values(parsed, "tag");
  check_buildx_tags(tags, output);

  BuildxJob job;
  job.output = output;
  job.host = ctx.host;
  job.dry_run = dry_run;
  if (output == OutputKind::layout) {
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
  if (parsed.count("provenance")) request.provenance = parsed["provenance"].as<std::string>();
  check_provenance(request.provenance);
  std::optional<std::string> epoch_flag;
  if (parsed.count("source-date-epoch")) epoch_flag = parsed["source-date-epoch"].as<std::string>();
  fs::path module_dir =
      parsed.count("module-dir") ? fs::path(parsed["module-dir"].as<std::string>()) : binaries_dir;
  SourceDateEpoch epoch = resolve_source_date_epoch(
      ctx.runner, {epoch_flag, source_date_epoch_from_environment(), module_dir});
  request.epoch = epoch.seconds;

  // Everything the context needs is checked before anything is written or run.
  ContextRequest context_request;
  context_request.binaries_dir = binaries_dir;
  context_request.platforms = platforms;
  if (parsed.count("name")) context_request.binary_name = parsed["name"].as<std::string>();
  context_request.files = context_files_from(parsed);
  context_request.epoch = request.epoch;
  ContextPlan plan = plan_build_context(context_request);
  DepfileRequest depfile =
      context_depfile_request(value_or(parsed, "depfile"), value_or(parsed, "depfile-target"),
                              job.layout_dir.empty() ? fs::path() : job.layout_dir / "index.json");

  DockerfileSpec spec = dockerfile_spec_from(parsed);
  spec.binary_name = plan.binary_name;
  std::string user_dockerfile;
  if (!generate) {
    user_dockerfile = fs::absolute(parsed["dockerfile"].as<std::string>()).string();
    std::error_code ec;
    if (!fs::is_regular_file(user_dockerfile, ec))
      throw InputError(fmt::format("--dockerfile {}: no such file", user_dockerfile));
  } else {
    render_dockerfile(spec);  // validates the settings now
  }

  BuildEnvironment env =
      detect_builder(ctx.runner, request.builder, output == OutputKind::load, request.docker);
  StrategyChoice choice = choose_build_strategy(env, output, platforms.size(), request.builder);
  fmt::print(ctx.err, "multiarch buildx: strategy {}: {}\n", strategy_name(choice.strategy),
             choice.reason);
  if (auto limitation = epoch_limitation(env, choice, output); !limitation.empty()) {
    // Asked for by name: refuse rather than build an image that does not honour it.
    if (parsed.count("source-date-epoch"))
      throw RuntimeError("--source-date-epoch cannot be honoured: " + limitation);
    fmt::print(ctx.err, "multiarch buildx: warning: {}\n", limitation);
  }
  if (!generate) warn_about_run_steps(ctx, user_dockerfile, platforms, env);

  WorkDir work;
  job.work_dir = work.path();
  request.context = work.path() / "context";
  write_build_context(plan, platforms, request.epoch, request.context);
  if (generate) {
    request.dockerfile = work.path() / "Dockerfile";
    atomic_write_file(request.dockerfile, render_dockerfile(spec));
  } else {
    request.dockerfile = user_dockerfile;
  }
  job.legacy_dockerfile = [&](const Platform& platform) -> fs::path {
    if (!generate) return user_dockerfile;
    DockerfileSpec literal = spec;
    literal.literal_platform = platform;
    fs::path path = work.path() / ("Dockerfile." + platform.slug());
    atomic_write_file(path, render_dockerfile(literal));
    return path;
  };
  fmt::print(ctx.err, "multiarch buildx: epoch {} ({})\n", epoch.seconds, epoch.source);
  fmt::print(ctx.err, "multiarch buildx: context {}: {} for {} platform{}{}\n",
             request.context.string(), plan.binary_name, platforms.size(),
             platforms.size() == 1 ? "" : "s",
             plan.files.empty() ? "" : fmt::format(", {} files under rootfs/", plan.files.size()));
  if (job.dry_run) {
    work.keep();
    fmt::print(ctx.err, "multiarch buildx: dry run: the context is kept in {}\n",
               work.path().string());
  }

  BuildxOutcome outcome = run_buildx_job(ctx.runner, choice, job, ctx.err);
  if (job.dry_run) return 0;
  write_context_depfile(depfile, plan);
  render_buildx_outcome(ctx.out, ctx.err, job, outcome);
  return 0;
}

}  // namespace multiarch::cli
