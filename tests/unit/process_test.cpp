// The real runner against tiny system programs: argv passing, streams, env, exit codes.
#include "util/process.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "support/temp_dir.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

ProcessResult run(ProcessSpec spec) {
  SystemProcessRunner runner;
  return runner.run(spec);
}

TEST(SystemProcessRunner, PassesArgvVerbatimWithoutAShell) {
  ProcessSpec spec;
  spec.argv = {"printf", "%s|", "a b", "$HOME", "*", ";echo hi"};
  auto r = run(spec);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "a b|$HOME|*|;echo hi|");
}

TEST(SystemProcessRunner, SeparatesStdoutAndStderrAndReportsExitCode) {
  ProcessSpec spec;
  spec.argv = {"ls", "/definitely/not/here"};
  auto r = run(spec);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("/definitely/not/here"), std::string::npos);
}

TEST(SystemProcessRunner, FeedsStdinLargerThanAPipeBuffer) {
  ProcessSpec spec;
  spec.argv = {"cat"};
  spec.stdin_data = std::string(1 << 20, 'x');
  auto r = run(spec);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.size(), size_t{1} << 20);
}

// `docker load` against an unreachable daemon exits without reading its stdin: the runner
// must report the exit code, not die of SIGPIPE (issue 17 item 9).
TEST(SystemProcessRunner, SurvivesAChildThatExitsWithoutReadingStdin) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "exit 3"};
  spec.stdin_data = std::string(4 << 20, 'x');
  auto r = run(spec);
  EXPECT_EQ(r.exit_code, 3);
}

// Ignoring SIGPIPE in multiarch must not leak into children (an ignored signal survives exec):
// their own pipelines rely on the default.
TEST(SystemProcessRunner, ChildrenGetTheDefaultSigpipeDisposition) {
  ProcessSpec spec;
  spec.argv = {"grep", "^SigIgn:", "/proc/self/status"};
  auto r = run(spec);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // SigIgn is a hex mask; SIGPIPE (13) is bit 12: 0x1000.
  auto hex = r.out.substr(r.out.find_first_not_of(" \t", 7));
  unsigned long long mask = std::stoull(hex, nullptr, 16);
  EXPECT_EQ(mask & (1ULL << (SIGPIPE - 1)), 0ULL) << r.out;
}

TEST(SystemProcessRunner, OverridesAndUnsetsEnvironment) {
  setenv("MULTIARCH_TEST_INHERITED", "yes", 1);
  setenv("MULTIARCH_TEST_REMOVED", "yes", 1);
  ProcessSpec spec;
  spec.argv = {"env"};
  spec.env_overrides = {{"GOARM", "6"}};
  spec.env_unset = {"MULTIARCH_TEST_REMOVED"};
  auto r = run(spec);
  EXPECT_NE(r.out.find("GOARM=6\n"), std::string::npos);
  EXPECT_NE(r.out.find("MULTIARCH_TEST_INHERITED=yes\n"), std::string::npos);
  EXPECT_EQ(r.out.find("MULTIARCH_TEST_REMOVED"), std::string::npos);
}

TEST(SystemProcessRunner, RunsInTheGivenDirectory) {
  ProcessSpec spec;
  spec.argv = {"pwd"};
  spec.cwd = "/usr";
  EXPECT_EQ(run(spec).out, "/usr\n");
}

TEST(SystemProcessRunner, MissingProgramIsARuntimeErrorNamingIt) {
  ProcessSpec spec;
  spec.argv = {"multiarch-no-such-program"};
  try {
    run(spec);
    FAIL();
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("multiarch-no-such-program"), std::string::npos);
  }
}

TEST(SystemProcessRunner, SignalDeathIs128PlusSignal) {
  // timeout(1) from coreutils kills its child and then re-raises the signal on itself.
  ProcessSpec spec;
  spec.argv = {"timeout", "-s", "KILL", "0.1", "sleep", "5"};
  auto r = run(spec);
  EXPECT_EQ(r.exit_code, 128 + 9);
}

TEST(DisplayCommand, QuotesWhatAShellWouldSplit) {
  EXPECT_EQ(display_command({"go", "build", "-ldflags", "-s -w", "./cmd/x"}),
            "go build -ldflags '-s -w' ./cmd/x");
  EXPECT_EQ(display_command({"echo", "it's", ""}), "echo 'it'\\''s' ''");
}

TEST(FindExecutable, FindsOnPathAndRejectsMissing) {
  EXPECT_FALSE(find_executable("sh").empty());
  EXPECT_TRUE(find_executable("multiarch-no-such-program").empty());
  EXPECT_EQ(find_executable("/bin/sh"), "/bin/sh");
}

// BackgroundProcess: the same child start as the runner, output to a file, and a deadline.
TEST(BackgroundProcess, WritesOutputToTheLogAndReportsTheExitCode) {
  test::TempDir dir;
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"};
  BackgroundProcess process(spec, dir / "log");
  EXPECT_EQ(process.wait_for(std::chrono::seconds(10)), 3);
  EXPECT_EQ(process.poll(), 3);
  std::string log = read_file(dir / "log");
  EXPECT_NE(log.find("out\n"), std::string::npos);
  EXPECT_NE(log.find("err\n"), std::string::npos);
}

TEST(BackgroundProcess, StopTerminatesItsProcessGroup) {
  test::TempDir dir;
  ProcessSpec spec;
  // A child of the child: stop() must end both (one process group, its own session).
  spec.argv = {"sh", "-c", "sleep 30 & echo $! > " + (dir / "pid").string() + "; wait"};
  BackgroundProcess process(spec, dir / "log");
  EXPECT_FALSE(process.wait_for(std::chrono::milliseconds(200)).has_value());
  EXPECT_EQ(process.stop(std::chrono::seconds(5)), 128 + SIGTERM);
  std::string grandchild = read_file(dir / "pid");
  grandchild = grandchild.substr(0, grandchild.find('\n'));
  // Running or sleeping, not gone or a zombie waiting for init to reap it.
  auto alive = [&] {
    std::ifstream stat("/proc/" + grandchild + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    auto close = text.rfind(") ");
    return close != std::string::npos && text[close + 2] != 'Z';
  };
  for (int i = 0; i < 100 && alive(); ++i) ::usleep(10000);
  EXPECT_FALSE(alive()) << "the sleep outlived stop()";
}

TEST(BackgroundProcess, AMissingProgramIsARuntimeError) {
  test::TempDir dir;
  ProcessSpec spec;
  spec.argv = {"multiarch-no-such-program"};
  EXPECT_THROW(BackgroundProcess(spec, dir / "log"), RuntimeError);
}

}  // namespace
}  // namespace multiarch
