#include "buildx/context_sources.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cctype>

#include "buildx/dockerfile_scan.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace fs = std::filesystem;
namespace {

bool is_variable_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Every file and folder of the context, relative, '/'-separated, sorted.
std::vector<std::string> context_entries(const fs::path& dir) {
  std::vector<std::string> entries;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    entries.push_back(it->path().lexically_relative(dir).generic_string());
  std::sort(entries.begin(), entries.end());
  return entries;
}

bool in_context(const std::string& source, const std::vector<std::string>& entries) {
  std::string path = source;
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.empty() || path == ".") return true;
  bool pattern = path.find_first_of("*?[") != std::string::npos;
  for (const auto& entry : entries) {
    if (pattern ? fnmatch(path.c_str(), entry.c_str(), FNM_PATHNAME) == 0 : entry == path)
      return true;
  }
  return false;
}

// "linux_amd64/user, linux_arm64/user, rootfs/data/conf/config.yaml" (files only, 8 at most).
std::string describe(const fs::path& dir, const std::vector<std::string>& entries) {
  std::vector<std::string> files;
  for (const auto& entry : entries) {
    std::error_code ec;
    if (!fs::is_directory(dir / entry, ec)) files.push_back(entry);
  }
  std::string out;
  for (size_t i = 0; i < files.size() && i < 8; ++i) out += (i ? ", " : "") + files[i];
  if (files.size() > 8) out += fmt::format(" and {} more", files.size() - 8);
  return out.empty() ? "nothing" : out;
}

}  // namespace

std::optional<std::string> expand_dockerfile_args(std::string_view text,
                                                  const std::map<std::string, std::string>& args) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    std::string name, op, word;
    if (i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = i + 2;
      for (int depth = 1; close < text.size(); ++close) {
        if (text[close] == '{') ++depth;
        if (text[close] == '}' && --depth == 0) break;
      }
      if (close >= text.size()) return std::nullopt;
      std::string inner(text.substr(i + 2, close - i - 2));
      size_t colon = inner.find(':');
      name = inner.substr(0, colon);
      if (colon != std::string::npos) {
        op = inner.substr(colon, 2);
        word = inner.substr(std::min(inner.size(), colon + 2));
      }
      i = close;
    } else {
      size_t end = i + 1;
      while (end < text.size() && is_variable_name_char(text[end])) ++end;
      name = std::string(text.substr(i + 1, end - i - 1));
      if (name.empty()) {
        out += '$';
        continue;
      }
      i = end - 1;
    }
    auto it = args.find(name);
    if (it == args.end()) return std::nullopt;
    std::optional<std::string> expanded_word = expand_dockerfile_args(word, args);
    if (!op.empty() && !expanded_word) return std::nullopt;
    if (op == ":-")
      out += it->second.empty() ? *expanded_word : it->second;
    else if (op == ":+")
      out += it->second.empty() ? "" : *expanded_word;
    else if (op.empty())
      out += it->second;
    else
      return std::nullopt;
  }
  return out;
}

void check_dockerfile_sources(std::string_view dockerfile_text, const std::string& dockerfile_name,
                              const fs::path& context_dir, const std::vector<Platform>& platforms) {
  auto sources = dockerfile_context_sources(dockerfile_text);
  if (sources.empty()) return;
  auto entries = context_entries(context_dir);
  for (const auto& source : sources) {
    for (const auto& platform : platforms) {
      std::map<std::string, std::string> args;
      for (const auto& [key, value] : platform.build_args()) args[key] = value;
      auto path = expand_dockerfile_args(source.source, args);
      if (!path || in_context(*path, entries)) continue;
      throw InputError(fmt::format(
          "--dockerfile {}:{}: {} {}{}: not in the build context. multiarch's context holds "
          "only the binaries under their slugs and the declared files under rootfs/: {}. Add a "
          "file or folder with --file SRC:/DEST (FILES=SRC:/DEST for make docker-deployx, FILES "
          "in add_multiarch_image) and COPY it from rootfs/DEST",
          dockerfile_name, source.line, source.instruction, source.source,
          *path == source.source ? "" : fmt::format(" (for {}: {})", platform.str(), *path),
          describe(context_dir, entries)));
    }
  }
}

}  // namespace multiarch
