#include "image/extra_file.hpp"

#include <fmt/format.h>

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

}  // namespace multiarch
