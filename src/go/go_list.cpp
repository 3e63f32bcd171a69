#include "go/go_list.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace multiarch {
namespace {

// The per-package file lists that end up in the binary (cmd/go's Package struct).
constexpr const char* kCompiledFileFields[] = {
    "GoFiles", "CgoFiles", "CFiles",    "CXXFiles",     "MFiles",    "HFiles",
    "FFiles",  "SFiles",   "SwigFiles", "SwigCXXFiles", "SysoFiles", "EmbedFiles"};
constexpr const char* kIgnoredFileFields[] = {"IgnoredGoFiles", "IgnoredOtherFiles"};

/// Splits go list's stream into one string per top-level JSON object, honouring strings.
std::vector<std::string_view> split_objects(std::string_view text) {
  std::vector<std::string_view> objects;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      if (depth++ == 0) start = i;
    } else if (c == '}') {
      if (--depth < 0)
        throw RuntimeError(fmt::format("unexpected output from go list at byte {}: '}}'", i));
      if (depth == 0) objects.push_back(text.substr(start, i + 1 - start));
    } else if (depth == 0 && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      throw RuntimeError(
          fmt::format("unexpected output from go list at byte {}: '{}'", i, std::string(1, c)));
    }
  }
  if (depth != 0 || in_string) throw RuntimeError("truncated JSON output from go list");
  return objects;
}

void append_strings(const nlohmann::json& object, const char* key, std::vector<std::string>& out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return;
  for (const auto& item : *it)
    if (item.is_string()) out.push_back(item.get<std::string>());
}

std::string string_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const std::string& go_list_json_fields() {
  static const std::string fields = [] {
    std::string joined = "ImportPath,Dir,Root,Standard,Module,Error,Imports,DepOnly";
    for (const char* field : kCompiledFileFields) joined += std::string(",") + field;
    for (const char* field : kIgnoredFileFields) joined += std::string(",") + field;
    return joined;
  }();
  return fields;
}

std::vector<GoListPackage> parse_go_list_json(std::string_view output) {
  std::vector<GoListPackage> packages;
  for (std::string_view text : split_objects(output)) {
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw RuntimeError(fmt::format("cannot parse go list output: {}", e.what()));
    }
    GoListPackage package;
    package.import_path = string_field(object, "ImportPath");
    package.dir = string_field(object, "Dir");
    package.root = string_field(object, "Root");
    package.standard = object.value("Standard", false);
    if (auto module = object.find("Module"); module != object.end() && module->is_object()) {
      package.has_module = true;
      package.module.path = string_field(*module, "Path");
      package.module.dir = string_field(*module, "Dir");
      package.module.go_mod = string_field(*module, "GoMod");
      package.module.main = module->value("Main", false);
      if (auto replace = module->find("Replace"); replace != module->end() && replace->is_object())
        // A replacement without a version is a directory on disk, not a module cache entry.
        package.module.local_replace = string_field(*replace, "Version").empty();
    }
    if (auto error = object.find("Error"); error != object.end() && error->is_object())
      package.error = string_field(*error, "Err");
    for (const char* field : kCompiledFileFields) append_strings(object, field, package.files);
    for (const char* field : kIgnoredFileFields)
      append_strings(object, field, package.ignored_files);
    append_strings(object, "Imports", package.imports);
    package.dep_only = object.value("DepOnly", false);
    packages.push_back(std::move(package));
  }
  return packages;
}

}  // namespace multiarch
