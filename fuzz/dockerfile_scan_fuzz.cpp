// libFuzzer target: user Dockerfiles (the RUN step scan, the COPY/ADD source list and ARG
// expansion of each source) (outside input). Built only with
// -DMULTIARCH_FUZZ=ON (clang; the `fuzz` preset); see fuzz/README.md. Expected errors are
// multiarch's exceptions; anything else (a crash, a sanitizer report, another exception type) is a
// finding.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "buildx/context_sources.hpp"
#include "buildx/dockerfile_scan.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    multiarch::dockerfile_has_run_steps(input);
    const std::map<std::string, std::string> args = {
        {"TARGETOS", "linux"}, {"TARGETARCH", "arm"}, {"TARGETVARIANT", "v7"}};
    for (const auto& source : multiarch::dockerfile_context_sources(input))
      multiarch::expand_dockerfile_args(source.source, args);
  } catch (const multiarch::InputError&) {
  } catch (const multiarch::RuntimeError&) {
  }
  return 0;
}
