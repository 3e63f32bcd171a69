#pragma once
// Runs N independent tasks on at most `jobs` threads (each task usually waits on a child
// process, so threads are cheap and the child does the CPU work).
#include <cstddef>
#include <functional>

namespace multiarch {

/// Calls task(i) for i in [0, count) with at most `jobs` running at once (jobs 0 means 1);
/// returns when all are done. Tasks are started in index order. A task must not throw.
void run_in_parallel(size_t count, unsigned jobs, const std::function<void(size_t)>& task);

}  // namespace multiarch
