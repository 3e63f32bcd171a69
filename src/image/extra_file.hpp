#pragma once
// `--file SRC:DEST[:MODE]`: a file or folder of the host put into the image (or the build
// context) at DEST, as `multiarch image assemble`, `multiarch buildx` and
// `multiarch dockerfile` take it.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace multiarch {

struct ExtraFile {
  std::filesystem::path source;
  std::string destination;       ///< absolute path in the image
  std::optional<uint32_t> mode;  ///< files only; default 0755 when the owner may execute, else 0644
};

/// Parses SRC:DEST[:MODE], split at the last ":/" so SRC may itself contain colons; MODE is
/// octal (0644). DEST is returned as written. Throws InputError naming the option.
ExtraFile parse_extra_file(const std::string& text);

}  // namespace multiarch
