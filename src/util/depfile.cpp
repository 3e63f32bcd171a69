#include "util/depfile.hpp"

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {

std::string escape_depfile_path(std::string_view path) {
  if (path.empty()) throw InputError("cannot write an empty path into a depfile");
  if (path.find_first_of("\n\r\t") != std::string_view::npos)
    throw InputError(
        fmt::format("cannot write \"{}\" into a depfile: it contains a newline, "
                    "carriage return or tab",
                    path));
  // Ninja reads "x:" followed by whitespace as the end of a target whatever the escaping, and
  // a trailing backslash would escape the separator that follows the path.
  if (path.back() == ':' || path.back() == '\\')
    throw InputError(
        fmt::format("cannot write \"{}\" into a depfile: it ends with '{}'", path, path.back()));
  std::string out;
  out.reserve(path.size() + 8);
  size_t backslashes = 0;  // the run of backslashes right before the current character
  for (char c : path) {
    switch (c) {
      case ' ':
        // 2N+1 backslashes and a space read back as N backslashes and a space.
        out.append(backslashes, '\\');
        out += "\\ ";
        break;
      case '#':
        out += "\\#";
        break;
      case '$':
        out += "$$";
        break;
      default:
        out += c;
    }
    backslashes = c == '\\' ? backslashes + 1 : 0;
  }
  return out;
}

std::string format_depfile(std::string_view target, const std::vector<std::string>& prerequisites) {
  std::string out = escape_depfile_path(target) + ":";
  for (const auto& prerequisite : prerequisites) {
    out += " \\\n  ";
    out += escape_depfile_path(prerequisite);
  }
  out += '\n';
  return out;
}

void write_depfile(const std::filesystem::path& depfile, std::string_view target,
                   const std::vector<std::string>& prerequisites) {
  atomic_write_file(depfile, format_depfile(target, prerequisites));
}

}  // namespace multiarch
