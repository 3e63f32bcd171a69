// libFuzzer target: OCI JSON: image index and manifest (outside input). Built only with
// -DMULTIARCH_FUZZ=ON (clang; the `fuzz` preset); see fuzz/README.md. Expected errors are
// multiarch's exceptions; anything else (a crash, a sanitizer report, another exception type) is a
// finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oci/oci_descriptor.hpp"
#include "oci/oci_manifest.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    try {
      multiarch::parse_index(input, "fuzz index");
    } catch (const multiarch::RuntimeError&) {
    } catch (const multiarch::InputError&) {
    }
    multiarch::parse_manifest(input, "fuzz manifest");
  } catch (const multiarch::InputError&) {
  } catch (const multiarch::RuntimeError&) {
  }
  return 0;
}
