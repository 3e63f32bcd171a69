#pragma once
// What a SIGINT, SIGTERM or SIGHUP must not leave behind: temporary files this process is
// writing and the child processes it is waiting for. The first registration installs handlers
// that kill the registered children (SIGKILL), unlink the registered files and then re-raise
// the signal with its default action, so the exit status still says "killed by SIGINT".
// SIGKILL cannot be caught: what a SIGKILLed run leaves, the next run removes (stale
// temporaries of dead processes), and children die with it (PR_SET_PDEATHSIG, process.cpp).
// The tables are fixed-size and lock-free: the handler only reads them and calls unlink(2)
// and kill(2), which are async-signal-safe (signal-safety(7)).
#include <sys/types.h>

#include <filesystem>

namespace multiarch {

/// Unlinks `path` if a terminating signal arrives while this object lives (a folder: removed
/// after every registered file, so a folder of registered files goes too). Paths longer
/// than 4095 bytes, or more than 256 at once, are not registered (the next run removes them).
class RemoveOnSignal {
 public:
  explicit RemoveOnSignal(const std::filesystem::path& path);
  ~RemoveOnSignal();
  RemoveOnSignal(const RemoveOnSignal&) = delete;
  RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;

 private:
  int slot_ = -1;
};

/// SIGKILLs child `pid` if a terminating signal arrives while this object lives.
class KillOnSignal {
 public:
  explicit KillOnSignal(pid_t pid);
  ~KillOnSignal();
  KillOnSignal(const KillOnSignal&) = delete;
  KillOnSignal& operator=(const KillOnSignal&) = delete;

 private:
  int slot_ = -1;
};

}  // namespace multiarch
