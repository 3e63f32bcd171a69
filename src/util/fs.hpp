#pragma once
// File helpers: whole-file reads and atomic writes (temporary file + rename), so an
// interrupted run never leaves a half-written output behind.
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace multiarch {

/// read(2) retried on EINTR: the bytes read (0 at the end of the file), or -1 with errno set.
/// The one EINTR-safe read of the project.
ssize_t read_some(int fd, void* buffer, size_t size);

/// write(2) until all `size` bytes are written, retried on EINTR and short writes: true, or
/// false with errno set. The one EINTR-safe write of the project.
bool write_all(int fd, const void* data, size_t size);

/// Reads a whole file; throws RuntimeError naming the path on failure.
std::string read_file(const std::filesystem::path& path);

/// A sibling path for writing before the rename: "<name>.tmp-<pid>-<n>".
std::filesystem::path temporary_sibling(const std::filesystem::path& path);

/// Writes `content` to a temporary sibling, flushes it, and renames it over `path`.
/// Creates missing parent directories. Throws RuntimeError naming the path.
void atomic_write_file(const std::filesystem::path& path, std::string_view content,
                       std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                     std::filesystem::perms::owner_write |
                                                     std::filesystem::perms::group_read |
                                                     std::filesystem::perms::others_read);

/// Renames `from` over `to` (same file system); throws RuntimeError naming both.
void rename_into_place(const std::filesystem::path& from, const std::filesystem::path& to);

/// A fresh private (0700, mkdtemp) folder TMPDIR/<prefix>-XXXXXX, removed with everything in
/// it on destruction unless keep() was called. Throws RuntimeError when it cannot be made.
class WorkDir {
 public:
  explicit WorkDir(std::string_view prefix = "multiarch");
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

}  // namespace multiarch
