#pragma once
// A child process that runs while the caller does other things (waits for a port, sends a
// request), with its output in a file and a deadline: what `multiarch image test` needs and
// util/process.hpp's run-to-completion runner does not give. The child gets its own session
// (no controlling terminal, one process group to signal) and SIGKILL when its parent dies.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace multiarch {

class BackgroundProcess {
 public:
  /// Starts argv (argv[0] on PATH unless it has a '/') with stdin from /dev/null and stdout
  /// and stderr appended to `log`. Throws RuntimeError when it cannot be started.
  BackgroundProcess(const std::vector<std::string>& argv, const std::filesystem::path& log);
  /// Stops the process group (SIGKILL) if it still runs.
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  /// The exit status (or 128+signal) once it ended; nullopt while it runs. Never blocks.
  std::optional<int> poll();
  /// Waits up to `limit`; the status, or nullopt when still running.
  std::optional<int> wait_for(std::chrono::milliseconds limit);
  /// SIGTERM to the process group, then SIGKILL after `grace`; returns the status.
  int stop(std::chrono::milliseconds grace);

 private:
  int pid_ = -1;
  std::optional<int> status_;
};

}  // namespace multiarch
