#include "util/file_stamp.hpp"

#include <sys/stat.h>

namespace multiarch {

std::optional<FileStamp> SystemFileStatter::stat(const std::filesystem::path& path) const {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  FileStamp stamp;
  stamp.size = static_cast<uint64_t>(st.st_size);
  stamp.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  stamp.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  stamp.inode = static_cast<uint64_t>(st.st_ino);
  stamp.device = static_cast<uint64_t>(st.st_dev);
  stamp.mode = static_cast<uint32_t>(st.st_mode);
  return stamp;
}

}  // namespace multiarch
