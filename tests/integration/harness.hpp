#pragma once
// Shared helpers for integration tests: they run the real multiarch binary and real tools.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "util/process.hpp"

namespace multiarch::test {

/// The built CLI and the source tree (compile definitions from tests/CMakeLists.txt).
std::filesystem::path multiarch_binary();
std::filesystem::path source_dir();
/// examples/monorepo in the source tree.
std::filesystem::path example_module();

/// Runs `multiarch ARGS...` capturing stdout and stderr.
ProcessResult run_multiarch(const std::vector<std::string>& args, const std::string& cwd = {},
                            const std::map<std::string, std::string>& env = {});
/// Runs any program by argv, capturing output.
ProcessResult run(const std::vector<std::string>& argv, const std::string& cwd = {},
                  const std::map<std::string, std::string>& env = {});

/// A server a fixture starts (docker-registry, buildkitd): argv[0] is an executable path,
/// stdin is /dev/null, stdout and stderr are appended to `log`. Returns its pid, or -1 with
/// `error` set.
pid_t start_background(const std::vector<std::string>& argv, const std::filesystem::path& log,
                       std::string& error);
/// SIGTERM, up to `grace` to exit, then SIGKILL; always reaped.
void stop_background(pid_t pid, std::chrono::milliseconds grace);
/// The whole text of a file; empty when it cannot be read (a log not written yet).
std::string read_whole_file(const std::filesystem::path& path);

// TempDir: tests/support/temp_dir.hpp (shared with the unit tests).

/// A component an integration test needs. When `executable` is missing the test FAILS with
/// `install_hint`, unless the documented opt-out variable `opt_out_env` is set to 1, in which
/// case it is skipped with a message naming the variable. Returns true when present.
bool require_tool(const std::string& executable, const std::string& install_hint,
                  const std::string& opt_out_env);

/// bubblewrap installed and able to make an unprivileged user namespace here (`image test`'s
/// sandbox): fails the test saying what is missing, or skips it with MULTIARCH_SKIP_SANDBOX=1.
bool require_sandbox();

}  // namespace multiarch::test

#define MULTIARCH_REQUIRE_TOOL(exe, hint, optout)                    \
  do {                                                               \
    if (!::multiarch::test::require_tool(exe, hint, optout)) return; \
  } while (0)
