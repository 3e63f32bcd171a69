// libFuzzer target: Go build info embedded in executables, go version -m output, and the module
// lines and go.sum hashes the SBOM reads from it (outside input). Built only with
// -DMULTIARCH_FUZZ=ON (clang; the `fuzz` preset); see fuzz/README.md. Expected errors are
// multiarch's exceptions; anything else (a crash, a sanitizer report, another exception type) is a
// finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "go/go_build_settings.hpp"
#include "go/go_module_info.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    if (auto info = multiarch::find_go_build_info(input))
      multiarch::parse_go_module_info(info->go_version, info->module_info);
    multiarch::parse_go_build_settings(input);
    // The module lines the SBOM is made of, and go.sum hashes.
    multiarch::parse_go_module_info("go1.26.8", input);
    multiarch::go_sum_sha256_hex(input);
  } catch (const multiarch::InputError&) {
  } catch (const multiarch::RuntimeError&) {
  }
  return 0;
}
