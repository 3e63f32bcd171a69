#include "harness.hpp"

#include <unistd.h>

#include <cstdlib>
#include <random>

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

TempDir::TempDir() {
  std::random_device random;
  auto base = std::filesystem::temp_directory_path();
  const char* tmp = std::getenv("MULTIARCH_TEST_TMPDIR");
  if (tmp && *tmp) base = tmp;
  path_ = base / ("multiarch-test-" + std::to_string(getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  if (std::getenv("MULTIARCH_KEEP_TEST_DIRS")) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
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

}  // namespace multiarch::test
