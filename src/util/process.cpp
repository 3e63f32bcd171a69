#include "util/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/signal_cleanup.hpp"

extern char** environ;

namespace multiarch {
namespace {

std::vector<std::string> build_environment(const ProcessSpec& spec) {
  std::set<std::string> unset(spec.env_unset.begin(), spec.env_unset.end());
  std::vector<std::string> result;
  for (const auto& [key, value] : environment_variables()) {
    if (unset.count(key) || spec.env_overrides.count(key)) continue;
    result.push_back(key + "=" + value);
  }
  for (const auto& [key, value] : spec.env_overrides) result.push_back(key + "=" + value);
  return result;
}

std::vector<char*> to_c_array(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  void open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw RuntimeError(std::string("pipe: ") + strerror(errno));
    read_end = fds[0];
    write_end = fds[1];
  }
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ~Pipe() {
    close_fd(read_end);
    close_fd(write_end);
  }
};

/// A child that exits without reading all of its stdin (`docker load` when the daemon is not
/// reachable) must make our write fail with EPIPE, not kill us with SIGPIPE (exit 141 and no
/// message). Ignoring it is process-wide, hence once; children get the default back (below).
void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

/// What the child's stdin, stdout and stderr are: a descriptor to dup2 there, or -1 for
/// /dev/null (stdin) or ours (stdout, stderr).
struct ChildIo {
  int in = -1;
  int out = -1;
  int err = -1;
  bool new_session = false;  ///< setsid(): its own process group, no controlling terminal
};

/// The one fork + execve of the project. fork + exec rather than posix_spawn: the child must
/// ask for PR_SET_PDEATHSIG before it runs, so it dies with us (SIGKILL included) instead of
/// writing files after we are gone. Returns the child's pid; throws RuntimeError (child
/// reaped) when the program cannot be started.
pid_t spawn_child(const ProcessSpec& spec, const ChildIo& io) {
  if (spec.argv.empty()) throw RuntimeError("internal error: empty argv");
  ignore_sigpipe();
  // The program is looked up here, not in the child: after fork() in a threaded process the
  // child may only make async-signal-safe calls until exec.
  std::string program =
      spec.argv[0].find('/') != std::string::npos ? spec.argv[0] : find_executable(spec.argv[0]);
  if (program.empty())
    throw RuntimeError("cannot run '" + spec.argv[0] + "': " + strerror(ENOENT) +
                       " (is it installed and on PATH?)");
  Pipe exec_error;
  exec_error.open();  // CLOEXEC: closed by a successful exec, carries errno otherwise
  std::vector<std::string> argv_copy = spec.argv;
  std::vector<std::string> env = build_environment(spec);
  auto argv_c = to_c_array(argv_copy);
  auto env_c = to_c_array(env);
  const char* cwd = spec.cwd.empty() ? nullptr : spec.cwd.c_str();

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw RuntimeError(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    auto fail = [&](int error) {
      ssize_t ignored = ::write(exec_error.write_end, &error, sizeof error);
      (void)ignored;
      ::_exit(127);
    };
    if (io.new_session) ::setsid();
    if (io.out >= 0 && ::dup2(io.out, STDOUT_FILENO) < 0) fail(errno);
    if (io.err >= 0 && ::dup2(io.err, STDERR_FILENO) < 0) fail(errno);
    if (io.in >= 0) {
      if (::dup2(io.in, STDIN_FILENO) < 0) fail(errno);
    } else {
      int null_fd = ::open("/dev/null", O_RDONLY);
      if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0) fail(errno);
      if (null_fd != STDIN_FILENO) ::close(null_fd);
    }
    if (cwd && ::chdir(cwd) != 0) fail(errno);
    // Handlers do not survive exec, but a blocked mask would: unblock everything.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // An ignored signal stays ignored across exec, and this process ignores SIGPIPE
    // (ignore_sigpipe): give the child the default back, so its pipelines behave as usual.
    ::signal(SIGPIPE, SIG_DFL);
    ::execve(program.c_str(), argv_c.data(), env_c.data());
    fail(errno);
  }
  Pipe::close_fd(exec_error.write_end);
  int exec_errno = 0;
  ssize_t got = read_some(exec_error.read_end, &exec_errno, sizeof exec_errno);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw RuntimeError("cannot run '" + spec.argv[0] + "': " + strerror(exec_errno) +
                       (exec_errno == ENOENT ? " (is it installed and on PATH?)" : ""));
  }
  return pid;
}

/// waitpid's status as an exit code: the exit status, or 128+signal.
int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ProcessResult SystemProcessRunner::run(const ProcessSpec& spec) {
  auto started = std::chrono::steady_clock::now();
  Pipe out_pipe, err_pipe, in_pipe;
  if (spec.capture_stdout) out_pipe.open();
  if (spec.capture_stderr) err_pipe.open();
  if (spec.stdin_data) in_pipe.open();
  pid_t pid = spawn_child(spec, ChildIo{in_pipe.read_end, out_pipe.write_end, err_pipe.write_end});
  KillOnSignal kill_on_signal(pid);
  Pipe::close_fd(out_pipe.write_end);
  Pipe::close_fd(err_pipe.write_end);
  Pipe::close_fd(in_pipe.read_end);

  ProcessResult result;
  std::string_view pending_stdin;
  if (spec.stdin_data) {
    pending_stdin = *spec.stdin_data;
    fcntl(in_pipe.write_end, F_SETFL, O_NONBLOCK);
    if (pending_stdin.empty()) Pipe::close_fd(in_pipe.write_end);
  }
  std::array<char, 65536> buffer;
  while (out_pipe.read_end >= 0 || err_pipe.read_end >= 0 || in_pipe.write_end >= 0) {
    std::array<pollfd, 3> fds{};
    nfds_t count = 0;
    auto add = [&](int fd, short events) {
      if (fd >= 0) fds[count++] = pollfd{fd, events, 0};
    };
    add(out_pipe.read_end, POLLIN);
    add(err_pipe.read_end, POLLIN);
    add(in_pipe.write_end, POLLOUT);
    if (poll(fds.data(), count, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (!fds[i].revents) continue;
      int fd = fds[i].fd;
      if (fd == in_pipe.write_end) {
        ssize_t n = ::write(fd, pending_stdin.data(), pending_stdin.size());
        if (n > 0) pending_stdin.remove_prefix(static_cast<size_t>(n));
        if (n < 0 && errno != EAGAIN && errno != EINTR) pending_stdin = {};
        if (pending_stdin.empty()) Pipe::close_fd(in_pipe.write_end);
        continue;
      }
      ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n > 0) {
        (fd == out_pipe.read_end ? result.out : result.err).append(buffer.data(), n);
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        Pipe::close_fd(fd == out_pipe.read_end ? out_pipe.read_end : err_pipe.read_end);
      }
    }
  }

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = exit_code_of(status);
  result.elapsed = std::chrono::steady_clock::now() - started;
  return result;
}

BackgroundProcess::BackgroundProcess(const ProcessSpec& spec, const std::filesystem::path& log) {
  int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (out < 0)
    throw RuntimeError(fmt::format("cannot write {}: {}", log.string(), strerror(errno)));
  try {
    pid_ = spawn_child(spec, ChildIo{-1, out, out, true});
  } catch (...) {
    ::close(out);
    throw;
  }
  ::close(out);
  kill_on_signal_ = std::make_unique<KillOnSignal>(pid_);
}

BackgroundProcess::~BackgroundProcess() {
  if (status_) return;
  ::kill(-pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

std::optional<int> BackgroundProcess::poll() {
  if (status_) return status_;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = exit_code_of(status);
    ::kill(-pid_, SIGKILL);  // what it left behind in its process group
    kill_on_signal_.reset();
  }
  return status_;
}

std::optional<int> BackgroundProcess::wait_for(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!poll() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return status_;
}

int BackgroundProcess::stop(std::chrono::milliseconds grace) {
  if (poll()) return *status_;
  ::kill(-pid_, SIGTERM);
  if (wait_for(grace)) return *status_;
  ::kill(-pid_, SIGKILL);
  while (!poll()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return *status_;
}

std::string display_command(const std::vector<std::string>& argv) {
  std::string result;
  for (const auto& arg : argv) {
    if (!result.empty()) result += ' ';
    bool plain = !arg.empty() && arg.find_first_not_of(
                                     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789_-./=:,+@%") == std::string::npos;
    if (plain) {
      result += arg;
      continue;
    }
    result += '\'';
    for (char c : arg) {
      if (c == '\'')
        result += "'\\''";
      else
        result += c;
    }
    result += '\'';
  }
  return result;
}

std::string first_nonempty_line(std::string_view text) {
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos) {
      size_t last = line.find_last_not_of(" \t\r");
      return std::string(line.substr(first, last - first + 1));
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return {};
}

std::string find_executable(const std::string& name) {
  auto executable = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) return executable(name) ? name : std::string();
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate =
        end == start ? "./" + name : dirs.substr(start, end - start) + "/" + name;
    if (executable(candidate)) return candidate;
    start = end + 1;
  }
  return {};
}

std::optional<ProcessResult> run_if_installed(ProcessRunner& runner,
                                              std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  try {
    return runner.run(spec);
  } catch (const RuntimeError&) {
    return std::nullopt;  // the program is missing
  }
}

std::vector<std::pair<std::string, std::string>> environment_variables() {
  std::vector<std::pair<std::string, std::string>> variables;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view variable(*entry);
    size_t eq = variable.find('=');
    if (eq == std::string_view::npos) continue;
    variables.emplace_back(variable.substr(0, eq), variable.substr(eq + 1));
  }
  return variables;
}

}  // namespace multiarch
