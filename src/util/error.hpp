#pragma once
// Errors the CLI turns into one line on stderr and an exit code.
#include <stdexcept>
#include <string>

namespace multiarch {

/// Bad input from the user (a spec, a flag, a path): exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Something failed while doing the work (a build, a tool, the disk): exit code 1.
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int kExitRuntime = 1;
inline constexpr int kExitInput = 2;

}  // namespace multiarch
