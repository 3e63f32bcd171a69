#pragma once
// What goes into an image layer, in the order it is written: entries sorted by path
// component, every parent directory present (0755), no path twice, no file used as a folder.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "oci/tar_writer.hpp"

namespace multiarch {

struct LayerFile {
  std::string path;  ///< in the image, absolute: "/app/service"
  TarEntry::Type type = TarEntry::Type::file;
  uint32_t mode = 0644;
  std::filesystem::path source;  ///< regular files: read from here; empty: use `content`
  std::string content;           ///< regular files without a source (generated files)
  std::string link_target;       ///< symlinks
};

struct LayerPlan {
  std::vector<LayerFile> entries;  ///< sorted, parents first
};

/// Normalizes an image path ("/etc//app/" -> "/etc/app"); throws InputError naming `what`
/// when it is relative, empty, contains "." or ".." components or a NUL byte.
std::string normalize_image_path(std::string_view path, std::string_view what);

/// Sorts, adds the missing parent directories and checks for conflicts (the same path
/// twice, a file that is also a parent folder). Throws InputError naming the path.
LayerPlan plan_layer(std::vector<LayerFile> files);

/// The tar path of an image path: "/app/service" -> "app/service".
inline std::string tar_path(const std::string& image_path) { return image_path.substr(1); }

}  // namespace multiarch
