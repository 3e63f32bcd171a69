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
      fs::path folder = root / relative.parent_path();
      if (base == ".wh..wh..opq") {
        std::error_code ec;
        if (fs::is_directory(folder, ec))
          for (const auto& child : fs::directory_iterator(folder)) remove_quietly(child.path());
      } else {
        remove_quietly(folder / base.substr(4));
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
      if (!target)
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
  auto clean = clean_relative(path);
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
  if (!clean) {
    push_components(path);  // ".." is resolved below, clamped at the root like a chroot
  } else {
    push_components(*clean);
  }
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

std::optional<std::string> elf_interpreter(std::string_view bytes) {
  if (bytes.size() < 52 || bytes.substr(0, 4) !=
                               "\x7f"
                               "ELF")
    return std::nullopt;
  bool is64 = bytes[4] == 2;
  bool little = bytes[5] == 1;
  auto read = [&](size_t offset, size_t width) -> uint64_t {
    if (offset + width > bytes.size()) return 0;
    uint64_t value = 0;
    for (size_t i = 0; i < width; ++i) {
      uint64_t byte = static_cast<unsigned char>(bytes[offset + (little ? i : width - 1 - i)]);
      value |= byte << (8 * i);
    }
    return value;
  };
  uint64_t phoff = is64 ? read(32, 8) : read(28, 4);
  uint64_t phentsize = is64 ? read(54, 2) : read(42, 2);
  uint64_t phnum = is64 ? read(56, 2) : read(44, 2);
  for (uint64_t i = 0; i < phnum; ++i) {
    uint64_t header = phoff + i * phentsize;
    if (header + phentsize > bytes.size()) return std::nullopt;
    if (read(header, 4) != 3) continue;  // PT_INTERP
    uint64_t offset = is64 ? read(header + 8, 8) : read(header + 4, 4);
    uint64_t size = is64 ? read(header + 32, 8) : read(header + 16, 4);
    if (offset + size > bytes.size() || size == 0) return std::nullopt;
    std::string interpreter(bytes.substr(offset, size));
    while (!interpreter.empty() && interpreter.back() == '\0') interpreter.pop_back();
    return interpreter;
  }
  return std::nullopt;
}

}  // namespace multiarch
