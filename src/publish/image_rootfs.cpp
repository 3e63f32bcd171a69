#include "publish/image_rootfs.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <cstring>
#include <memory>
#include <system_error>

#include "util/error.hpp"

namespace multiarch {
namespace fs = std::filesystem;

namespace {

using ArchiveReader = std::unique_ptr<archive, decltype(&archive_read_free)>;
using ArchiveWriter = std::unique_ptr<archive, decltype(&archive_write_free)>;

/// "a/b/c" from "./a//b/c/"; nullopt for a path that climbs out with "..".
std::optional<std::string> clean_relative(std::string_view name) {
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") {
      if (!out.empty()) out += '/';
      out += part;
    }
    start = end + 1;
  }
  return out;
}

void remove_quietly(const fs::path& path) {
  std::error_code ignored;
  fs::remove_all(path, ignored);
}

void apply_layer(const std::string& blob, const std::string& where, const fs::path& root,
                 RootfsStats& stats) {
  ArchiveReader reader(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(reader.get());
  archive_read_support_filter_all(reader.get());
  if (archive_read_open_memory(reader.get(), blob.data(), blob.size()) != ARCHIVE_OK)
    throw RuntimeError(fmt::format("{}: {}", where, archive_error_string(reader.get())));
  ArchiveWriter writer(archive_write_disk_new(), archive_write_free);
  // PERM: modes as stored (the executable bit matters); UNLINK: a later layer replaces an
  // earlier file or link instead of writing through it; SECURE_*: nothing lands outside root.
  archive_write_disk_set_options(writer.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_UNLINK |
                                                   ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                   ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  archive_entry* entry = nullptr;
  for (;;) {
    int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      throw RuntimeError(fmt::format("{}: {}", where, archive_error_string(reader.get())));
    const char* raw_name = archive_entry_pathname(entry);
    auto name = clean_relative(raw_name ? raw_name : "");
    if (!name) throw RuntimeError(fmt::format("{}: entry \"{}\" leaves the root", where, raw_name));
    if (name->empty()) continue;  // "./" itself
    fs::path relative(*name);
    std::string base = relative.filename().string();
    if (base.rfind(".wh.", 0) == 0) {
      // The folder as the image sees it: a link on the way is followed inside the root, never
      // out of it (a layer must not make us delete the host's files).
      auto folder = resolve_in_root(root, "/" + relative.parent_path().string());
      std::error_code ec;
      if (!folder || !fs::is_directory(*folder, ec)) continue;
      if (base == ".wh..wh..opq") {
        for (const auto& child : fs::directory_iterator(*folder, ec)) remove_quietly(child.path());
      } else {
        remove_quietly(*folder / base.substr(4));
      }
      continue;
    }
    mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK) {
      ++stats.skipped_devices;
      continue;
    }
    archive_entry_set_pathname(entry, (root / relative).c_str());
    if (const char* hardlink = archive_entry_hardlink(entry)) {
      auto target = clean_relative(hardlink);
      // Its folder must be where the path says, with no link on the way (SECURE_SYMLINKS
      // checks the entry's own path, not its link target).
      fs::path target_dir = root;
      if (target)
        for (const auto& part : fs::path(*target).parent_path()) target_dir /= part;
      if (!target || resolve_in_root(root, "/" + fs::path(*target).parent_path().string()) !=
                         std::optional<fs::path>(target_dir))
        throw RuntimeError(fmt::format("{}: hard link \"{}\" leaves the root", where, hardlink));
      archive_entry_set_hardlink(entry, (root / *target).c_str());
    }
    status = archive_write_header(writer.get(), entry);
    if (status < ARCHIVE_WARN)
      throw RuntimeError(
          fmt::format("{}: {}: {}", where, *name, archive_error_string(writer.get())));
    if (archive_entry_size(entry) > 0 && type == AE_IFREG) {
      const void* block = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      while ((status = archive_read_data_block(reader.get(), &block, &size, &offset)) == ARCHIVE_OK)
        if (archive_write_data_block(writer.get(), block, size, offset) < ARCHIVE_OK)
          throw RuntimeError(
              fmt::format("{}: {}: {}", where, *name, archive_error_string(writer.get())));
      if (status != ARCHIVE_EOF)
        throw RuntimeError(
            fmt::format("{}: {}: {}", where, *name, archive_error_string(reader.get())));
    }
    if (archive_write_finish_entry(writer.get()) < ARCHIVE_WARN)
      throw RuntimeError(
          fmt::format("{}: {}: {}", where, *name, archive_error_string(writer.get())));
    ++stats.entries;
  }
}

}  // namespace

RootfsStats unpack_image_rootfs(const OciLayout& layout, const ParsedManifest& manifest,
                                const fs::path& root) {
  RootfsStats stats;
  for (const auto& layer : manifest.layers) {
    std::string blob = layout.read_blob(layer);  // checks size and digest
    apply_layer(blob, fmt::format("layer {}", layer.digest), root, stats);
    ++stats.layers;
  }
  return stats;
}

std::optional<fs::path> resolve_in_root(const fs::path& root, std::string_view path) {
  std::vector<std::string> pending;
  // Components still to walk, in reverse so the next is at the back.
  auto push_components = [&pending](std::string_view text) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('/', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view part = text.substr(start, end - start);
      if (!part.empty() && part != ".") parts.emplace_back(part);
      start = end + 1;
    }
    pending.insert(pending.end(), parts.rbegin(), parts.rend());
  };
  push_components(path);  // ".." is resolved below, clamped at the root like a chroot
  std::vector<std::string> done;
  int links = 0;
  while (!pending.empty()) {
    std::string part = pending.back();
    pending.pop_back();
    if (part == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    fs::path here = root;
    for (const auto& d : done) here /= d;
    here /= part;
    std::error_code ec;
    auto status = fs::symlink_status(here, ec);
    if (ec || !fs::exists(status)) return std::nullopt;
    if (fs::is_symlink(status)) {
      if (++links > 40) return std::nullopt;
      std::string target = fs::read_symlink(here, ec).string();
      if (ec) return std::nullopt;
      if (!target.empty() && target[0] == '/') done.clear();
      push_components(target);
      continue;
    }
    done.push_back(part);
  }
  fs::path result = root;
  for (const auto& d : done) result /= d;
  return result;
}

std::optional<fs::path> make_directories_in_root(const fs::path& root, std::string_view path) {
  // "/" + path, lexically normal: absolute, no "." or ".." left.
  fs::path normal = (fs::path("/") / fs::path(path)).lexically_normal();
  std::vector<std::string> parts;
  for (const auto& part : normal.relative_path())
    if (!part.empty()) parts.push_back(part.string());
  // The longest prefix that exists, resolved inside the root; the rest is made under it.
  size_t existing = parts.size();
  fs::path where = root;
  for (; existing > 0; --existing) {
    std::string prefix;
    for (size_t i = 0; i < existing; ++i) prefix += "/" + parts[i];
    if (auto found = resolve_in_root(root, prefix)) {
      where = *found;
      break;
    }
  }
  std::error_code ec;
  if (!fs::is_directory(where, ec)) return std::nullopt;
  for (size_t i = existing; i < parts.size(); ++i) {
    where /= parts[i];
    // What exists here is a link that leads nowhere inside the root (else the prefix above
    // would have resolved): never create through it.
    if (fs::symlink_status(where, ec).type() != fs::file_type::not_found) return std::nullopt;
    if (!fs::create_directory(where, ec) || ec) return std::nullopt;
  }
  return where;
}

}  // namespace multiarch
