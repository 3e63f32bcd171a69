#include "buildx/dockerfile_scan.hpp"

#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace multiarch {

bool dockerfile_has_run_steps(std::string_view dockerfile) {
  bool continuation = false;
  while (!dockerfile.empty()) {
    auto newline = dockerfile.find('\n');
    std::string_view line = dockerfile.substr(0, newline);
    dockerfile.remove_prefix(newline == std::string_view::npos ? dockerfile.size() : newline + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) continue;  // blank lines do not end a continuation
    line.remove_prefix(start);
    if (line.front() == '#') continue;  // comments neither start nor end instructions
    bool was_continuation = continuation;
    continuation = line.back() == '\\';
    if (was_continuation) continue;
    std::string word;
    for (char c : line) {
      if (c == ' ' || c == '\t') break;
      word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (word == "RUN") return true;
  }
  return false;
}

}  // namespace multiarch

namespace multiarch {

std::vector<DockerfileContextSource> dockerfile_context_sources(std::string_view dockerfile) {
  std::vector<DockerfileContextSource> sources;
  std::string logical;
  int logical_line = 0;
  int number = 0;
  auto finish = [&] {
    std::string text = std::move(logical);
    logical.clear();
    std::istringstream in(text);
    std::string keyword;
    in >> keyword;
    for (auto& c : keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (keyword != "COPY" && keyword != "ADD") return;
    std::vector<std::string> words;
    std::string rest;
    std::getline(in, rest);
    size_t start = rest.find_first_not_of(" \t");
    rest = start == std::string::npos ? "" : rest.substr(start);
    // Flags come first in both forms: --from=stage reads no context, the others do not matter.
    while (rest.rfind("--", 0) == 0) {
      size_t end = rest.find_first_of(" \t");
      std::string flag = rest.substr(0, end);
      if (flag.rfind("--from", 0) == 0) return;
      size_t next = end == std::string::npos ? end : rest.find_first_not_of(" \t", end);
      rest = next == std::string::npos ? "" : rest.substr(next);
    }
    if (rest.find("<<") != std::string::npos) return;  // a heredoc: inline content
    if (!rest.empty() && rest.front() == '[') {
      auto json = nlohmann::json::parse(rest, nullptr, false);
      if (json.is_discarded() || !json.is_array()) return;
      for (const auto& item : json)
        if (item.is_string()) words.push_back(item.get<std::string>());
    } else {
      std::istringstream parts(rest);
      for (std::string w; parts >> w;) words.push_back(w);
    }
    if (words.size() < 2) return;
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      const std::string& source = words[i];
      if (keyword == "ADD" &&
          (source.find("://") != std::string::npos || source.rfind("git@", 0) == 0))
        continue;
      sources.push_back({logical_line, keyword, source});
    }
  };
  while (!dockerfile.empty()) {
    auto newline = dockerfile.find('\n');
    std::string line(dockerfile.substr(0, newline));
    dockerfile.remove_prefix(newline == std::string_view::npos ? dockerfile.size() : newline + 1);
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    if (line[start] == '#') continue;
    if (logical.empty()) logical_line = number;
    bool continued = line.back() == '\\';
    if (continued) line.pop_back();
    logical += line.substr(start) + " ";
    if (!continued) finish();
  }
  if (!logical.empty()) finish();
  return sources;
}

}  // namespace multiarch
