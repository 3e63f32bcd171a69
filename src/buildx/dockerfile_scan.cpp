#include "buildx/dockerfile_scan.hpp"

#include <cctype>
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
