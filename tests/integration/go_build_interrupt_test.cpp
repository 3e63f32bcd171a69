// A go-build killed mid-way (SIGTERM, then SIGKILL, to multiarch and its children while go is
// writing the binary) leaves the previous binary and depfile intact; the next build succeeds
// and clears what the killed one left behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "go_build_support.hpp"
#include "harness.hpp"
#include "util/digest.hpp"

extern char** environ;

namespace multiarch::test {
namespace {

namespace fs = std::filesystem;

/// Starts argv in a new process group with `path` as PATH, output to `log`; returns its pid.
pid_t spawn_in_own_group(const std::vector<std::string>& argv, const std::string& path,
                         const fs::path& log) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::string(*e).rfind("PATH=", 0) != 0) env.emplace_back(*e);
  env.push_back("PATH=" + path);
  auto c_array = [](std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
  };
  std::vector<std::string> args = argv;
  auto argv_c = c_array(args);
  auto env_c = c_array(env);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv_c[0], &actions, &attr, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  EXPECT_EQ(rc, 0) << "cannot start " << argv[0];
  return rc == 0 ? pid : -1;
}

bool wait_for_file(const fs::path& path, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(GoBuildInterrupt, KilledBuildLeavesThePreviousOutputAndTheNextBuildSucceeds) {
  if (real_go().empty()) return;
  TempDir dir;
  auto out = dir / "out";
  auto binary = out / "linux_amd64/user";
  auto depfile = out / "linux_amd64/user.d";
  auto go_build = [&](const std::string& version) {
    return std::vector<std::string>{multiarch_binary().string(),
                                    "go-build",
                                    "--module-dir",
                                    example_module().string(),
                                    "--package",
                                    "./application/user/cmd/user",
                                    "--platform",
                                    "linux/amd64",
                                    "--output-dir",
                                    out.string(),
                                    "--version",
                                    version,
                                    "--depfile",
                                    depfile.string()};
  };
  auto first = run(go_build("v1"), "", {{"PATH", path_with_go()}});
  ASSERT_TRUE(first.ok()) << first.err;
  std::string binary_digest = sha256_file_hex(binary);
  std::string depfile_text = read_text(depfile);

  // The wrapper stands in for a go build caught mid-write: it writes half a binary to the
  // -o path, says so, and waits to be killed.
  auto marker = dir / "writing";
  write_go_wrapper(dir / "bin", dir / "go-calls.log",
                   "if [ \"$1\" = build ]; then\n"
                   "  for a in \"$@\"; do [ \"$prev\" = -o ] && printf partial > \"$a\"; prev=$a; "
                   "done\n"
                   "  touch '" +
                       marker.string() +
                       "'\n"
                       "  sleep 120\n"
                       "fi\n");
  for (int signal : {SIGINT, SIGTERM, SIGKILL}) {
    SCOPED_TRACE(signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGKILL");
    fs::remove(marker);
    pid_t pid = spawn_in_own_group(go_build("v2"), path_with_go((dir / "bin").string()),
                                   dir / "interrupted.log");
    ASSERT_GT(pid, 0);
    bool writing = wait_for_file(marker, std::chrono::seconds(120));
    ::kill(-pid, signal);  // the whole group: multiarch, the wrapper, sleep
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::kill(-pid, SIGKILL);  // nothing of the group may outlive the test
    ASSERT_TRUE(writing) << "the build never reached go build:\n"
                         << read_text(dir / "interrupted.log");
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal)
        << "multiarch ends as killed by that signal";

    EXPECT_EQ(sha256_file_hex(binary), binary_digest) << "the previous binary is intact";
    EXPECT_EQ(read_text(depfile), depfile_text) << "the previous depfile is intact";
    size_t partial = 0;
    for (const auto& entry : fs::directory_iterator(out / "linux_amd64"))
      partial += entry.path().filename().string().rfind(".user.tmp-", 0) == 0;
    if (signal == SIGKILL)
      EXPECT_GE(partial, 1u) << "the kill happened while the temporary was being written";
    else
      EXPECT_EQ(partial, 0u) << "a catchable signal removes the temporary before exiting";
  }

  auto next = run(go_build("v3"), "", {{"PATH", path_with_go()}});
  ASSERT_TRUE(next.ok()) << next.err;
  auto printed = run({binary.string(), "-print-platform"});
  EXPECT_NE(printed.out.find("version=v3"), std::string::npos) << printed.out;
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(out / "linux_amd64"))
    left.push_back(entry.path().filename().string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{".multiarch-lock", "user", "user.d", "user.d.stamp"}))
      << "temporaries of the killed runs are cleared (the empty lock file stays)";
}

/// True while `pid` runs (a zombie, reparented and not yet reaped, counts as gone).
bool running(pid_t pid) {
  std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return false;
  size_t close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] != 'Z';
}

TEST(GoBuildInterrupt, GoChildrenDieWithAKilledGoBuild) {
  if (real_go().empty()) return;
  TempDir dir;
  auto marker = dir / "go.pid";
  // The fake go records its pid and then is the long-running child itself (exec).
  write_go_wrapper(dir / "bin", dir / "go-calls.log",
                   "if [ \"$1\" = build ]; then echo $$ > '" + marker.string() + ".tmp'; mv '" +
                       marker.string() + ".tmp' '" + marker.string() + "'; exec sleep 300; fi\n");
  pid_t pid = spawn_in_own_group(
      {multiarch_binary().string(), "go-build", "--module-dir", example_module().string(),
       "--package", "./application/user/cmd/user", "--platform", "linux/amd64", "--output-dir",
       (dir / "out").string(), "--version", "v1"},
      path_with_go((dir / "bin").string()), dir / "killed.log");
  ASSERT_GT(pid, 0);
  bool started = wait_for_file(marker, std::chrono::seconds(120));
  ::kill(pid, SIGKILL);  // multiarch alone, as an OOM killer or `kill -9 PID` would
  int status = 0;
  ::waitpid(pid, &status, 0);
  pid_t go = started ? std::stoi(read_text(marker)) : -1;
  bool gone = false;
  for (int i = 0; i < 100 && go > 0 && !gone; ++i) {
    gone = !running(go);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(-pid, SIGKILL);  // nothing of the group may outlive the test
  ASSERT_TRUE(started) << "the build never reached go build:\n" << read_text(dir / "killed.log");
  EXPECT_TRUE(gone) << "go (pid " << go << ") still runs after multiarch was killed";
}

TEST(GoBuildInterrupt, ASecondRunOnTheSameOutputWaitsAndSaysForWhom) {
  if (real_go().empty()) return;
  TempDir dir;
  auto marker = dir / "building";
  write_go_wrapper(dir / "bin", dir / "go-calls.log",
                   "if [ \"$1\" = build ] && [ ! -e '" + (dir / "slow-once").string() +
                       "' ]; then touch '" + (dir / "slow-once").string() + "' '" +
                       marker.string() + "'; sleep 3; fi\n");
  std::vector<std::string> argv = {multiarch_binary().string(),
                                   "go-build",
                                   "--module-dir",
                                   example_module().string(),
                                   "--package",
                                   "./application/user/cmd/user",
                                   "--platform",
                                   "linux/amd64",
                                   "--output-dir",
                                   (dir / "out").string(),
                                   "--version",
                                   "v1"};
  pid_t first = spawn_in_own_group(argv, path_with_go((dir / "bin").string()), dir / "first.log");
  ASSERT_GT(first, 0);
  bool building = wait_for_file(marker, std::chrono::seconds(120));
  auto second = run(argv, "", {{"PATH", path_with_go((dir / "bin").string())}});
  int status = 0;
  ::waitpid(first, &status, 0);
  ::kill(-first, SIGKILL);
  ASSERT_TRUE(building) << read_text(dir / "first.log");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_text(dir / "first.log");
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("is in use by process " + std::to_string(first)), std::string::npos)
      << second.err;
}

}  // namespace
}  // namespace multiarch::test
