#include "util/background_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "util/error.hpp"

namespace multiarch {

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::filesystem::path& log) {
  if (argv.empty()) throw RuntimeError("BackgroundProcess: empty argv");
  // Everything the child touches is prepared before fork: after it only async-signal-safe
  // calls are allowed (this process may have threads).
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (out < 0)
    throw RuntimeError(fmt::format("cannot write {}: {}", log.string(), std::strerror(errno)));
  int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int error_pipe[2];
  if (null_in < 0 || ::pipe2(error_pipe, O_CLOEXEC) != 0) {
    ::close(out);
    throw RuntimeError(fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    ::dup2(null_in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execvp(args[0], args.data());
    int error = errno;
    [[maybe_unused]] auto written = ::write(error_pipe[1], &error, sizeof error);
    ::_exit(127);
  }
  int fork_errno = errno;
  ::close(out);
  ::close(null_in);
  ::close(error_pipe[1]);
  if (pid < 0) {
    ::close(error_pipe[0]);
    throw RuntimeError(fmt::format("cannot start {}: {}", argv[0], std::strerror(fork_errno)));
  }
  pid_ = pid;
  int child_errno = 0;
  ssize_t got = ::read(error_pipe[0], &child_errno, sizeof child_errno);
  ::close(error_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof child_errno)) {
    poll();
    wait_for(std::chrono::milliseconds(1000));
    throw RuntimeError(fmt::format("cannot start {}: {}", argv[0], std::strerror(child_errno)));
  }
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::optional<int> BackgroundProcess::poll() {
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ::kill(-pid_, SIGKILL);  // anything the child left behind in its group
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

}  // namespace multiarch
