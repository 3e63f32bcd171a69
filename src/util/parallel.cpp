#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace multiarch {

void run_in_parallel(size_t count, unsigned jobs, const std::function<void(size_t)>& task) {
  size_t workers = std::min<size_t>(count, std::max(jobs, 1u));
  if (workers <= 1) {
    for (size_t i = 0; i < count; ++i) task(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::jthread> threads;
  threads.reserve(workers);
  for (size_t w = 0; w < workers; ++w)
    threads.emplace_back([&] {
      for (size_t i = next++; i < count; i = next++) task(i);
    });
}

}  // namespace multiarch
