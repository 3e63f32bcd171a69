// From the user's options to the exact argv and environment of each platform's go build.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "go/go_build.hpp"
#include "go/go_list.hpp"
#include "util/error.hpp"
#include "util/service_name.hpp"
#include "util/strings.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSlugPlaceholder = "{slug}";
constexpr std::string_view kNamePlaceholder = "{name}";

void validate_version(const std::string& version) {
  // The version travels inside -ldflags, which the go command splits on spaces and quotes.
  bool ok = !version.empty() && version.find_first_of(" \t\r\n'\"`\\") == std::string::npos;
  if (!ok)
    throw InputError(
        fmt::format("--version \"{}\": must be non-empty without whitespace, quotes "
                    "or backslashes (it is passed in -ldflags)",
                    version));
}

void validate_package(const std::string& package) {
  if (package.empty()) throw InputError("--package is required (e.g. ./cmd/server)");
  if (package[0] == '-')
    throw InputError(
        fmt::format("--package \"{}\": a package path cannot start with '-'", package));
  if (package.find_first_of(" \t\r\n") != std::string::npos)
    throw InputError(fmt::format("--package \"{}\": a package path has no whitespace", package));
}

/// The output folder must be one we can create or write into; checked before any build so
/// a bad --output-dir is one line and exit 2, not a failure per platform after compiling.
void check_output_dir(const fs::path& output_dir) {
  std::error_code ec;
  fs::path existing = fs::absolute(output_dir, ec).lexically_normal();
  while (!existing.empty() && !fs::exists(existing, ec) && existing != existing.parent_path())
    existing = existing.parent_path();
  if (!fs::is_directory(existing, ec)) {
    if (existing == fs::absolute(output_dir).lexically_normal())
      throw InputError(fmt::format("--output-dir {}: is a file, not a folder; give a folder",
                                   output_dir.string()));
    throw InputError(fmt::format("--output-dir {}: {} is a file, so no folder can be made below it",
                                 output_dir.string(), existing.string()));
  }
  if (::access(existing.c_str(), W_OK | X_OK) != 0)
    throw InputError(
        fmt::format("--output-dir {}: {} is not writable ({}); give a folder you can "
                    "write",
                    output_dir.string(), existing.string(), std::strerror(errno)));
}

fs::path absolute_normal(const fs::path& path) { return fs::absolute(path).lexically_normal(); }

}  // namespace

std::string default_binary_name(const std::string& package, const fs::path& module_dir) {
  std::string path = package;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path == "." || path == "./") return absolute_normal(module_dir).filename().string();
  auto last = [](const std::string& p) { return p.substr(p.rfind('/') + 1); };
  std::string element = last(path);
  // go build names example.com/tool/v2 "tool", not "v2".
  bool major_suffix = element.size() >= 2 && element[0] == 'v' &&
                      std::all_of(element.begin() + 1, element.end(), ::isdigit);
  if (major_suffix && path.find('/') != std::string::npos)
    element = last(path.substr(0, path.rfind('/')));
  return element;
}

GoBuildPlan plan_go_build(const GoBuildOptions& options, const GoToolchainInfo& toolchain) {
  validate_package(options.package);
  std::error_code ec;
  if (!fs::is_directory(options.module_dir, ec))
    throw InputError(
        fmt::format("--module-dir \"{}\": no such directory", options.module_dir.string()));
  if (!fs::exists(options.module_dir / "go.mod", ec))
    throw InputError(
        fmt::format("--module-dir \"{}\": no go.mod there (give the directory of "
                    "the Go module)",
                    options.module_dir.string()));
  if (options.platforms.empty()) throw InputError("no platform to build (--platform)");
  if (options.output_dir.empty()) throw InputError("--output-dir must not be empty");
  check_output_dir(options.output_dir);

  GoBuildPlan plan;
  plan.go = options.go;
  plan.module_dir = absolute_normal(options.module_dir);
  plan.package = options.package;
  plan.name = options.name.empty() ? default_binary_name(options.package, options.module_dir)
                                   : options.name;
  check_service_name(plan.name, "--name");
  plan.version = options.version;
  validate_version(plan.version);
  plan.toolchain = toolchain;

  // The depfile's own path: a newline or tab would write a file named like two paths.
  if (options.depfile.find_first_of("\n\r\t") != std::string::npos)
    throw InputError(
        fmt::format("--depfile \"{}\": a path with a newline, carriage return or tab; pick a "
                    "plain file name",
                    one_line(options.depfile)));
  bool per_platform_depfile = options.depfile.find(kSlugPlaceholder) != std::string::npos;
  if (!options.depfile.empty() && options.platforms.size() > 1 && !per_platform_depfile)
    throw InputError(
        fmt::format("--depfile \"{}\": {} platforms need one depfile each; put "
                    "{{slug}} in the path (e.g. out/{{slug}}/{}.d)",
                    options.depfile, options.platforms.size(), plan.name));

  std::string ldflags = options.strip ? "-s -w -buildid=" : "-buildid=";
  ldflags += " -X main.Version=" + plan.version;
  if (!options.ldflags.empty()) ldflags += " " + options.ldflags;

  for (const auto& platform : options.platforms) {
    GoBuildStep step;
    step.platform = platform;
    step.env = go_env_for(platform, toolchain, options.cgo);
    if (options.cgo) {
      auto compilers = options.compilers.find(platform.str());
      if (compilers == options.compilers.end())
        throw InputError(fmt::format("--cgo: no C compiler resolved for {}", platform.str()));
      for (const auto& pair : compilers->second) step.env.push_back(pair);
    }
    // Start from a clean slate: a GOARM or GOAMD64 left in the user's shell must not leak
    // into a platform that does not set it.
    std::set<std::string> set_keys;
    for (const auto& [key, value] : step.env) set_keys.insert(key);
    for (const auto& name : go_level_variable_names())
      if (!set_keys.count(name)) step.env_unset.push_back(name);

    std::string file = plan.name + platform.binary_suffix();
    step.display_output = (options.output_dir / platform.slug() / file).lexically_normal();
    step.output = absolute_normal(options.output_dir / platform.slug() / file);
    if (!options.depfile.empty())
      step.depfile = absolute_normal(
          replace_all(replace_all(options.depfile, kSlugPlaceholder, platform.slug()),
                      kNamePlaceholder, plan.name));

    step.build_argv = {options.go, "build"};
    if (options.trimpath) step.build_argv.push_back("-trimpath");
    // VCS stamping would make the binary depend on .git state that no depfile lists.
    step.build_argv.push_back("-buildvcs=false");
    if (!options.tags.empty()) step.build_argv.push_back("-tags=" + options.tags);
    step.build_argv.push_back("-ldflags=" + ldflags);
    step.build_argv.insert(step.build_argv.end(), options.go_flags.begin(), options.go_flags.end());
    step.build_argv.push_back("-o");
    step.output_arg = step.build_argv.size();
    step.build_argv.push_back(step.output.string());
    step.build_argv.push_back(options.package);

    if (!step.depfile.empty()) {
      step.list_argv = {options.go, "list", "-deps", "-json=" + go_list_json_fields()};
      if (!options.tags.empty()) step.list_argv.push_back("-tags=" + options.tags);
      step.list_argv.insert(step.list_argv.end(), options.go_flags.begin(), options.go_flags.end());
      step.list_argv.push_back(options.package);
    }
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

}  // namespace multiarch
