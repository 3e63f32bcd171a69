#pragma once
// Shared by the go_build_*_test.cpp integration tests: the real go, QEMU through binfmt_misc,
// file helpers and `go` wrapper scripts (test fixtures that count or slow down go calls).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "go/go_build_settings.hpp"
#include "harness.hpp"
#include "util/process.hpp"

namespace multiarch::test {

/// The go on PATH, or Go's default install location; empty (test failed) when neither.
inline std::string real_go() {
  std::string go = find_executable("go");
  if (go.empty() && std::filesystem::exists("/usr/local/go/bin/go")) go = "/usr/local/go/bin/go";
  if (go.empty())
    ADD_FAILURE() << "'go' is required by this test and was not found: install Go 1.23 or newer "
                     "and put it on PATH";
  return go;
}

/// PATH with the real go's directory appended, for processes the test starts.
inline std::string path_with_go(const std::string& first = {}) {
  const char* path = std::getenv("PATH");
  std::string result = first.empty() ? "" : first + ":";
  result += path ? path : "/usr/bin:/bin";
  std::string go = real_go();
  if (!go.empty()) result += ":" + std::filesystem::path(go).parent_path().string();
  return result;
}

inline void write_text(const std::filesystem::path& path, const std::string& content,
                       bool executable = false) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  if (executable) ::chmod(path.c_str(), 0755);
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

/// Copies examples/monorepo to `destination` (tests that touch or break files work on a copy).
inline void copy_example(const std::filesystem::path& destination) {
  std::filesystem::create_directories(destination);
  for (const char* part : {"go.mod", "application", "internal"})
    std::filesystem::copy(example_module() / part, destination / part,
                          std::filesystem::copy_options::recursive);
}

/// A `go` wrapper script: appends its arguments as one line to `log`, runs `before` (shell
/// text), then execs the real go. A test fixture, written into the test's own folder.
inline std::filesystem::path write_go_wrapper(const std::filesystem::path& dir,
                                              const std::filesystem::path& log,
                                              const std::string& before = {}) {
  auto quote = [](const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  auto wrapper = dir / "go";
  write_text(wrapper,
             "#!/bin/sh\n"
             "echo \"$*\" >> " +
                 quote(log.string()) + "\n" + before + "\n" + "exec " + quote(real_go()) +
                 " \"$@\"\n",
             true);
  return wrapper;
}

/// The lines of a wrapper log that start with `prefix` and contain every one of `needles`.
inline size_t count_lines(const std::filesystem::path& log, const std::vector<std::string>& needles,
                          const std::string& prefix = {}) {
  std::istringstream in(read_text(log));
  size_t count = 0;
  for (std::string line; std::getline(in, line);) {
    bool all = line.rfind(prefix, 0) == 0;
    for (const auto& needle : needles) all = all && line.find(needle) != std::string::npos;
    count += all;
  }
  return count;
}

/// `go version -m BINARY` build settings, read by the real go.
inline std::map<std::string, std::string> go_settings(const std::filesystem::path& binary) {
  auto result = run({real_go(), "version", "-m", binary.string()});
  EXPECT_TRUE(result.ok()) << result.err;
  return parse_go_build_settings(result.out);
}

/// QEMU user emulation for `qemu_arch` registered with binfmt_misc; fails the test (or skips
/// with MULTIARCH_SKIP_QEMU=1) when not.
inline bool require_binfmt(const std::string& qemu_arch) {
  if (!require_tool("qemu-" + qemu_arch + "-static", "apt-get install qemu-user-static",
                    "MULTIARCH_SKIP_QEMU"))
    return false;
  auto handler = std::filesystem::path("/proc/sys/fs/binfmt_misc") / ("qemu-" + qemu_arch);
  if (read_text(handler).rfind("enabled", 0) == 0) return true;
  const char* opt_out = std::getenv("MULTIARCH_SKIP_QEMU");
  if (opt_out && std::string(opt_out) == "1") {
    GTEST_MESSAGE_AT_(__FILE__, __LINE__,
                      "binfmt_misc has no QEMU handler and MULTIARCH_SKIP_QEMU=1",
                      ::testing::TestPartResult::kSkip);
  } else {
    ADD_FAILURE() << handler.string()
                  << " is not enabled: run scripts/setup-test-env (mounts binfmt_misc and "
                     "enables Debian's qemu-user-static handlers), or set MULTIARCH_SKIP_QEMU=1";
  }
  return false;
}

/// True when this CPU has what GOAMD64=v3 code needs (AVX2, BMI2, FMA, MOVBE...).
inline bool host_runs_amd64_v3() {
  std::string cpuinfo = read_text("/proc/cpuinfo");
  for (const char* flag : {" avx2", " bmi1", " bmi2", " fma", " movbe", " f16c", " abm"})
    if (cpuinfo.find(flag) == std::string::npos) return false;
  return true;
}

}  // namespace multiarch::test
