#pragma once
// A fresh directory for one test, removed at its end: unit and integration tests alike.
// $MULTIARCH_TEST_TMPDIR moves it (default: the system temp folder); MULTIARCH_KEEP_TEST_DIRS=1
// keeps it for a post-mortem.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

namespace multiarch::test {

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    auto base = std::filesystem::temp_directory_path();
    const char* tmp = std::getenv("MULTIARCH_TEST_TMPDIR");
    if (tmp && *tmp) base = tmp;
    path_ = base / ("multiarch-test-" + std::to_string(getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    if (std::getenv("MULTIARCH_KEEP_TEST_DIRS")) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace multiarch::test
