#include "buildkitd.hpp"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

namespace multiarch::test {
namespace {

constexpr const char* kInstallHint =
    "run scripts/install-buildx (builds the pinned docker buildx plugin and buildkitd with the "
    "host's Go)";

bool opted_out(const char* variable) {
  const char* value = std::getenv(variable);
  return value && std::string(value) == "1";
}

std::string tools_dir() {
  if (const char* dir = std::getenv("MULTIARCH_TOOLS_DIR"); dir && *dir) return dir;
  std::string data;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    data = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home)
    data = std::string(home) + "/.local/share";
  return data.empty() ? "" : data + "/multiarch/tools";
}

}  // namespace

std::string buildkitd_executable() {
  if (const char* explicit_path = std::getenv("MULTIARCH_BUILDKITD");
      explicit_path && *explicit_path)
    return find_executable(explicit_path);
  if (auto found = find_executable("buildkitd"); !found.empty()) return found;
  auto dir = tools_dir();
  return dir.empty() ? "" : find_executable(dir + "/bin/buildkitd");
}

bool require_buildx_tools(bool need_buildkitd) {
  if (opted_out("MULTIARCH_SKIP_DOCKER")) {
    GTEST_MESSAGE_AT_(__FILE__, __LINE__, "MULTIARCH_SKIP_DOCKER=1: no Docker tests",
                      ::testing::TestPartResult::kSkip);
    return false;
  }
  if (!require_tool("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER")) return false;
  std::string missing;
  if (!run({"docker", "buildx", "version"}).ok()) missing = "the docker buildx plugin";
  if (missing.empty() && need_buildkitd && buildkitd_executable().empty()) missing = "buildkitd";
  if (missing.empty()) return true;
  if (opted_out("MULTIARCH_SKIP_BUILDX")) {
    std::string why = missing + " is missing and MULTIARCH_SKIP_BUILDX=1 opts out";
    GTEST_MESSAGE_AT_(__FILE__, __LINE__, why.c_str(), ::testing::TestPartResult::kSkip);
  } else {
    ADD_FAILURE() << missing << " is required by this test and was not found: " << kInstallHint
                  << " (or set MULTIARCH_SKIP_BUILDX=1 to skip these tests explicitly)";
  }
  return false;
}

BuildkitBuilder::~BuildkitBuilder() { stop(); }

::testing::AssertionResult BuildkitBuilder::start() {
  std::string executable = buildkitd_executable();
  if (executable.empty())
    return ::testing::AssertionFailure() << "buildkitd is not installed: " << kInstallHint;
  stop();
  dir_ = std::make_unique<TempDir>();
  auto socket = dir_->path() / "buildkitd.sock";
  std::random_device random;
  name_ = "multiarch-test-" + std::to_string(getpid()) + "-" + std::to_string(random() % 100000);

  // The OCI worker with runc (Debian's), its state in our folder; the auto snapshotter picks
  // overlayfs where the kernel allows it, else native.
  std::vector<std::string> args = {executable,
                                   "--addr",
                                   "unix://" + socket.string(),
                                   "--root",
                                   (dir_->path() / "root").string(),
                                   "--oci-worker=true",
                                   "--containerd-worker=false"};
  if (const char* snapshotter = std::getenv("MULTIARCH_BUILDKITD_SNAPSHOTTER");
      snapshotter && *snapshotter)
    args.push_back(std::string("--oci-worker-snapshotter=") + snapshotter);
  std::string error;
  pid_ = start_background(args, dir_->path() / "buildkitd.log", error);
  if (pid_ < 0) return ::testing::AssertionFailure() << error;

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!std::filesystem::exists(socket)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != 0) {
      pid_ = -1;
      return ::testing::AssertionFailure() << "buildkitd exited; its log:\n" << log();
    }
    if (std::chrono::steady_clock::now() > deadline)
      return ::testing::AssertionFailure()
             << "buildkitd did not create " << socket << "; its log:\n"
             << log();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto created = run({"docker", "buildx", "create", "--name", name_, "--driver", "remote",
                      "unix://" + socket.string()});
  if (!created.ok())
    return ::testing::AssertionFailure() << "docker buildx create failed: " << created.err;
  created_ = true;
  ProcessResult bootstrap;
  while (std::chrono::steady_clock::now() < deadline) {
    bootstrap = run({"docker", "buildx", "inspect", "--bootstrap", name_});
    if (bootstrap.ok() && bootstrap.out.find("Status:           running") != std::string::npos)
      return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return ::testing::AssertionFailure()
         << "builder " << name_ << " did not become ready: " << bootstrap.out << bootstrap.err
         << "\nbuildkitd log:\n"
         << log();
}

void BuildkitBuilder::stop() {
  if (created_) {
    run({"docker", "buildx", "rm", name_});
    created_ = false;
  }
  stop_background(pid_, std::chrono::seconds(10));
  pid_ = -1;
  dir_.reset();
}

std::string BuildkitBuilder::log() const {
  return dir_ ? read_whole_file(dir_->path() / "buildkitd.log") : std::string();
}

}  // namespace multiarch::test
