#pragma once
// A real multi-platform BuildKit builder for integration tests: the pinned buildkitd (built by
// scripts/install-buildx) started as root on a unix socket in a TempDir with its own state, and
// attached to docker as `docker buildx create --driver remote unix://...` under a unique name.
// The destructor removes the builder and stops the daemon.
//
//   multiarch::test::BuildkitBuilder builder;
//   ASSERT_TRUE(builder.start());
//   multiarch buildx --builder builder.name() ...
//
// The remote builder packages prebuilt binaries for every platform without emulation; a RUN
// step of a foreign platform would need binfmt_misc handlers with the F flag.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <memory>
#include <string>

#include "harness.hpp"

namespace multiarch::test {

/// buildkitd to run: $MULTIARCH_BUILDKITD, else on PATH, else in scripts/install-buildx's
/// tools folder ($MULTIARCH_TOOLS_DIR or ${XDG_DATA_HOME:-~/.local/share}/multiarch/tools).
/// "" when none exists.
std::string buildkitd_executable();

/// The docker buildx plugin and buildkitd are installed. Otherwise FAILS the test with
/// "run scripts/install-buildx", unless MULTIARCH_SKIP_BUILDX=1 (then skips). Also honours
/// MULTIARCH_SKIP_DOCKER=1.
bool require_buildx_tools(bool need_buildkitd);

#define MULTIARCH_REQUIRE_BUILDX(need_buildkitd)                          \
  do {                                                                    \
    if (!::multiarch::test::require_buildx_tools(need_buildkitd)) return; \
  } while (0)

class BuildkitBuilder {
 public:
  BuildkitBuilder() = default;
  ~BuildkitBuilder();
  BuildkitBuilder(const BuildkitBuilder&) = delete;
  BuildkitBuilder& operator=(const BuildkitBuilder&) = delete;

  /// Starts buildkitd and creates the builder; fails (never throws) with the daemon's log.
  ::testing::AssertionResult start();
  void stop();

  /// The buildx builder name ("multiarch-test-<pid>-<n>").
  const std::string& name() const { return name_; }
  std::string log() const;

 private:
  std::unique_ptr<TempDir> dir_;
  pid_t pid_ = -1;
  std::string name_;
  bool created_ = false;
};

}  // namespace multiarch::test
