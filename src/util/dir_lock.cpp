#include "util/dir_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/error.hpp"

namespace multiarch {
namespace fs = std::filesystem;
namespace {

/// "process 1234 (multiarch)": the FLOCK holder of `lock_file` as /proc/locks lists it
/// ("1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"); "another process" when unknown.
/// Read, not written by the holder: the lock file never changes, so a run that locks it
/// leaves every file of the output as it was.
std::string holder_of(const fs::path& lock_file) {
  struct stat st {};
  if (::stat(lock_file.c_str(), &st) != 0) return "another process";
  std::ifstream locks("/proc/locks");
  for (std::string line; std::getline(locks, line);) {
    std::istringstream fields(line);
    std::string number, kind, mode, access, pid, device;
    fields >> number >> kind;
    if (kind != "FLOCK") continue;  // other lock kinds, and waiters ("1: -> FLOCK ...")
    fields >> mode >> access >> pid >> device;
    size_t last = device.rfind(':');
    if (last == std::string::npos || device.substr(last + 1) != std::to_string(st.st_ino)) continue;
    std::ifstream comm("/proc/" + pid + "/comm");
    std::string name;
    std::getline(comm, name);
    return name.empty() ? "process " + pid : fmt::format("process {} ({})", pid, name);
  }
  return "another process";
}

}  // namespace

DirectoryLock::DirectoryLock(const fs::path& dir, const std::string& what,
                             const std::function<void(const std::string&)>& on_wait) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError(fmt::format("{} {}: not a folder", what, dir.string()));
  fs::create_directories(dir, ec);
  if (ec)
    throw InputError(fmt::format("{} {}: cannot create it: {}", what, dir.string(), ec.message()));
  fs::path lock_file = dir / kLockFileName;
  fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw InputError(
        fmt::format("{} {}: cannot write there: {}", what, dir.string(), std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      int error = errno;
      ::close(fd_);
      throw RuntimeError(
          fmt::format("cannot lock {}: {}", lock_file.string(), std::strerror(error)));
    }
    waited_ = true;
    if (on_wait)
      on_wait(fmt::format("{} is in use by {}; waiting for it to finish", dir.string(),
                          holder_of(lock_file)));
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd_);
      throw RuntimeError(
          fmt::format("cannot lock {}: {}", lock_file.string(), std::strerror(error)));
    }
  }
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace multiarch
