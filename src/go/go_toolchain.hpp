#pragma once
// Asks the installed `go` what it is and what it can build for.
#include <string>

#include "go/go_env.hpp"
#include "util/process.hpp"

namespace multiarch {

/// Runs `go env GOVERSION GOROOT` and `go tool dist list`. Throws RuntimeError with an
/// install hint when `go` is missing or fails.
GoToolchainInfo query_go_toolchain(ProcessRunner& runner, const std::string& go = "go");

}  // namespace multiarch
