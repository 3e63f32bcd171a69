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

/// The program interpreter (ELF PT_INTERP, e.g. "/lib/ld-musl-aarch64.so.1") named in an
/// ELF file's first bytes; nullopt for a static binary or bytes that are not ELF. The
/// program headers must be within `bytes`.
std::optional<std::string> elf_interpreter(std::string_view bytes);

}  // namespace multiarch
