#pragma once
// The checks a prebuilt binary passes wherever it enters an image (`image assemble --binary`
// and --binaries-dir, the `buildx` build context): its executable header matches the
// platform, the CPU level Go compiled it for (GOARM, GOAMD64, GOARM64, GO386, GOPPC64,
// GORISCV64, GOMIPS, GOMIPS64: the build settings Go embeds) is no higher than the platform's
// variant guarantees, and whether it needs an ELF interpreter (dynamically linked).
// A GOARM=7 binary in a linux/arm/v6 image dies with SIGILL on an ARMv6 board.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "platform/platform.hpp"

namespace multiarch {

/// nullopt when the level recorded in `settings` (parse_go_build_settings) runs on every CPU
/// `platform` guarantees, or when no level is recorded (not a Go binary, Go < 1.18);
/// otherwise what was found and what the platform needs, e.g. "was built with GOARM=7, but
/// linux/arm/v6 guarantees only GOARM=6". Levels are ordered as Go documents them
/// (go help environment): GOARM 5<6<7, GOAMD64 v1<v2<v3<v4, GOARM64 v8.0<..<v8.9 with
/// v9.N at v8.(N+5), GO386 softfloat<sse2, GOPPC64 power8<power9<power10, GORISCV64
/// rva20u64<rva22u64<rva23u64, GOMIPS/GOMIPS64 softfloat<hardfloat.
std::optional<std::string> go_level_excess(const std::map<std::string, std::string>& settings,
                                           const Platform& platform);

struct CheckedBinary {
  std::string interpreter;  ///< ELF PT_INTERP ("/lib64/ld-linux-x86-64.so.2"); "" when static
};

/// Reads `binary` once and makes every check above. Throws InputError with one line naming
/// the file, what it is and what `platform` needs, and how to rebuild it.
CheckedBinary verify_binary_for(const std::filesystem::path& binary, const Platform& platform);

}  // namespace multiarch
