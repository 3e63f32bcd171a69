#pragma once
// Platform specifiers as containerd and BuildKit read them: parsing, normalization,
// presets and the values BuildKit derives from them (TARGET* args, slugs).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace multiarch {

/// A normalized OCI platform. Construct through parse_platform().
struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;  ///< empty when none (defaults such as amd64/v1 are dropped)

  /// "os/arch[/variant]".
  std::string str() const;
  /// File-name safe: "linux_arm_v7" (BuildKit's local exporter naming).
  std::string slug() const;
  /// ".exe" on windows, else empty.
  std::string binary_suffix() const;
  /// "os/arch[/variant] slug[ suffix]": one line of `platform normalize --slugs`, which the
  /// CMake module reads so that it names binaries and targets as the helper does.
  std::string slug_line() const;
  /// TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT as BuildKit sets them.
  std::vector<std::pair<std::string, std::string>> build_args() const;

  friend bool operator==(const Platform&, const Platform&) = default;
};

/// The platform of the machine we run on, from uname(2).
Platform host_platform();
/// The same derivation from uname's sysname and machine strings (injectable for tests).
Platform platform_from_uname(std::string_view sysname, std::string_view machine);

/// Parses and normalizes one specifier ("linux/arm/v7", "armhf", "aarch64", "linux").
/// `host` answers the bare-OS case. Throws InputError naming the spec and the problem.
Platform parse_platform(std::string_view spec, const Platform& host);

/// Expands specs that may be comma lists or preset names, normalizes each, and drops
/// duplicates keeping the first occurrence. Throws InputError on the first bad entry.
std::vector<Platform> parse_platform_list(const std::vector<std::string>& specs,
                                          const Platform& host);

/// What `multiarch platform normalize SPEC...` prints, for the CLI and for the CMake bootstrap
/// (cmake/bootstrap, which compiles this file alone): every comma item of every spec parsed on
/// its own, so one bad item is reported while the others are still normalized; duplicates
/// dropped keeping the first. `errors` holds one message per bad item (InputError's text).
struct NormalizedPlatforms {
  std::vector<Platform> platforms;
  std::vector<std::string> errors;
};
NormalizedPlatforms normalize_platform_specs(const std::vector<std::string>& specs,
                                             const Platform& host);

struct PlatformPreset {
  std::string name;
  std::string description;
  std::vector<std::string> platforms;
};
/// Named platform sets accepted wherever a spec is ("common", "all-arm", "all").
const std::vector<PlatformPreset>& platform_presets();

/// The platforms multiarch knows how to map to Go, in display order: linux with every
/// architecture and variant parse_platform() accepts (from the same table), then windows,
/// darwin and freebsd on amd64 and arm64. `platform list`, completion and doctor read it.
const std::vector<std::string>& known_platforms();

bool is_known_os(std::string_view os);
bool is_known_architecture(std::string_view arch);

}  // namespace multiarch
