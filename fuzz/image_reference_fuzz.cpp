// libFuzzer target: image references (--tag, --to) (outside input). Built only with
// -DMULTIARCH_FUZZ=ON (clang; the `fuzz` preset); see fuzz/README.md. Expected errors are
// multiarch's exceptions; anything else (a crash, a sanitizer report, another exception type) is a
// finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oci/image_reference.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    auto reference = multiarch::parse_image_reference(input);
    // The canonical form parses back to the same parts.
    auto again = multiarch::parse_image_reference(reference.str());
    if (again.str() != reference.str()) __builtin_trap();
  } catch (const multiarch::InputError&) {
  } catch (const multiarch::RuntimeError&) {
  }
  return 0;
}
