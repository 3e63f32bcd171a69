// run_in_parallel: every task runs once, never more than `jobs` at a time; errors come back.
#include "util/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace multiarch {
namespace {

TEST(RunInParallel, RunsEveryTaskOnceWithinTheJobLimit) {
  for (unsigned jobs : {0u, 1u, 2u, 3u, 16u}) {
    std::vector<std::atomic<int>> runs(10);
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    run_in_parallel(runs.size(), jobs, [&](size_t i) {
      int now = ++running;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      ++runs[i];
      --running;
    });
    for (auto& count : runs) EXPECT_EQ(count.load(), 1);
    EXPECT_LE(peak.load(), static_cast<int>(std::max(jobs, 1u))) << "jobs " << jobs;
  }
}

TEST(RunInParallel, NothingToDoReturnsAtOnce) {
  bool called = false;
  run_in_parallel(0, 4, [&](size_t) { called = true; });
  EXPECT_FALSE(called);
}

TEST(RunInParallel, TheFirstErrorComesBackAndStopsNewTasks) {
  for (unsigned jobs : {1u, 3u}) {
    std::atomic<int> started{0};
    try {
      run_in_parallel(100, jobs, [&](size_t i) {
        ++started;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (i == 2) throw std::runtime_error("task 2 failed");
      });
      ADD_FAILURE() << "no exception with jobs " << jobs;
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "task 2 failed");
    }
    EXPECT_LT(started.load(), 100) << "tasks kept starting after the failure, jobs " << jobs;
  }
}

TEST(DefaultJobs, AtLeastOne) { EXPECT_GE(default_jobs(), 1u); }

}  // namespace
}  // namespace multiarch
