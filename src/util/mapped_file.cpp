#include "util/mapped_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace multiarch {

MappedFile::MappedFile(const std::filesystem::path& path) {
  auto fail = [&](const char* what, int error) {
    return RuntimeError(fmt::format("cannot {} {}: {}", what, path.string(), strerror(error)));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail("read", errno);
  struct stat st {};
  int stat_result = ::fstat(fd, &st);
  int stat_error = errno;
  if (stat_result != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw fail("read", stat_result != 0 ? stat_error : EINVAL);
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    int map_error = errno;
    if (data_ == MAP_FAILED) {
      data_ = nullptr;
      ::close(fd);
      throw fail("map", map_error);
    }
  }
  ::close(fd);  // the mapping stays valid without the descriptor
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

}  // namespace multiarch
