// libFuzzer target: user Dockerfiles (RUN step scan) (outside input). Built only with
// -DMULTIARCH_FUZZ=ON (clang; the `fuzz` preset); see fuzz/README.md. Expected errors are
// multiarch's exceptions; anything else (a crash, a sanitizer report, another exception type) is a
// finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "buildx/dockerfile_scan.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    multiarch::dockerfile_has_run_steps(input);
  } catch (const multiarch::InputError&) {
  } catch (const multiarch::RuntimeError&) {
  }
  return 0;
}
