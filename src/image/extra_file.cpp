#include "image/extra_file.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.hpp"

namespace multiarch {

ExtraFile parse_extra_file(const std::string& text) {
  size_t split = text.rfind(":/");
  if (split == std::string::npos || split == 0)
    throw InputError(
        fmt::format("--file \"{}\": expected SRC:DEST[:MODE] with an absolute DEST", text));
  ExtraFile file;
  file.source = text.substr(0, split);
  std::string rest = text.substr(split + 1);
  size_t colon = rest.find(':');
  file.destination = rest.substr(0, colon);
  if (colon != std::string::npos) {
    std::string mode = rest.substr(colon + 1);
    if (mode.empty() || mode.size() > 4 || mode.find_first_not_of("01234567") != std::string::npos)
      throw InputError(
          fmt::format("--file \"{}\": MODE \"{}\" must be octal, like 0644", text, mode));
    file.mode = static_cast<uint32_t>(std::stoul(mode, nullptr, 8));
  }
  return file;
}

std::vector<std::string> extra_file_inputs(const std::vector<ExtraFile>& files) {
  namespace fs = std::filesystem;
  std::vector<std::string> inputs;
  for (const auto& file : files) {
    std::error_code ec;
    if (!fs::is_directory(file.source, ec)) {
      if (fs::exists(file.source, ec)) inputs.push_back(file.source.string());
      continue;
    }
    std::vector<std::string> found{file.source.string()};
    for (fs::recursive_directory_iterator it(file.source, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->is_symlink(ec)) continue;
      if (it->is_directory(ec) || it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    std::sort(found.begin() + 1, found.end());  // directory order is not stable
    inputs.insert(inputs.end(), found.begin(), found.end());
  }
  return inputs;
}

}  // namespace multiarch
