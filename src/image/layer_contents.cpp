#include "image/layer_contents.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "util/error.hpp"

namespace multiarch {
namespace {

std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

}  // namespace

std::string normalize_image_path(std::string_view path, std::string_view what) {
  if (path.empty() || path.front() != '/')
    throw InputError(fmt::format("{} \"{}\": must be an absolute path in the image", what, path));
  if (path.find('\0') != std::string_view::npos)
    throw InputError(fmt::format("{}: path contains a NUL byte", what));
  std::string normalized;
  for (auto part : components(path)) {
    if (part == "." || part == "..")
      throw InputError(
          fmt::format("{} \"{}\": \".\" and \"..\" are not allowed in image paths", what, path));
    normalized += "/";
    normalized += part;
  }
  if (normalized.empty())
    throw InputError(fmt::format("{} \"{}\": the image root is not a file", what, path));
  return normalized;
}

LayerPlan plan_layer(std::vector<LayerFile> files) {
  // Path -> entry; explicit entries first so an implicit parent never hides a conflict.
  std::map<std::vector<std::string>, LayerFile> by_components;
  for (auto& file : files) {
    file.path = normalize_image_path(file.path, "layer path");
    auto parts = components(file.path);
    std::vector<std::string> key(parts.begin(), parts.end());
    auto [it, inserted] = by_components.emplace(key, file);
    if (!inserted) {
      bool both_dirs =
          it->second.type == TarEntry::Type::directory && file.type == TarEntry::Type::directory;
      if (!both_dirs) throw InputError(fmt::format("{} is put into the image twice", file.path));
    }
  }
  // Parents: every prefix of every path must be a directory.
  std::vector<std::vector<std::string>> parents;
  for (const auto& [key, file] : by_components)
    for (size_t n = 1; n < key.size(); ++n)
      parents.emplace_back(key.begin(), key.begin() + static_cast<std::ptrdiff_t>(n));
  for (auto& key : parents) {
    auto it = by_components.find(key);
    if (it == by_components.end()) {
      LayerFile dir;
      for (const auto& part : key) dir.path += "/" + part;
      dir.type = TarEntry::Type::directory;
      dir.mode = 0755;
      by_components.emplace(key, dir);
    } else if (it->second.type != TarEntry::Type::directory) {
      throw InputError(fmt::format("{} is a file in the image but other files are put below it",
                                   it->second.path));
    }
  }
  // std::map orders by component vectors: parents before children, siblings by bytes.
  LayerPlan plan;
  for (auto& [key, file] : by_components) plan.entries.push_back(std::move(file));
  return plan;
}

}  // namespace multiarch
