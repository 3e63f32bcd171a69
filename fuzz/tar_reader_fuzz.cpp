// libFuzzer target: tar archives (docker save output, base image layers) (outside input). Built
// only with -DMULTIARCH_FUZZ=ON (clang; the `fuzz` preset); see fuzz/README.md. Expected errors are
// multiarch's exceptions; anything else (a crash, a sanitizer report, another exception type) is a
// finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oci/tar_reader.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    auto files = multiarch::read_tar_files(input);
    for (const auto& [name, bytes] : files)
      if (bytes.data() < input.data() || bytes.data() + bytes.size() > input.data() + input.size())
        __builtin_trap();  // views must stay inside the archive
  } catch (const multiarch::InputError&) {
  } catch (const multiarch::RuntimeError&) {
  }
  return 0;
}
