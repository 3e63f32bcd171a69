// `multiarch go-build`: cross-compile one Go package for many platforms at once.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "go/cgo_compilers.hpp"
#include "go/git_version.hpp"
#include "go/go_build.hpp"
#include "go/go_build_stamp.hpp"
#include "go/go_toolchain.hpp"
#include "util/error.hpp"

namespace multiarch::cli {
namespace {

constexpr const char* kDescription =
    "Cross-compiles a Go package for every --platform with the host's go and its build cache,\n"
    "in parallel. Writes OUTPUT-DIR/<slug>/<name>[.exe] (e.g. out/linux_arm_v7/user), each\n"
    "built to a temporary file, checked (executable header and the build settings Go embeds)\n"
    "and renamed into place. Defaults: -trimpath, -buildvcs=false, -ldflags \"-s -w -buildid=\n"
    "-X main.Version=VERSION\", CGO_ENABLED=0. With --depfile, a platform whose inputs,\n"
    "command and output are unchanged since its last build is \"up to date\": no go runs for\n"
    "it (--force builds anyway). See docs/go-build.md.";

cxxopts::Options make_options() {
  cxxopts::Options options("multiarch go-build", kDescription);
  options.add_options()("package", "Go package to build, e.g. ./cmd/server (required)",
                        cxxopts::value<std::string>())(
      "module-dir", "directory of the Go module (where go.mod is)",
      cxxopts::value<std::string>()->default_value("."))(
      "platform", "platform spec; repeatable, comma lists and presets (default: the host)",
      cxxopts::value<std::vector<std::string>>())(
      "output-dir", "where <slug>/<name> binaries go",
      cxxopts::value<std::string>()->default_value("out"))(
      "name", "binary name (default: the package's last element)", cxxopts::value<std::string>())(
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
      "jobs", "platforms built at once (default: number of cores)", cxxopts::value<unsigned>())(
      "cgo", "CGO_ENABLED=1 with a C cross compiler per platform")(
      "cc", "C compiler for one platform with --cgo: PLATFORM=PATH; repeatable",
      cxxopts::value<std::vector<std::string>>())(
      "depfile",
      "write a Makefile-syntax depfile (and DEPFILE.stamp, to skip unchanged platforms); "
      "{slug} is replaced per platform",
      cxxopts::value<std::string>())(
      "force", "build every platform even when its --depfile stamp says it is up to date")(
      "dry-run", "print the environment and argv; build nothing")(
      "json", "print a JSON result on stdout")("q,quiet", "no progress lines")("h,help",
                                                                               "this help");
  return options;
}

std::string env_text(const GoBuildStep& step) {
  std::vector<std::string> argv = {"env"};
  for (const auto& name : step.env_unset) {
    argv.push_back("-u");
    argv.push_back(name);
  }
  for (const auto& [key, value] : step.env) argv.push_back(key + "=" + value);
  return display_command(argv);
}

nlohmann::ordered_json env_json(const GoEnv& env) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [key, value] : env) j[key] = value;
  return j;
}

void print_dry_run(CliContext& ctx, const GoBuildPlan& plan, bool force) {
  for (const auto& step : plan.steps) {
    fmt::print(ctx.out, "# {} -> {}\n", step.platform.str(), step.output.string());
    if (!force && go_build_step_up_to_date(plan, step)) {
      fmt::print(ctx.out,
                 "# up to date: its depfile stamp shows nothing changed, so nothing runs (--force "
                 "builds it)\n");
      continue;
    }
    fmt::print(ctx.out, "cd {}\n", display_command({plan.module_dir.string()}));
    fmt::print(ctx.out, "{} {}\n", env_text(step), display_command(step.build_argv));
    if (!step.list_argv.empty())
      fmt::print(ctx.out, "{} {} > depfile {}\n", env_text(step), display_command(step.list_argv),
                 step.depfile.string());
  }
  fmt::print(ctx.out,
             "# go build writes a temporary file next to each output; it is renamed into place "
             "after the header and build-settings checks.\n");
}

nlohmann::ordered_json plan_json(const GoBuildPlan& plan) {
  nlohmann::ordered_json j;
  j["module_dir"] = plan.module_dir.string();
  j["package"] = plan.package;
  j["name"] = plan.name;
  j["version"] = plan.version;
  j["go_version"] = plan.toolchain.version.str();
  j["platforms"] = nlohmann::ordered_json::array();
  return j;
}

nlohmann::ordered_json step_json(const GoBuildStep& step) {
  nlohmann::ordered_json j;
  j["platform"] = step.platform.str();
  j["slug"] = step.platform.slug();
  j["output"] = step.output.string();
  j["env"] = env_json(step.env);
  j["env_unset"] = step.env_unset;
  j["argv"] = step.build_argv;
  if (!step.depfile.empty()) {
    j["depfile"] = step.depfile.string();
    j["list_argv"] = step.list_argv;
  }
  return j;
}

std::map<std::string, std::string> parse_cc_overrides(const std::vector<std::string>& values,
                                                      const Platform& host) {
  std::map<std::string, std::string> overrides;
  for (const auto& value : values) {
    auto [spec, path] = split_key_value(value, "--cc");
    if (path.empty())
      throw InputError(fmt::format("--cc \"{}\": the compiler path is empty", value));
    auto platforms = parse_platform_list({spec}, host);
    if (platforms.size() != 1)
      throw InputError(fmt::format("--cc \"{}\": name exactly one platform", value));
    overrides[platforms.front().str()] = path;
  }
  return overrides;
}

}  // namespace

int go_build_command(CliContext& ctx, const std::vector<std::string>& args) {
  auto options = make_options();
  auto parsed = parse_options(options, args);
  if (parsed.count("help")) {
    fmt::print(ctx.out, "{}\n", options.help());
    return 0;
  }
  if (!parsed.unmatched().empty())
    throw InputError(fmt::format("unexpected argument \"{}\"; see --help", parsed.unmatched()[0]));
  if (!parsed.count("package")) throw InputError("--package is required (e.g. ./cmd/server)");

  GoBuildOptions build;
  build.go = parsed["go"].as<std::string>();
  build.module_dir = parsed["module-dir"].as<std::string>();
  build.package = parsed["package"].as<std::string>();
  build.output_dir = parsed["output-dir"].as<std::string>();
  if (parsed.count("name")) build.name = parsed["name"].as<std::string>();
  if (parsed.count("ldflags")) build.ldflags = parsed["ldflags"].as<std::string>();
  if (parsed.count("tags")) build.tags = parsed["tags"].as<std::string>();
  if (parsed.count("go-flag")) build.go_flags = parsed["go-flag"].as<std::vector<std::string>>();
  if (parsed.count("depfile")) {
    build.depfile = parsed["depfile"].as<std::string>();
    if (build.depfile.empty()) throw InputError("--depfile must not be empty");
  }
  build.trimpath = parsed["trimpath"].as<bool>();
  build.strip = !parsed.count("keep-symbols");
  build.cgo = parsed.count("cgo") > 0;

  std::vector<std::string> specs;
  if (parsed.count("platform")) specs = parsed["platform"].as<std::vector<std::string>>();
  build.platforms =
      specs.empty() ? std::vector<Platform>{ctx.host} : parse_platform_list(specs, ctx.host);

  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
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

  GoToolchainInfo toolchain = query_go_toolchain(ctx.runner, build.go);
  build.version = parsed.count("version") ? parsed["version"].as<std::string>()
                                          : git_describe_version(ctx.runner, build.module_dir);
  GoBuildPlan plan = plan_go_build(build, toolchain);

  bool json = parsed.count("json") > 0;
  bool force = parsed.count("force") > 0;
  if (parsed.count("dry-run")) {
    if (json) {
      auto j = plan_json(plan);
      for (const auto& step : plan.steps) {
        auto entry = step_json(step);
        entry["up_to_date"] = !force && go_build_step_up_to_date(plan, step);
        j["platforms"].push_back(entry);
      }
      fmt::print(ctx.out, "{}\n", j.dump(2));
    } else {
      print_dry_run(ctx, plan, force);
    }
    return 0;
  }

  bool quiet = parsed.count("quiet") > 0;
  auto started = std::chrono::steady_clock::now();
  GoBuildRunOptions run;
  run.jobs = jobs;
  run.hash = json;
  run.force = force;
  run.on_finished = [&](const GoBuildResult& r, size_t done, size_t total) {
    if (r.ok) {
      if (!quiet)
        fmt::print(ctx.err, "[{}/{}] {} {} {}\n", done, total, r.platform.str(),
                   r.display_output.string(),
                   r.up_to_date ? std::string("up to date") : fmt::format("{:.1f}s", r.seconds));
      // Go's notes on success (module downloads, warnings) are still worth seeing.
      if (!r.go_messages.empty() && !quiet) fmt::print(ctx.err, "{}\n", r.go_messages);
    } else {
      fmt::print(ctx.err, "[{}/{}] {} FAILED {:.1f}s: {}\n", done, total, r.platform.str(),
                 r.seconds, r.error);
      if (!r.go_messages.empty()) fmt::print(ctx.err, "{}\n", r.go_messages);
    }
    ctx.err.flush();
  };
  auto results = run_go_build(ctx.runner, plan, run);
  double total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::vector<std::string> failed;
  for (const auto& r : results)
    if (!r.ok) failed.push_back(r.platform.str());

  if (json) {
    auto j = plan_json(plan);
    j["ok"] = failed.empty();
    j["seconds"] = total_seconds;
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      auto entry = step_json(plan.steps[i]);
      entry["ok"] = r.ok;
      entry["seconds"] = r.seconds;
      if (r.ok) {
        entry["up_to_date"] = r.up_to_date;
        entry["sha256"] = r.sha256;
        entry["size"] = r.size;
        if (!r.depfile.empty()) entry["depfile_inputs"] = r.depfile_inputs;
      } else {
        entry["error"] = r.error;
        entry["go_messages"] = r.go_messages;
      }
      j["platforms"].push_back(entry);
    }
    fmt::print(ctx.out, "{}\n", j.dump(2));
  }
  if (!failed.empty()) {
    std::string joined;
    for (const auto& f : failed) joined += (joined.empty() ? "" : ", ") + f;
    fmt::print(ctx.err, "multiarch go-build: {} of {} platforms failed: {}\n", failed.size(),
               results.size(), joined);
    return kExitRuntime;
  }
  size_t up_to_date = std::count_if(results.begin(), results.end(),
                                    [](const GoBuildResult& r) { return r.up_to_date; });
  if (!quiet && results.size() > 1)
    fmt::print(ctx.err, "built {} platforms in {:.1f}s ({} at once{})\n", results.size(),
               total_seconds, std::min<size_t>(jobs, results.size()),
               up_to_date ? fmt::format(", {} up to date", up_to_date) : std::string());
  return 0;
}

}  // namespace multiarch::cli
