#pragma once
// Makefile-syntax depfiles ("target: prerequisite ..."), the format gcc -MD writes and both
// Ninja (deps = gcc) and CMake's DEPFILE (Ninja and Makefile generators) read.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace multiarch {

/// Escapes one path so Ninja (>= 1.10), CMake's depfile reader and GNU make all read it
/// back unchanged: a space becomes "\ " (backslashes in front of it doubled), '#' becomes
/// "\#", '$' becomes "$$". Throws InputError for paths no depfile can hold: a newline,
/// carriage return or tab anywhere, or a trailing ':' or backslash.
std::string escape_depfile_path(std::string_view path);

/// "target: \\\n  prerequisite \\\n  ...\n" with every path escaped, one prerequisite per
/// line, in the given order.
std::string format_depfile(std::string_view target, const std::vector<std::string>& prerequisites);

/// Writes format_depfile() atomically (temporary sibling + rename).
void write_depfile(const std::filesystem::path& depfile, std::string_view target,
                   const std::vector<std::string>& prerequisites);

}  // namespace multiarch
