#pragma once
// The one thread pool: N independent tasks on at most `jobs` threads (go-build's platforms,
// each waiting on a child process; the image assembler's platforms, each compressing a layer).
#include <cstddef>
#include <functional>

namespace multiarch {

/// Calls task(i) for i in [0, count) with at most `jobs` running at once (jobs 0 means 1);
/// returns when all are done. Tasks are started in index order. When a task throws, no
/// further task starts; the ones running finish, then the first exception is rethrown here.
void run_in_parallel(size_t count, unsigned jobs, const std::function<void(size_t)>& task);

/// The default of every --jobs and thread count: the cores std::thread reports, at least 1.
unsigned default_jobs();

}  // namespace multiarch
