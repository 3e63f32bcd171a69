// `multiarch go-build`: cross-compile Go packages for many platforms at once.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/commands.hpp"
#include "cli/go_build_render.hpp"
#include "cli/options.hpp"
#include "go/cgo_compilers.hpp"
#include "go/git_version.hpp"
#include "go/go_build.hpp"
#include "go/go_build_stamp.hpp"
#include "go/go_group_depfile.hpp"
#include "go/go_toolchain.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace multiarch::cli {
namespace {

constexpr const char* kGoBuildDescription =
    "Cross-compiles Go packages for every --platform with the host's go and its build cache,\n"
    "platforms in parallel; several --package are built by one go build per platform (one go\n"
    "list for their depfiles). Writes OUTPUT-DIR/<slug>/<name>[.exe] (e.g.\n"
    "out/linux_arm_v7/user), each\n"
    "built to a temporary file, checked (executable header and the build settings Go embeds)\n"
    "and renamed into place. Defaults: -trimpath, -buildvcs=false, -ldflags \"-s -w -buildid=\n"
    "-X main.Version=VERSION\", CGO_ENABLED=0. With --depfile, a platform whose inputs,\n"
    "command and output are unchanged since its last build is \"up to date\": no go runs for\n"
    "it (--force builds anyway): in a group only the stale binaries are built. --group-depfile\n"
    "writes, per platform, the union of the group's inputs for one build-tool node. See\n"
    "docs/go-build.md.";

cxxopts::Options go_build_options() {
  cxxopts::Options options("multiarch go-build", kGoBuildDescription);
  options.add_options()("package",
                        "Go package to build, e.g. ./cmd/server (required); repeatable: one "
                        "go build per platform for all",
                        cxxopts::value<std::vector<std::string>>())(
      "module-dir", "directory of the Go module (where go.mod is)",
      cxxopts::value<std::string>()->default_value("."))(
      "platform", "platform spec; repeatable, comma lists and presets (default: the host)",
      cxxopts::value<std::vector<std::string>>())(
      "output-dir", "where <slug>/<name> binaries go",
      cxxopts::value<std::string>()->default_value("out"))(
      "name",
      "binary name (default: the package's last element); repeatable, the n-th for the n-th "
      "--package",
      cxxopts::value<std::vector<std::string>>())(
      "version",
      "stamped with -X main.Version= (default: git describe --tags --always --dirty, "
      "else dev)",
      cxxopts::value<std::string>())("ldflags", "appended to multiarch's -ldflags",
                                     cxxopts::value<std::string>())(
      "tags", "build tags (go build -tags)", cxxopts::value<std::string>())(
      "trimpath", "build with -trimpath (--trimpath=false to turn off)",
      cxxopts::value<bool>()->default_value("true"))(
      "keep-symbols", "do not strip the symbol table and DWARF (drops -s -w)")(
      "go-flag", "extra flag for go build and go list, e.g. -mod=vendor; repeatable",
      cxxopts::value<std::vector<std::string>>())(
      "go", "the go command", cxxopts::value<std::string>()->default_value("go"))(
      "toolchain-cache",
      "folder that remembers what `go env` and `go tool dist list` said, keyed on the go "
      "executable, GO* variables and go.mod/go.work (CMake passes one in the build folder)",
      cxxopts::value<std::string>())(
      "toolchain-only",
      "only fill --toolchain-cache (one `go env` and one `go tool dist list` when it is empty "
      "or stale) and build nothing: CMake runs this once before the build's go-builds start")(
      "jobs", "platforms built at once (default: number of cores)", cxxopts::value<unsigned>())(
      "cgo", "CGO_ENABLED=1 with a C cross compiler per platform")(
      "cc", "C compiler for one platform with --cgo: PLATFORM=PATH; repeatable",
      cxxopts::value<std::vector<std::string>>())(
      "depfile",
      "write a Makefile-syntax depfile (and DEPFILE.stamp, to skip unchanged platforms); "
      "{slug} is replaced per platform, {name} per binary",
      cxxopts::value<std::string>())(
      "group-depfile",
      "also write, per platform, one depfile of the union of every binary's inputs, for a "
      "build-tool node that runs this command ({slug}, {shard}); needs --depfile",
      cxxopts::value<std::string>())("group-depfile-target",
                                     "the output each --group-depfile names ({slug}, {shard})",
                                     cxxopts::value<std::string>())(
      "group-depfile-shards",
      "split each --group-depfile over N files by a hash of the input's path (Ninja reads "
      "small depfiles faster)",
      cxxopts::value<unsigned>()->default_value("1"))(
      "force", "build every platform even when its --depfile stamp says it is up to date")(
      "dry-run", "print the environment and argv; build nothing")(
      "json", "print a JSON result on stdout")("q,quiet", "no progress lines")("h,help",
                                                                               "this help");
  return options;
}

/// --toolchain-only: asks (or finds current) what the toolchain says, so that the go-builds
/// Ninja then starts in parallel all find the cache filled instead of each asking go.
int fill_toolchain_cache(CliContext& ctx, const cxxopts::ParseResult& parsed) {
  if (!parsed.count("toolchain-cache") || parsed["toolchain-cache"].as<std::string>().empty())
    throw InputError("--toolchain-only needs --toolchain-cache DIR (the folder to fill)");
  if (parsed.count("package"))
    throw InputError("--toolchain-only builds nothing: drop --package, or drop --toolchain-only");
  cached_go_toolchain(ctx.runner, parsed["go"].as<std::string>(),
                      parsed["module-dir"].as<std::string>(),
                      parsed["toolchain-cache"].as<std::string>(), SystemFileStatter{});
  return 0;
}

/// The --package values paired with the --name values (none, or one per --package).
std::vector<GoBuildBinary> given_binaries(const cxxopts::ParseResult& parsed) {
  if (!parsed.count("package")) throw InputError("--package is required (e.g. ./cmd/server)");
  // The raw values: cxxopts would split a value at its commas.
  auto packages = all_values(parsed, "package");
  std::vector<std::string> names;
  if (parsed.count("name")) names = all_values(parsed, "name");
  if (!names.empty() && names.size() != packages.size())
    throw InputError(fmt::format(
        "{} --package but {} --name: give one --name per --package, in the same order, or none",
        packages.size(), names.size()));
  std::vector<GoBuildBinary> binaries;
  for (size_t i = 0; i < packages.size(); ++i)
    binaries.push_back({packages[i], names.empty() ? std::string() : names[i]});
  return binaries;
}

}  // namespace

int go_build_command(CliContext& ctx, const std::vector<std::string>& args) {
  auto options = go_build_options();
  auto parsed = parse_options(options, args);
  if (parsed.count("help")) {
    fmt::print(ctx.out, "{}\n", options.help());
    return 0;
  }
  if (!parsed.unmatched().empty())
    throw InputError(fmt::format("unexpected argument \"{}\"; see --help", parsed.unmatched()[0]));
  if (parsed.count("toolchain-only")) return fill_toolchain_cache(ctx, parsed);

  GoBuildOptions build;
  build.go = parsed["go"].as<std::string>();
  build.module_dir = parsed["module-dir"].as<std::string>();
  build.output_dir = parsed["output-dir"].as<std::string>();
  std::vector<GoBuildBinary> binaries = given_binaries(parsed);
  if (parsed.count("ldflags")) build.ldflags = parsed["ldflags"].as<std::string>();
  if (parsed.count("tags")) build.tags = parsed["tags"].as<std::string>();
  if (parsed.count("go-flag")) build.go_flags = parsed["go-flag"].as<std::vector<std::string>>();
  if (parsed.count("depfile")) {
    build.depfile = parsed["depfile"].as<std::string>();
    if (build.depfile.empty()) throw InputError("--depfile must not be empty");
  }
  GoGroupDepfiles group_depfiles;
  if (parsed.count("group-depfile"))
    group_depfiles.path = parsed["group-depfile"].as<std::string>();
  if (parsed.count("group-depfile-target"))
    group_depfiles.target = parsed["group-depfile-target"].as<std::string>();
  group_depfiles.shards = parsed["group-depfile-shards"].as<unsigned>();
  if (!group_depfiles.path.empty() && build.depfile.empty())
    throw InputError(
        "--group-depfile needs --depfile: the group's inputs are the union of each binary's");
  build.trimpath = parsed["trimpath"].as<bool>();
  build.strip = !parsed.count("keep-symbols");
  build.cgo = parsed.count("cgo") > 0;

  std::vector<std::string> specs;
  // The raw values: cxxopts would split "linux/amd64," and drop the empty entry silently.
  if (parsed.count("platform")) specs = all_values(parsed, "platform");
  build.platforms =
      specs.empty() ? std::vector<Platform>{ctx.host} : parse_platform_list(specs, ctx.host);

  unsigned jobs = default_jobs();
  if (parsed.count("jobs")) {
    jobs = parsed["jobs"].as<unsigned>();
    if (jobs == 0) throw InputError("--jobs must be at least 1");
  }

  std::vector<std::string> cc_values;
  if (parsed.count("cc")) cc_values = parsed["cc"].as<std::vector<std::string>>();
  if (!cc_values.empty() && !build.cgo) throw InputError("--cc needs --cgo");
  if (build.cgo)
    build.compilers =
        resolve_cross_compilers(build.platforms, parse_cc_overrides(cc_values, ctx.host));

  GoToolchainInfo toolchain;
  if (parsed.count("toolchain-cache")) {
    auto cache_dir = parsed["toolchain-cache"].as<std::string>();
    if (cache_dir.empty()) throw InputError("--toolchain-cache must not be empty");
    toolchain =
        cached_go_toolchain(ctx.runner, build.go, build.module_dir, cache_dir, SystemFileStatter{});
  } else {
    toolchain = query_go_toolchain(ctx.runner, build.go);
  }
  build.version = parsed.count("version") ? parsed["version"].as<std::string>()
                                          : git_describe_version(ctx.runner, build.module_dir);
  check_go_group_depfiles(group_depfiles, build.platforms.size());
  std::vector<GoBuildPlan> group = plan_go_build_group(build, binaries, toolchain);

  bool json = parsed.count("json") > 0;
  bool force = parsed.count("force") > 0;
  if (parsed.count("dry-run")) {
    render_go_build_dry_run(ctx.out, group, force, json);
    return 0;
  }

  bool quiet = parsed.count("quiet") > 0;
  auto started = std::chrono::steady_clock::now();
  GoBuildRunOptions run;
  run.jobs = jobs;
  run.hash = json;
  run.force = force;
  run.on_wait = [&](const std::string& line) {
    fmt::print(ctx.err, "multiarch go-build: {}\n", line);
    ctx.err.flush();
  };
  run.on_finished = [&](const GoBuildResult& r, size_t done, size_t total) {
    render_go_build_progress(ctx.err, r, done, total, quiet);
  };
  auto results = run_go_build_group(ctx.runner, group, run);
  bool all_ok = true;
  for (const auto& binary_results : results)
    for (const auto& result : binary_results) all_ok = all_ok && result.ok;
  // Only after a full success: a missing group depfile makes the build tool run this again.
  if (all_ok)
    for (size_t i = 0; i < build.platforms.size(); ++i) {
      std::vector<std::vector<std::string>> inputs;
      for (const auto& binary_results : results) inputs.push_back(binary_results[i].inputs);
      write_go_group_depfiles(group_depfiles, build.platforms[i], inputs);
    }
  double total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (json) render_go_build_json(ctx.out, group, results, total_seconds);
  bool ok = render_go_build_summary(ctx.err, results, total_seconds, jobs, quiet);
  return ok ? 0 : kExitRuntime;
}

}  // namespace multiarch::cli
