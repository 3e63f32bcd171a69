#include "util/fs.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/error.hpp"

namespace multiarch {

ssize_t read_some(int fd, void* buffer, size_t size) {
  while (true) {
    ssize_t n = ::read(fd, buffer, size);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

bool write_all(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

std::string read_file(const std::filesystem::path& path) {
  // Sized once from fstat and read in place: a stream into an ostringstream copied a 14 MB
  // binary several times over (growth, then str()), most of image assemble's time.
  auto fail = [&](int error) {
    return RuntimeError(fmt::format("cannot read {}: {}", path.string(), strerror(error)));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(errno);
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw fail(errno);
  if (S_ISDIR(st.st_mode)) throw fail(EISDIR);
  std::string content;
  // Regular files read to their size; a file that grows meanwhile (or a pipe, size 0) is read
  // on in chunks until EOF.
  size_t size = S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) : 0;
  content.resize(std::max<size_t>(size + 1, 4096));
  size_t used = 0;
  while (true) {
    if (used == content.size()) content.resize(content.size() * 2);
    ssize_t n = read_some(fd, content.data() + used, content.size() - used);
    if (n < 0) throw fail(errno);
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  content.resize(used);
  return content;
}

std::filesystem::path temporary_sibling(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.parent_path() /
         fmt::format(".{}.tmp-{}-{}", path.filename().string(), getpid(), counter++);
}

void rename_into_place(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    int error = errno;
    ::unlink(from.c_str());
    throw RuntimeError(
        fmt::format("cannot rename {} to {}: {}", from.string(), to.string(), strerror(error)));
  }
}

void atomic_write_file(const std::filesystem::path& path, std::string_view content,
                       std::filesystem::perms mode) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec)
    throw RuntimeError(
        fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message()));
  auto tmp = temporary_sibling(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0)
    throw RuntimeError(fmt::format("cannot write {}: {}", path.string(), strerror(errno)));
  if (!write_all(fd, content.data(), content.size())) {
    int error = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw RuntimeError(fmt::format("cannot write {}: {}", path.string(), strerror(error)));
  }
  ::fchmod(fd, static_cast<mode_t>(mode));
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw RuntimeError(fmt::format("cannot write {}: {}", path.string(), strerror(errno)));
  }
  rename_into_place(tmp, path);
}

WorkDir::WorkDir(std::string_view prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = fmt::format("{}/{}-XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!::mkdtemp(buffer.data()))
    throw RuntimeError(
        fmt::format("cannot create a temporary folder like {}: {}", pattern, strerror(errno)));
  path_ = buffer.data();
}

WorkDir::~WorkDir() {
  if (keep_) return;
  std::error_code ec;
  // What was unpacked here (an image's folders, for `image test`) may lack the owner's write
  // bit (0555): give it back first, or remove_all cannot empty those folders.
  for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec))
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(path_, ec);
}

}  // namespace multiarch
