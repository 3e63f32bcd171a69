// `multiarch platform normalize|show|env|list`.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "go/go_env.hpp"
#include "go/go_toolchain.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace multiarch::cli {
namespace {

constexpr const char* kPlatformUsage =
    "Usage:\n"
    "  multiarch platform normalize [--slugs] SPEC...\n"
    "                                              one normalized os/arch[/variant] per line;\n"
    "                                              --slugs adds its slug and binary suffix\n"
    "                                              (\"linux/arm/v7 linux_arm_v7\",\n"
    "                                              \"windows/amd64 windows_amd64 .exe\")\n"
    "  multiarch platform show SPEC [--format json|text] [--cgo]\n"
    "                                              everything derived from one platform\n"
    "  multiarch platform env SPEC [--cgo]          KEY=VALUE lines for `go build`\n"
    "  multiarch platform list                      platforms this Go can build, and presets\n"
    "\n"
    "A SPEC is os, arch, os/arch or os/arch/variant (linux/arm/v7, armhf, aarch64, linux),\n"
    "a comma-separated list of those (as buildx takes), or a preset name (see `list`).\n"
    "Bad specs exit with code 2 and one line on stderr naming the spec.\n";

nlohmann::ordered_json show_json(const Platform& p, const GoEnv& env) {
  nlohmann::ordered_json j;
  j["platform"] = p.str();
  j["os"] = p.os;
  j["architecture"] = p.architecture;
  j["variant"] = p.variant;
  j["build_args"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : p.build_args()) j["build_args"][k] = v;
  j["go_env"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : env) j["go_env"][k] = v;
  j["slug"] = p.slug();
  j["binary_suffix"] = p.binary_suffix();
  return j;
}

int normalize(CliContext& ctx, const std::vector<std::string>& specs, bool slugs) {
  if (specs.empty()) throw InputError("normalize needs at least one SPEC; see --help");
  auto normalized = normalize_platform_specs(specs, ctx.host);
  for (const auto& p : normalized.platforms)
    fmt::print(ctx.out, "{}\n", slugs ? p.slug_line() : p.str());
  for (const auto& error : normalized.errors)
    fmt::print(ctx.err, "multiarch platform: {}\n", error);
  return normalized.errors.empty() ? 0 : kExitInput;
}

Platform single_platform(CliContext& ctx, const std::vector<std::string>& positional) {
  if (positional.size() != 1)
    throw InputError("expected exactly one SPEC (for several, use `platform normalize`)");
  auto platforms = parse_platform_list(positional, ctx.host);
  if (platforms.size() != 1)
    throw InputError(fmt::format("\"{}\" names {} platforms; give exactly one", positional[0],
                                 platforms.size()));
  return platforms.front();
}

int list(CliContext& ctx) {
  auto toolchain = query_go_toolchain(ctx.runner);
  fmt::print(ctx.out, "Platforms {} can build ({} -> Go environment):\n", toolchain.version.str(),
             "spec");
  for (const auto& spec : known_platforms()) {
    Platform p = parse_platform(spec, ctx.host);
    try {
      GoEnv env = go_env_for(p, toolchain);
      std::string go;
      for (const auto& [k, v] : env)
        if (k != "CGO_ENABLED") go += (go.empty() ? "" : " ") + k + "=" + v;
      fmt::print(ctx.out, "  {:<26} {}\n", spec, go);
    } catch (const InputError&) {
      // Not buildable with this toolchain: not listed.
    }
  }
  fmt::print(ctx.out, "\nPresets (accepted wherever a SPEC is):\n");
  for (const auto& preset : platform_presets()) {
    fmt::print(ctx.out, "  {:<10} {}\n  {:<10} ({})\n", preset.name, join(preset.platforms, ","),
               "", preset.description);
  }
  return 0;
}

}  // namespace

int platform_command(CliContext& ctx, const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    fmt::print(args.empty() ? ctx.err : ctx.out, "{}", kPlatformUsage);
    return args.empty() ? kExitInput : 0;
  }
  const std::string& action = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  cxxopts::Options options("multiarch platform " + action, "");
  options.add_options()("format", "json or text",
                        cxxopts::value<std::string>()->default_value("text"))(
      "cgo", "show the environment for a cgo build")(
      "slugs", "normalize: add each platform's slug and binary suffix")("h,help", "this help")(
      "specs", "platform specs", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"specs"});
  auto parsed = parse_options(options, rest);
  if (parsed.count("help")) {
    fmt::print(ctx.out, "{}", kPlatformUsage);
    return 0;
  }
  std::vector<std::string> specs;
  // The raw values: cxxopts would split "linux/amd64," and drop the empty entry silently.
  if (parsed.count("specs")) specs = all_values(parsed, "specs");

  if (action == "normalize") return normalize(ctx, specs, parsed.count("slugs") > 0);
  if (action == "list") return list(ctx);
  if (action == "show" || action == "env") {
    Platform p = single_platform(ctx, specs);
    auto toolchain = query_go_toolchain(ctx.runner);
    GoEnv env = go_env_for(p, toolchain, parsed.count("cgo") > 0);
    if (action == "env") {
      for (const auto& [k, v] : env) fmt::print(ctx.out, "{}={}\n", k, v);
      return 0;
    }
    std::string format = parsed["format"].as<std::string>();
    auto j = show_json(p, env);
    if (format == "json") {
      fmt::print(ctx.out, "{}\n", j.dump(2));
    } else if (format == "text") {
      for (const auto& [key, value] : j.items()) {
        if (value.is_object()) {
          for (const auto& [k, v] : value.items())
            fmt::print(ctx.out, "{:<15} {}={}\n", key, k, v.get<std::string>());
        } else {
          fmt::print(ctx.out, "{:<15} {}\n", key, value.get<std::string>());
        }
      }
    } else {
      throw InputError(fmt::format("--format \"{}\": expected json or text", format));
    }
    return 0;
  }
  throw InputError(
      fmt::format("unknown action \"{}\"; expected normalize, show, env or list", action));
}

}  // namespace multiarch::cli
