#include "go/go_build_inputs.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>

namespace multiarch {
namespace {

namespace fs = std::filesystem;

/// go/build's matchTag for a file-name element: GOOS, GOARCH and the OS aliases.
bool matches_tag(std::string_view tag, const Platform& platform) {
  if (tag == platform.os || tag == platform.architecture) return true;
  if (platform.os == "android" && tag == "linux") return true;
  if (platform.os == "illumos" && tag == "solaris") return true;
  if (platform.os == "ios" && tag == "darwin") return true;
  return false;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool is_under(const std::string& path, const std::string& dir) {
  return !dir.empty() && path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

}  // namespace

bool go_file_name_matches(std::string_view file_name, const Platform& platform) {
  std::string_view name = file_name.substr(file_name.rfind('/') + 1);
  name = name.substr(0, name.find('.'));
  // Only what follows the first '_' counts: "linux.go" is not constrained, "x_linux.go" is.
  size_t underscore = name.find('_');
  if (underscore == std::string_view::npos) return true;
  auto parts = split(name.substr(underscore + 1), '_');
  if (!parts.empty() && parts.back() == "test") parts.pop_back();
  size_t n = parts.size();
  if (n >= 2 && is_known_os(parts[n - 2]) && is_known_architecture(parts[n - 1]))
    return matches_tag(parts[n - 2], platform) && matches_tag(parts[n - 1], platform);
  if (n >= 1 && (is_known_os(parts[n - 1]) || is_known_architecture(parts[n - 1])))
    return matches_tag(parts[n - 1], platform);
  return true;
}

std::vector<std::string> go_build_inputs(const std::vector<GoListPackage>& packages,
                                         const GoBuildInputsContext& context) {
  std::set<std::string> inputs;
  std::set<std::string> main_module_dirs;
  std::set<std::string> module_files;  // go.mod files of main modules and local replacements
  std::string goroot;
  for (const auto& package : packages) {
    if (package.standard && goroot.empty()) goroot = package.root;
    if (package.has_module && package.module.main) main_module_dirs.insert(package.module.dir);
  }
  if (goroot.empty()) goroot = context.goroot;

  for (const auto& package : packages) {
    if (package.standard || package.dir.empty()) continue;
    bool local = package.has_module && (package.module.main || package.module.local_replace);
    bool vendored = std::any_of(main_module_dirs.begin(), main_module_dirs.end(),
                                [&](const std::string& dir) { return is_under(package.dir, dir); });
    if (!local && !vendored) continue;  // the module cache: go.sum pins its content
    if (local && !package.module.go_mod.empty()) module_files.insert(package.module.go_mod);
    inputs.insert(package.dir);
    auto add_file = [&](const std::string& relative) {
      std::string path = package.dir + "/" + relative;
      inputs.insert(path);
      // Embedded files may sit in subdirectories: list those too, so a file added next to
      // them (matched by a pattern such as assets/*) triggers a rebuild.
      for (size_t slash = relative.rfind('/'); slash != std::string::npos && slash > 0;
           slash = relative.rfind('/', slash - 1))
        inputs.insert(package.dir + "/" + relative.substr(0, slash));
    };
    for (const auto& file : package.files) add_file(file);
    for (const auto& file : package.ignored_files) {
      // Left out by its //go:build line: an edit may bring it in. Left out by its file name
      // (x_windows.go for linux): no edit can, and listing it would rebuild for nothing.
      if (file.size() > 8 && file.compare(file.size() - 8, 8, "_test.go") == 0) continue;
      if (go_file_name_matches(file, context.platform)) add_file(file);
    }
  }

  for (const auto& go_mod : module_files) inputs.insert(go_mod);
  for (const auto& dir : main_module_dirs) {
    for (const char* name : {"go.mod", "go.sum", "vendor/modules.txt"}) {
      std::string path = dir + "/" + name;
      if (exists(path)) inputs.insert(path);
    }
  }
  if (!context.go_work.empty() && context.go_work != "off") {
    inputs.insert(context.go_work);
    std::string dir = fs::path(context.go_work).parent_path().string();
    for (const char* name : {"go.work.sum", "vendor/modules.txt"}) {
      std::string path = dir + "/" + name;
      if (exists(path)) inputs.insert(path);
    }
  }
  if (!goroot.empty() && exists(goroot + "/VERSION"))
    inputs.insert(goroot + "/VERSION");
  else if (!context.go_executable.empty())
    inputs.insert(context.go_executable);
  return {inputs.begin(), inputs.end()};
}

}  // namespace multiarch
