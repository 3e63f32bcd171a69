#pragma once
// Running subprocesses by argv (fork + execve), never through a shell. Every child asks for
// PR_SET_PDEATHSIG (SIGKILL): it dies with the thread that started it (which waits for it).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace multiarch {

/// What to run: argv[0] is looked up on PATH unless it contains a '/'.
struct ProcessSpec {
  std::vector<std::string> argv;
  /// Variables set (or overriding) on top of the current environment.
  std::map<std::string, std::string> env_overrides;
  /// Variables removed from the inherited environment.
  std::vector<std::string> env_unset;
  /// Working directory; empty means the current one.
  std::string cwd;
  /// Capture stdout/stderr into the result; otherwise they go to ours.
  bool capture_stdout = true;
  bool capture_stderr = true;
  /// Bytes written to the child's stdin (then closed); nullopt inherits /dev/null.
  std::optional<std::string> stdin_data;
};

struct ProcessResult {
  int exit_code = -1;  ///< exit status, or 128+signal when killed by a signal
  std::string out;
  std::string err;
  std::chrono::duration<double> elapsed{0};
  bool ok() const { return exit_code == 0; }
};

/// Small interface so unit tests can inject a fake runner (the ccache way).
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Runs to completion. Throws RuntimeError only when the program cannot be started
  /// (not found, not executable); a non-zero exit is reported in the result.
  virtual ProcessResult run(const ProcessSpec& spec) = 0;
};

/// The real runner: fork + execve + pipes + poll + waitpid; children die with us.
class SystemProcessRunner : public ProcessRunner {
 public:
  ProcessResult run(const ProcessSpec& spec) override;
};

class KillOnSignal;

/// A child that runs while the caller does other things (waits for a port, sends a request):
/// what `multiarch image test` needs and the run-to-completion runner does not give. Started
/// like every child (same lookup, environment, PR_SET_PDEATHSIG), in a session of its own
/// (one process group to signal, no controlling terminal), stdin from /dev/null, stdout and
/// stderr appended to a file; killed when a terminating signal reaches us (KillOnSignal).
class BackgroundProcess {
 public:
  /// Starts `spec` (its capture_* and stdin_data are not used). Throws RuntimeError when the
  /// program cannot be started or `log` cannot be written.
  BackgroundProcess(const ProcessSpec& spec, const std::filesystem::path& log);
  /// SIGKILL to the process group if it still runs; always reaped.
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  /// The exit code (or 128+signal) once it ended; nullopt while it runs. Never blocks.
  std::optional<int> poll();
  /// Waits up to `limit`: the exit code, or nullopt when it still runs.
  std::optional<int> wait_for(std::chrono::milliseconds limit);
  /// SIGTERM to the process group, SIGKILL after `grace`; the exit code.
  int stop(std::chrono::milliseconds grace);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::unique_ptr<KillOnSignal> kill_on_signal_;
};

/// Runs argv; nullopt when the program cannot be started (not installed), for probes such as
/// `multiarch doctor` that report a missing tool instead of failing.
std::optional<ProcessResult> run_if_installed(ProcessRunner& runner, std::vector<std::string> argv);

/// Renders argv for display (--dry-run, error messages), quoting what a shell would split.
/// Display only: nothing ever executes this string.
std::string display_command(const std::vector<std::string>& argv);

/// This process's environment (environ) as NAME, VALUE pairs in environ order; entries
/// without '=' are skipped. The one scan of environ: children's environments and go-build's
/// stamp keys start from it.
std::vector<std::pair<std::string, std::string>> environment_variables();

/// The first line of a tool's output that is not blank, trimmed: for one-line error messages
/// ("Cannot connect to the Docker daemon at unix:///..."). "" when there is none.
std::string first_nonempty_line(std::string_view text);

/// Finds an executable on PATH (or checks a path containing '/'); empty when absent.
std::string find_executable(const std::string& name);

}  // namespace multiarch
