// libFuzzer target: platform specs (--platform, PLATFORMS) (outside input). Built only with
// -DMULTIARCH_FUZZ=ON (clang; the `fuzz` preset); see fuzz/README.md. Expected errors are
// multiarch's exceptions; anything else (a crash, a sanitizer report, another exception type) is a
// finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/platform.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    static const multiarch::Platform host{"linux", "amd64", ""};
    auto platform = multiarch::parse_platform(input, host);
    // A parsed platform prints as a spec that parses back to itself.
    if (multiarch::parse_platform(platform.str(), host) != platform) __builtin_trap();
  } catch (const multiarch::InputError&) {
  } catch (const multiarch::RuntimeError&) {
  }
  return 0;
}
