#include "init/service_discovery.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace fs = std::filesystem;
namespace {

// Folders that say what kind of layer a binary is, not which service (kratos: app/<s>/service,
// app/<s>/interface).
const std::set<std::string, std::less<>> kLayerFolders = {"service", "interface", "server", "svc"};
// Binary folder names that say nothing about the service.
const std::set<std::string, std::less<>> kGenericBinaries = {"server",  "main", "app",
                                                             "service", "cmd",  "daemon"};

bool is_discovered_name_separator(char c) { return c == '.' || c == '_' || c == '-'; }
bool is_discovered_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::vector<std::string> split_path(const std::string& rel) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) slash = rel.size();
    if (slash > start) parts.push_back(rel.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

std::string join_path(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count && i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

std::string child(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

/// Splits concatenated JSON objects (go list's output format).
std::vector<nlohmann::json> parse_stream(std::string_view text) {
  std::vector<nlohmann::json> objects;
  size_t pos = 0;
  while (true) {
    pos = text.find_first_not_of(" \t\r\n", pos);
    if (pos == std::string_view::npos) break;
    int depth = 0;
    bool in_string = false, escaped = false;
    size_t end = pos;
    for (; end < text.size(); ++end) {
      char c = text[end];
      if (in_string) {
        if (escaped)
          escaped = false;
        else if (c == '\\')
          escaped = true;
        else if (c == '"')
          in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        break;
      }
    }
    if (end >= text.size() || text[pos] != '{')
      throw RuntimeError(fmt::format("unexpected output from go list at byte {}", pos));
    try {
      objects.push_back(nlohmann::json::parse(text.substr(pos, end + 1 - pos)));
    } catch (const nlohmann::json::exception& e) {
      throw RuntimeError(
          fmt::format("unexpected output from go list at byte {}: {}", pos, e.what()));
    }
    pos = end + 1;
  }
  return objects;
}

std::string string_at(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// True when the text declares a flag named "conf" (flag.StringVar(&c, "conf", ...)).
bool declares_conf_flag(const std::string& text) {
  for (size_t at = text.find("\"conf\""); at != std::string::npos;
       at = text.find("\"conf\"", at + 1)) {
    size_t call = text.rfind("flag.", at);
    if (call != std::string::npos && at - call < 80 &&
        text.find('\n', call) > at)  // the same line: flag.X(..., "conf", ...)
      return true;
  }
  return false;
}

struct Candidate {
  ServicePlan plan;
  std::vector<std::string> parts;  ///< the package folder's elements
  size_t anchor = 0;               ///< index in parts of the element the name came from
};

Candidate name_package(const GoMainPackage& main, const std::string& module_path) {
  Candidate c;
  c.parts = split_path(main.rel_dir);
  c.plan.package = main.rel_dir.empty() ? "." : "./" + main.rel_dir;
  c.plan.cgo = main.cgo;
  const auto& parts = c.parts;
  auto cmd = std::find(parts.rbegin(), parts.rend(), "cmd");
  if (cmd != parts.rend()) {
    size_t cmd_index = static_cast<size_t>(parts.rend() - cmd) - 1;
    c.plan.root = join_path(parts, cmd_index);
    std::string binary = cmd_index + 1 < parts.size() ? parts.back() : "";
    size_t s = cmd_index;
    while (s > 0 && kLayerFolders.count(parts[s - 1])) --s;
    if (s == 0) {  // cmd/<x> at the module root (or under layer folders only)
      c.anchor = binary.empty() ? cmd_index : parts.size() - 1;
      c.plan.name = binary.empty() ? module_path.substr(module_path.rfind('/') + 1) : binary;
    } else {
      c.anchor = s - 1;
      const std::string& service = parts[s - 1];
      if (binary.empty() || binary == service || kGenericBinaries.count(binary))
        c.plan.name = service;
      else
        c.plan.name = service + "-" + binary;
    }
  } else {
    c.plan.root = main.rel_dir;
    if (parts.empty()) {
      c.plan.name = module_path.substr(module_path.rfind('/') + 1);
    } else {
      c.anchor = parts.size() - 1;
      if (kGenericBinaries.count(parts.back()) && parts.size() > 1) --c.anchor;
      c.plan.name = parts[c.anchor];
    }
  }
  c.plan.name = service_name_from_folder(c.plan.name);
  return c;
}

/// The folders that can tell a candidate apart from others of its name, nearest first: its
/// path from the end outwards, past `cmd` and the folders that give the name itself.
std::vector<std::string> name_context(const Candidate& c, const std::string& name) {
  std::vector<std::string> context;
  for (size_t k = c.parts.size(); k-- > 0;)
    if (c.parts[k] != "cmd" && service_name_from_folder(c.parts[k]) != name)
      context.push_back(c.parts[k]);
  return context;
}

/// The name a colliding candidate takes from the folder `depth` steps out in its context: a
/// prefix when that folder lies above the one the name came from ("tools-user"), a suffix
/// below it ("user-interface").
std::string qualified_name(const Candidate& c, const std::string& name, size_t depth) {
  size_t seen = 0;
  for (size_t k = c.parts.size(); k-- > 0;) {
    if (c.parts[k] == "cmd" || service_name_from_folder(c.parts[k]) == name) continue;
    if (seen++ < depth) continue;
    std::string folder = service_name_from_folder(c.parts[k]);
    return k < c.anchor ? folder + "-" + name : name + "-" + folder;
  }
  return name;
}

/// Names are stable: a service's name depends on its own path, and on other services only when
/// they share its name (a real collision). So
///  - a name no other service has is final, whatever else the module holds;
///  - services sharing a name are told apart among themselves: each takes the nearest folder
///    of its context (see name_context) that no other member of the group has at the same
///    distance, so adding a third `job` leaves the first two as they were; a member whose
///    context runs out first (the shortest path) keeps the plain name;
///  - a name so made never takes one a service has by its path: it goes one distinguishing
///    folder further, or is numbered ("user-job-2"), as is whatever still collides.
void resolve_collisions(std::vector<Candidate>& candidates) {
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < candidates.size(); ++i) groups[candidates[i].plan.name].push_back(i);
  std::set<std::string> taken;  // final names: every unique one first
  for (const auto& [name, members] : groups)
    if (members.size() == 1) taken.insert(name);

  for (const auto& [name, members] : groups) {
    if (members.size() < 2) continue;
    std::vector<std::vector<std::string>> contexts;
    for (size_t i : members) contexts.push_back(name_context(candidates[i], name));
    for (size_t m = 0; m < members.size(); ++m) {
      auto& c = candidates[members[m]];
      std::string chosen = name;
      for (size_t depth = 0; depth < contexts[m].size(); ++depth) {
        bool distinguishes = true;
        for (size_t o = 0; o < members.size() && distinguishes; ++o)
          if (o != m && depth < contexts[o].size() && contexts[o][depth] == contexts[m][depth])
            distinguishes = false;
        if (!distinguishes) continue;
        chosen = qualified_name(c, name, depth);
        if (!taken.count(chosen)) break;
      }
      c.plan.name = chosen;
    }
    // Whatever is still taken or repeated (a plain name kept by two exhausted contexts, a
    // prefix and a suffix that spell the same) is numbered, in folder order.
    for (size_t i : members) {
      auto& c = candidates[i];
      std::string base = c.plan.name;
      for (int n = 2; taken.count(c.plan.name); ++n) c.plan.name = fmt::format("{}-{}", base, n);
      taken.insert(c.plan.name);
    }
  }
}

}  // namespace

bool is_valid_service_name(std::string_view name) {
  if (name.empty() || !is_discovered_name_char(name.front()) ||
      !is_discovered_name_char(name.back()))
    return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (is_discovered_name_char(name[i])) continue;
    if (!is_discovered_name_separator(name[i]) || is_discovered_name_separator(name[i - 1]))
      return false;
  }
  return true;
}

std::string service_name_from_folder(std::string_view folder) {
  std::string out;
  for (char raw : folder) {
    char c = (raw >= 'A' && raw <= 'Z') ? static_cast<char>(raw - 'A' + 'a') : raw;
    if (!is_discovered_name_char(c) && !is_discovered_name_separator(c)) c = '-';
    if (is_discovered_name_separator(c) &&
        (out.empty() || is_discovered_name_separator(out.back())))
      continue;
    out += c;
  }
  while (!out.empty() && is_discovered_name_separator(out.back())) out.pop_back();
  return out.empty() ? "service" : out;
}

GoModuleMains parse_main_packages(std::string_view go_list_output, const fs::path& module_dir) {
  GoModuleMains result;
  for (const auto& object : parse_stream(go_list_output)) {
    if (!object.is_object()) continue;
    const nlohmann::json module = object.value("Module", nlohmann::json::object());
    if (result.module_path.empty() && module.is_object() && module.value("Main", false))
      result.module_path = string_at(module, "Path");
    if (string_at(object, "Name") != "main") continue;
    fs::path root = module_dir.empty() ? fs::path(string_at(module, "Dir")) : module_dir;
    fs::path dir = string_at(object, "Dir");
    GoMainPackage main;
    main.import_path = string_at(object, "ImportPath");
    std::string rel = dir.lexically_relative(root).generic_string();
    if (rel.empty() || rel.rfind("..", 0) == 0)
      throw RuntimeError(fmt::format("go list: package {} in {} is outside the module folder {}",
                                     main.import_path, dir.string(), root.string()));
    main.rel_dir = rel == "." ? "" : rel;
    if (auto it = object.find("GoFiles"); it != object.end() && it->is_array())
      for (const auto& f : *it)
        if (f.is_string()) main.go_files.push_back(f.get<std::string>());
    if (auto it = object.find("CgoFiles"); it != object.end() && it->is_array())
      main.cgo = !it->empty();
    result.mains.push_back(std::move(main));
  }
  std::sort(result.mains.begin(), result.mains.end(),
            [](const auto& a, const auto& b) { return a.rel_dir < b.rel_dir; });
  return result;
}

bool DiskModuleTree::is_directory(const std::string& rel) const {
  std::error_code ec;
  return fs::is_directory(root_ / rel, ec);
}

std::string DiskModuleTree::read_text(const std::string& rel) const {
  try {
    return read_file(root_ / rel);
  } catch (const std::exception&) {
    return "";
  }
}

std::vector<ServicePlan> plan_services(const GoModuleMains& module, const ModuleTree& tree) {
  std::vector<Candidate> candidates;
  for (const auto& main : module.mains) {
    Candidate c = name_package(main, module.module_path);
    // configs/ or conf/ from the package folder up to the service root.
    std::vector<std::string> parts = c.parts;
    size_t root_depth = split_path(c.plan.root).size();
    for (size_t depth = parts.size() + 1; depth-- > root_depth;) {
      std::string dir = join_path(parts, depth);
      for (const char* name : {"configs", "conf"}) {
        if (tree.is_directory(child(dir, name))) {
          c.plan.config_dir = child(dir, name);
          break;
        }
      }
      if (!c.plan.config_dir.empty()) break;
    }
    for (const auto& file : main.go_files)
      if (declares_conf_flag(tree.read_text(child(main.rel_dir, file)))) c.plan.reads_conf = true;
    candidates.push_back(std::move(c));
  }
  resolve_collisions(candidates);
  std::vector<ServicePlan> plans;
  for (auto& c : candidates) plans.push_back(std::move(c.plan));
  return plans;
}

ModuleServices discover_services(ProcessRunner& runner, const fs::path& module_dir,
                                 const std::string& go) {
  std::error_code ec;
  if (!fs::exists(module_dir / "go.mod", ec))
    throw InputError(fmt::format("--module-dir {}: no go.mod (give the folder of the Go module)",
                                 module_dir.string()));
  fs::path root = fs::weakly_canonical(fs::absolute(module_dir));
  ProcessSpec spec;
  spec.argv = {go, "list", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,Module", "./..."};
  spec.cwd = root.string();
  ProcessResult result = runner.run(spec);
  if (!result.ok())
    throw RuntimeError(fmt::format("`{}` in {} failed (exit {}): {}", display_command(spec.argv),
                                   root.string(), result.exit_code, result.err));
  GoModuleMains mains = parse_main_packages(result.out, root);
  if (mains.mains.empty())
    throw InputError(fmt::format("--module-dir {}: no main package (package main) in the module",
                                 module_dir.string()));
  ModuleServices services;
  services.module_dir = root;
  services.module_path = mains.module_path;
  services.services = plan_services(mains, DiskModuleTree(root));
  return services;
}

}  // namespace multiarch
