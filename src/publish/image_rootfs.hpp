#pragma once
// An image's file system on disk, for running it without a daemon (`multiarch image test`):
// its layers applied in order (image-spec layer.md, "Applying Changesets": whiteouts `.wh.NAME`
// delete NAME, `.wh..wh..opq` empties its folder), and lookups inside that root that follow
// symbolic links as the kernel does inside a chroot.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/oci_layout.hpp"
#include "oci/oci_manifest.hpp"

namespace multiarch {

struct RootfsStats {
  size_t layers = 0;
  size_t entries = 0;          ///< entries written (files, folders, links)
  size_t skipped_devices = 0;  ///< device nodes and FIFOs: an unprivileged user cannot make them
};

/// Unpacks every layer of `manifest` from `layout` into `root` (an existing, empty folder),
/// base layer first, with libarchive (tar; gzip or zstd by content). Paths are kept inside
/// `root` (".." and links that lead out are refused); owners are not applied (the sandbox maps
/// the image's user instead). Throws RuntimeError naming the layer on a bad digest or archive.
RootfsStats unpack_image_rootfs(const OciLayout& layout, const ParsedManifest& manifest,
                                const std::filesystem::path& root);

/// Where the absolute image path `path` is in `root`, following symbolic links (absolute ones
/// relative to `root`, at most 40 as Linux's ELOOP limit); nullopt when it does not exist.
std::optional<std::filesystem::path> resolve_in_root(const std::filesystem::path& root,
                                                     std::string_view path);

/// Makes the folder at the absolute image path `path` and its missing parents inside `root`,
/// following the links that exist as resolve_in_root() does (a link never leads out of
/// `root`). Returns where it is; nullopt when a part is not a folder or cannot be made.
std::optional<std::filesystem::path> make_directories_in_root(const std::filesystem::path& root,
                                                              std::string_view path);

}  // namespace multiarch
