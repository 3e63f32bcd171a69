#pragma once
// One writer per output folder: an exclusive flock(2) on DIR/.multiarch-lock, held for the
// whole run and released by the kernel when the process ends (kill -9 included), so a stale
// lock never blocks anyone. A second run waits, saying which process holds the folder (read
// from /proc/locks; the lock file itself stays empty and unchanged).
#include <filesystem>
#include <functional>
#include <string>

namespace multiarch {

inline constexpr const char* kLockFileName = ".multiarch-lock";

class DirectoryLock {
 public:
  /// Creates `dir` (and parents) when missing, then locks it, waiting as long as another
  /// process holds it; `on_wait` is called once, before waiting, with a line such as
  /// "out is in use by process 1234 (multiarch); waiting for it to finish". Throws
  /// InputError when `dir` is not a folder or cannot be created or written (naming `what`,
  /// e.g. "--output"), RuntimeError when locking fails.
  DirectoryLock(const std::filesystem::path& dir, const std::string& what,
                const std::function<void(const std::string&)>& on_wait);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

  /// True when this lock had to wait for another process.
  bool waited() const { return waited_; }

 private:
  int fd_ = -1;
  bool waited_ = false;
};

}  // namespace multiarch
