// libFuzzer target: Go build info embedded in executables, and go version -m output (outside
// input). Built only with -DMULTIARCH_FUZZ=ON (clang; the `fuzz` preset); see fuzz/README.md.
// Expected errors are multiarch's exceptions; anything else (a crash, a sanitizer report, another
// exception type) is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "go/go_build_settings.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    multiarch::find_go_build_info(input);
    multiarch::parse_go_build_settings(input);
  } catch (const multiarch::InputError&) {
  } catch (const multiarch::RuntimeError&) {
  }
  return 0;
}
