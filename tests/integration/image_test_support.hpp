#pragma once
// Shared by the image_*_test.cpp integration tests: the example services cross-compiled
// once per build tree (by the real `multiarch go-build`), reused by every test process while
// the example's sources and the Go toolchain are unchanged; and small layout helpers.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness.hpp"
#include "util/digest.hpp"
#include "util/fs.hpp"

namespace multiarch::test {

/// The platforms the image tests build: one of each executable family docker can run here.
inline const std::vector<std::string>& image_test_platforms() {
  static const std::vector<std::string> platforms = {"linux/amd64", "linux/arm64", "linux/arm/v7"};
  return platforms;
}

/// A key over the example module's files and `go version`: binaries are rebuilt when either
/// changes.
inline std::string example_binaries_key() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(example_module()))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  Sha256 hash;
  for (const auto& file : files) {
    auto relative = std::filesystem::relative(file, example_module()).string();
    if (relative.rfind("build", 0) == 0 || relative.rfind("out", 0) == 0) continue;
    hash.update(relative);
    hash.update(sha256_file_hex(file));
  }
  hash.update(run({"go", "version"}).out);
  return hash.hex_digest().substr(0, 16);
}

/// `multiarch go-build` output (DIR/<slug>/<service>) of the example's `services` for
/// `platforms`, built with --version test once per build tree under test-data/`set` and
/// shared by every test process. Fails the test (returns "") when the build fails.
inline std::filesystem::path example_binaries(
    const std::string& set = "image-example-binaries",
    const std::vector<std::string>& platforms = image_test_platforms(),
    const std::vector<std::string>& services = {"user", "order"}) {
  auto root = multiarch_binary().parent_path() / "test-data" / set;
  std::filesystem::create_directories(root);
  // One builder at a time across test processes (ctest -j).
  int lock = ::open((root / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ::flock(lock, LOCK_EX);
  struct Unlock {
    int fd;
    ~Unlock() {
      ::flock(fd, LOCK_UN);
      ::close(fd);
    }
  } unlock{lock};

  std::string platform_list;
  for (const auto& p : platforms) platform_list += (platform_list.empty() ? "" : ",") + p;
  std::string service_list;
  for (const auto& s : services) service_list += "," + s;
  auto dir =
      root / (example_binaries_key() + "-" + sha256_hex(platform_list + service_list).substr(0, 8));
  if (std::filesystem::exists(dir / "complete")) return dir;
  // Binaries of older sources are not needed any more.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec))
    if (entry.is_directory()) std::filesystem::remove_all(entry.path(), ec);
  for (const std::string& service : services) {
    auto result =
        run_multiarch({"go-build", "--module-dir", example_module().string(), "--package",
                       "./application/" + service + "/cmd/" + service, "--platform", platform_list,
                       "--output-dir", dir.string(), "--version", "test", "-q"});
    if (!result.ok()) {
      ADD_FAILURE() << "multiarch go-build " << service << " failed: " << result.err;
      return {};
    }
  }
  atomic_write_file(dir / "complete", "");
  return dir;
}

/// Every file under `dir` (relative path -> sha256 of its content): a layout's whole state.
inline std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file())
      files[std::filesystem::relative(entry.path(), dir).string()] = sha256_file_hex(entry.path());
  return files;
}

/// index.json's first entry (the image index multiarch writes) as JSON.
inline nlohmann::json index_entry(const std::filesystem::path& layout) {
  auto index = nlohmann::json::parse(read_file(layout / "index.json"));
  return index["manifests"][0];
}

inline nlohmann::json read_blob_json(const std::filesystem::path& layout,
                                     const std::string& digest) {
  return nlohmann::json::parse(read_file(layout / "blobs" / "sha256" / digest.substr(7)));
}

/// Fails the test unless the tool exists (opt-out: MULTIARCH_SKIP_IMAGE_TOOLS=1).
#define MULTIARCH_REQUIRE_IMAGE_TOOL(exe, package) \
  MULTIARCH_REQUIRE_TOOL(exe, "apt-get install " package, "MULTIARCH_SKIP_IMAGE_TOOLS")

}  // namespace multiarch::test
