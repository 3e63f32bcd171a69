#pragma once
// What stat(2) says about a file, behind a small interface so unit tests can fake the disk:
// the facts the layer cache and go-build's up-to-date stamps compare.
#include <cstdint>
#include <filesystem>
#include <optional>

namespace multiarch {

/// What stat(2) says about a file.
struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t inode = 0;
  uint64_t device = 0;
  uint32_t mode = 0;  ///< st_mode
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

/// File metadata access, behind an interface so unit tests can fake the disk.
class FileStatter {
 public:
  virtual ~FileStatter() = default;
  /// stat(2) following symlinks; nullopt when the file does not exist.
  virtual std::optional<FileStamp> stat(const std::filesystem::path& path) const = 0;
};

class SystemFileStatter : public FileStatter {
 public:
  std::optional<FileStamp> stat(const std::filesystem::path& path) const override;
};

}  // namespace multiarch
