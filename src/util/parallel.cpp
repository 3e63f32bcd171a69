#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
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
  std::mutex mutex;
  std::exception_ptr failure;
  {
    std::vector<std::jthread> threads;
    threads.reserve(workers);
    for (size_t w = 0; w < workers; ++w)
      threads.emplace_back([&] {
        for (size_t i = next++; i < count; i = next++) {
          try {
            task(i);
          } catch (...) {
            std::lock_guard lock(mutex);
            if (!failure) failure = std::current_exception();
            next = count;  // start nothing more
          }
        }
      });
  }  // joined here
  if (failure) std::rethrow_exception(failure);
}

unsigned default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace multiarch
