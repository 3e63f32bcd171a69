// `multiarch init`: the CMakeLists.txt, CMakePresets.json (and Makefile) of an existing Go
// module, one image per main package. The finding and naming is init/service_discovery, the
// text init/project_files; this file parses options and renders.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "init/project_files.hpp"
#include "init/service_discovery.hpp"
#include "util/error.hpp"
#include "util/version.hpp"

namespace multiarch::cli {
namespace {

constexpr const char* kInitDescription =
    "Finds every main package of the Go module (go list -json ./...), names each service from\n"
    "its folder (application/<s>/cmd/<s>, cmd/<s>, app/<s>/service/cmd/server -> s; collisions\n"
    "take the nearest folder that tells them apart), spots config folders (configs/, conf/ up\n"
    "to the service's folder, added as FILES <dir>:/data/conf) and cgo packages, and prints a\n"
    "CMakeLists.txt with one add_multiarch_image() per service and a CMakePresets.json (with\n"
    "--makefile also the seed's docker-deployx Makefile) and a .gitignore of the build\n"
    "folders. --write writes them into the module folder, never over an existing file unless\n"
    "--force; an existing .gitignore is never replaced, only given the lines it lacks. See\n"
    "docs/init.md.";

cxxopts::Options init_options() {
  cxxopts::Options options("multiarch init", kInitDescription);
  options.add_options()("module-dir", "the Go module's folder (where go.mod is)",
                        cxxopts::value<std::string>()->default_value("."))(
      "write", "write the files into --module-dir instead of printing them")(
      "force", "with --write: overwrite existing files")(
      "makefile", "also the seed-compatible docker-deployx Makefile")(
      "go", "the go command", cxxopts::value<std::string>()->default_value("go"))(
      "json", "print the services found (and the files written) as JSON")("h,help", "this help");
  return options;
}

nlohmann::ordered_json services_json(const ModuleServices& module) {
  nlohmann::ordered_json j;
  j["module_dir"] = module.module_dir.string();
  j["module_path"] = module.module_path;
  j["services"] = nlohmann::ordered_json::array();
  for (const auto& s : module.services) {
    nlohmann::ordered_json service;
    service["name"] = s.name;
    service["package"] = s.package;
    service["root"] = s.root;
    service["config_dir"] = s.config_dir;
    service["reads_conf"] = s.reads_conf;
    service["cgo"] = s.cgo;
    j["services"].push_back(service);
  }
  return j;
}

}  // namespace

int init_command(CliContext& ctx, const std::vector<std::string>& args) {
  auto options = init_options();
  auto parsed = parse_options(options, args);
  if (parsed.count("help")) {
    fmt::print(ctx.out, "{}", options.help());
    return 0;
  }
  if (!parsed.unmatched().empty())
    throw InputError(fmt::format("unexpected argument \"{}\"; see --help", parsed.unmatched()[0]));
  bool write = parsed.count("write") > 0;
  if (parsed.count("force") && !write) throw InputError("--force only goes with --write");

  ModuleServices module = discover_services(ctx.runner, parsed["module-dir"].as<std::string>(),
                                            parsed["go"].as<std::string>());
  auto files = render_project_files(module, parsed.count("makefile") > 0, kMultiarchVersion);
  std::vector<WriteResult> written;
  if (write) written = write_project_files(module.module_dir, files, parsed.count("force") > 0);

  if (parsed.count("json")) {
    auto j = services_json(module);
    j["written"] = nlohmann::ordered_json::array();
    for (const auto& result : written) {
      std::string path = (module.module_dir / result.name).string();
      if (result.action == WriteAction::kept)
        j["kept"].push_back(path);
      else
        j["written"].push_back(path);
    }
    if (!write)
      for (const auto& file : files) j["files"][file.name] = file.content;
    fmt::print(ctx.out, "{}\n", j.dump(2));
    return 0;
  }
  if (write) {
    for (const auto& s : module.services)
      fmt::print(ctx.out, "{:<20} {}{}{}\n", s.name, s.package,
                 s.config_dir.empty() ? "" : "  FILES " + s.config_dir + ":" + kInitConfigDest,
                 s.cgo ? "  CGO" : "");
    for (const auto& result : written) {
      std::string path = (module.module_dir / result.name).string();
      if (result.action == WriteAction::written) {
        fmt::print(ctx.out, "wrote {}\n", path);
      } else if (result.action == WriteAction::appended) {
        std::string lines;
        for (const auto& line : result.appended) lines += (lines.empty() ? "" : " ") + line;
        fmt::print(ctx.out, "appended {} to {} (the rest of it kept)\n", lines, path);
      } else {
        fmt::print(ctx.out, "kept {}: it ignores the build folders already\n", path);
      }
    }
    fmt::print(ctx.out, "next: cmake --preset default && cmake --build --preset default\n");
    return 0;
  }
  for (const auto& file : files)
    fmt::print(ctx.out, "# ---- {} ----\n{}\n", file.name, file.content);
  return 0;
}

}  // namespace multiarch::cli
