#pragma once
// A FileStatter for unit tests: files look older, newer or gone without touching the disk
// (no utime on real files); everything else is what stat(2) says.
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "util/file_stamp.hpp"

namespace multiarch::test {

class FakeFileStatter : public FileStatter {
 public:
  /// `path` is reported with this mtime (the other facts from the real file, if any).
  void set_mtime(const std::filesystem::path& path, int64_t mtime_ns) {
    mtimes_[path] = mtime_ns;
    gone_.erase(path);
  }
  /// `path` is reported missing, whatever is on disk.
  void remove(const std::filesystem::path& path) { gone_.insert(path); }

  std::optional<FileStamp> stat(const std::filesystem::path& path) const override {
    if (gone_.count(path)) return std::nullopt;
    auto stamp = real_.stat(path);
    if (auto it = mtimes_.find(path); it != mtimes_.end()) {
      if (!stamp) stamp = FileStamp{};
      stamp->mtime_ns = it->second;
    }
    return stamp;
  }

 private:
  SystemFileStatter real_;
  std::map<std::filesystem::path, int64_t> mtimes_;
  std::set<std::filesystem::path> gone_;
};

}  // namespace multiarch::test
