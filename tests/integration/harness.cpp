#include "harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

extern char** environ;

namespace multiarch::test {

std::filesystem::path multiarch_binary() { return MULTIARCH_BINARY; }
std::filesystem::path source_dir() { return MULTIARCH_SOURCE_DIR; }
std::filesystem::path example_module() { return source_dir() / "examples" / "monorepo"; }

ProcessResult run(const std::vector<std::string>& argv, const std::string& cwd,
                  const std::map<std::string, std::string>& env) {
  SystemProcessRunner runner;
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = cwd;
  spec.env_overrides = env;
  return runner.run(spec);
}

ProcessResult run_multiarch(const std::vector<std::string>& args, const std::string& cwd,
                            const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {multiarch_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, cwd, env);
}

bool require_tool(const std::string& executable, const std::string& install_hint,
                  const std::string& opt_out_env) {
  if (!find_executable(executable).empty()) return true;
  const char* opt_out = std::getenv(opt_out_env.c_str());
  if (opt_out && std::string(opt_out) == "1") {
    std::string why = "'" + executable + "' is missing and " + opt_out_env + "=1 opts out";
    GTEST_MESSAGE_AT_(__FILE__, __LINE__, why.c_str(), ::testing::TestPartResult::kSkip);
  } else {
    ADD_FAILURE() << "'" << executable
                  << "' is required by this test and was not found: " << install_hint << " (or set "
                  << opt_out_env << "=1 to skip these tests explicitly)";
  }
  return false;
}

bool require_sandbox() {
  if (!require_tool("bwrap", "apt-get install bubblewrap (scripts/install-deps test)",
                    "MULTIARCH_SKIP_SANDBOX"))
    return false;
  ProcessResult probe = run({"bwrap", "--unshare-user", "--ro-bind", "/", "/", "true"});
  if (probe.ok()) return true;
  std::string why = "bwrap cannot make an unprivileged user namespace here: " + probe.err;
  const char* opt_out = std::getenv("MULTIARCH_SKIP_SANDBOX");
  if (opt_out && std::string(opt_out) == "1") {
    why += " (MULTIARCH_SKIP_SANDBOX=1 opts out)";
    GTEST_MESSAGE_AT_(__FILE__, __LINE__, why.c_str(), ::testing::TestPartResult::kSkip);
  } else {
    ADD_FAILURE() << why
                  << " (allow them: sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu "
                     "kernel.apparmor_restrict_unprivileged_userns=0; or set "
                     "MULTIARCH_SKIP_SANDBOX=1 to skip these tests explicitly)";
  }
  return false;
}

pid_t start_background(const std::vector<std::string>& argv, const std::filesystem::path& log,
                       std::string& error) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<std::string> args = argv;
  std::vector<char*> pointers;
  for (auto& a : args) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args.at(0).c_str(), &actions, nullptr, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    error = "cannot start " + args[0] + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

void stop_background(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace multiarch::test
