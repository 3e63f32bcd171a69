// Two `multiarch image assemble` runs into one layout (issue 17 item 8): the second waits for
// the first, saying which process holds the layout, and both succeed; and a killed run's
// temporaries are gone after the next run (item 7). Real multiarch processes, real files.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "harness.hpp"

namespace multiarch::test {
namespace {

namespace fs = std::filesystem;

/// An x86-64 ELF header followed by `size` random bytes: slow to compress at level 12.
void write_big_binary(const fs::path& path, size_t size) {
  std::string bytes(64, '\0');
  bytes.replace(0, 4,
                "\x7f"
                "ELF");
  bytes[4] = 2;
  bytes[5] = 1;
  bytes[6] = 1;
  bytes[16] = 2;
  bytes[18] = 62;
  std::mt19937_64 random(17);
  bytes.reserve(size);
  while (bytes.size() < size) {
    uint64_t word = random();
    bytes.append(reinterpret_cast<const char*>(&word), sizeof word);
  }
  std::ofstream(path, std::ios::binary) << bytes;
  fs::permissions(path, fs::perms::owner_all);
}

std::vector<std::string> assemble(const fs::path& binary, const fs::path& out) {
  return {multiarch_binary().string(),
          "image",
          "assemble",
          "--binary",
          "linux/amd64=" + binary.string(),
          "--output",
          out.string(),
          "--tag",
          "1.0",
          "--compression-level",
          "12",
          "--source-date-epoch",
          "0"};
}

/// Waits until the first run's log shows it past the lock (it is building its layer).
bool wait_for_building(const fs::path& log, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (read_whole_file(log).find("building layer") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

size_t temporaries_in(const fs::path& dir) {
  size_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    count += entry.path().filename().string().find(".tmp-") != std::string::npos;
  return count;
}

TEST(ImageConcurrent, ASecondAssembleIntoTheSameLayoutWaitsAndBothSucceed) {
  TempDir dir;
  write_big_binary(dir / "service", 48u << 20);
  std::string error;
  pid_t first = start_background(assemble(dir / "service", dir / "out"), dir / "first.log", error);
  ASSERT_GT(first, 0) << error;
  bool holding = wait_for_building(dir / "first.log", std::chrono::seconds(60));
  auto second = run(assemble(dir / "service", dir / "out"));
  int status = 0;
  ::waitpid(first, &status, 0);
  ASSERT_TRUE(holding) << read_whole_file(dir / "first.log");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_whole_file(dir / "first.log");
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("is in use by process " + std::to_string(first)), std::string::npos)
      << second.err;
  EXPECT_EQ(temporaries_in(dir / "out"), 0u);
}

TEST(ImageConcurrent, WhatAKilledAssembleLeftIsGoneAfterTheNextRun) {
  TempDir dir;
  write_big_binary(dir / "service", 48u << 20);
  auto small = dir / "small";
  write_big_binary(small, 4096);
  // A first, complete layout; then a run killed while it streams its layer blob.
  ASSERT_EQ(run(assemble(small, dir / "out")).exit_code, 0);
  std::string error;
  pid_t killed =
      start_background(assemble(dir / "service", dir / "out"), dir / "killed.log", error);
  ASSERT_GT(killed, 0) << error;
  bool streaming = false;
  for (int i = 0; i < 6000 && !streaming; ++i) {
    streaming = temporaries_in(dir / "out" / "blobs") > 0;
    if (!streaming) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(killed, SIGKILL);
  int status = 0;
  ::waitpid(killed, &status, 0);
  ASSERT_TRUE(streaming) << "never saw the blob being written: "
                         << read_whole_file(dir / "killed.log");
  ASSERT_GT(temporaries_in(dir / "out"), 0u);
  // The next run (unchanged inputs: nothing new to write) still clears it.
  auto next = run(assemble(small, dir / "out"));
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(temporaries_in(dir / "out"), 0u) << next.err;
  EXPECT_NE(next.err.find("files no image in"), std::string::npos) << next.err;
}

}  // namespace
}  // namespace multiarch::test
