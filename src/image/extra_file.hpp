#pragma once
// `--file SRC:DEST[:MODE]`: a file or folder of the host put into the image (or the build
// context) at DEST, as `multiarch image assemble`, `multiarch buildx` and
// `multiarch dockerfile` take it.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace multiarch {

struct ExtraFile {
  std::filesystem::path source;
  std::string destination;       ///< absolute path in the image
  std::optional<uint32_t> mode;  ///< files only; default 0755 when the owner may execute, else 0644
};

/// Parses SRC:DEST[:MODE], split at the last ":/" so SRC may itself contain colons; MODE is
/// octal (0644). DEST is returned as written. Throws InputError naming the option.
ExtraFile parse_extra_file(const std::string& text);

/// What a build that copies `files` depends on, for a depfile: each plain file, and for a
/// folder the folder itself, every folder below it and every regular file in them (folders
/// too, so an added or removed file changes a listed mtime). Symbolic links are not listed
/// (Ninja would follow them, and a dangling one would rebuild every time); replacing one
/// changes its folder's mtime. Missing sources are skipped (the build reports them).
std::vector<std::string> extra_file_inputs(const std::vector<ExtraFile>& files);

}  // namespace multiarch
