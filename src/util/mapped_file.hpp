#pragma once
// A whole file mapped read-only (mmap(2), MAP_PRIVATE): the binary checks, the build-info
// scan and the hashes read a 14 MB executable straight from the page cache, with no copy and
// no zero-filled buffer. The bytes are the file's as of the mapping; a file truncated while
// mapped would fault, so map only files this run owns or has just verified (go-build's own
// temporaries, the binaries an image is made from).
#include <cstddef>
#include <filesystem>
#include <string_view>

namespace multiarch {

class MappedFile {
 public:
  /// Maps `path` (an empty file maps to no bytes). Throws RuntimeError naming the path when
  /// it cannot be opened, is not a regular file, or cannot be mapped.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }
  size_t size() const { return size_; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace multiarch
