#include "platform/platform.hpp"

#include <fmt/format.h>
#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "util/error.hpp"

namespace multiarch {
namespace {

// go/build's lists (internal/syslist): past, present and future values, so "x_wasip1.go" is
// recognised by go-build's file-name matching even where no platform builds it. The only copy.
constexpr std::array<std::string_view, 18> kKnownOs = {
    "aix",   "android", "darwin", "dragonfly", "freebsd", "hurd",    "illumos", "ios",     "js",
    "linux", "nacl",    "netbsd", "openbsd",   "plan9",   "solaris", "wasip1",  "windows", "zos"};

constexpr std::array<std::string_view, 24> kKnownArch = {
    "386",     "amd64",   "amd64p32", "arm",    "armbe",  "arm64",    "arm64be",   "ppc64",
    "ppc64le", "loong64", "mips",     "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le",
    "ppc",     "riscv",   "riscv64",  "s390",   "s390x",  "sparc",    "sparc64",   "wasm"};

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string normalize_os(std::string os) {
  if (os == "macos") return "darwin";
  return os;
}

[[noreturn]] void fail(std::string_view spec, std::string_view why) {
  throw InputError(fmt::format("invalid platform \"{}\": {}", spec, why));
}

bool is_spec_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// The variants each architecture takes, as normalization writes them ("" is the architecture
// alone; arm is never alone, it means arm/v7): what parse_platform() accepts after the
// spelling rules below, and what known_platforms() lists. The one list of them.
struct ArchitectureVariants {
  std::string_view architecture;
  std::vector<std::string_view> variants;
};
const std::vector<ArchitectureVariants>& architecture_variants() {
  static const std::vector<ArchitectureVariants> table = {
      {"amd64", {"", "v2", "v3", "v4"}},
      {"arm64",
       {"", "v8.1", "v8.2", "v8.3", "v8.4", "v8.5", "v8.6", "v8.7", "v8.8", "v8.9", "v9", "v9.1",
        "v9.2", "v9.3", "v9.4", "v9.5"}},
      {"arm", {"v5", "v6", "v7", "v8"}},
      {"386", {"", "softfloat"}},
      {"ppc64le", {"", "power9", "power10"}},
      {"ppc64", {"", "power9", "power10"}},
      {"s390x", {""}},
      {"riscv64", {"", "rva22u64", "rva23u64"}},
      {"loong64", {""}},
      {"mips", {"", "softfloat"}},
      {"mipsle", {"", "softfloat"}},
      {"mips64", {"", "softfloat"}},
      {"mips64le", {"", "softfloat"}},
  };
  return table;
}

// Whether `arch` takes `variant` (normalized): the table's word, or for an architecture it
// does not hold, no variant.
bool takes_variant(std::string_view arch, std::string_view variant) {
  for (const auto& row : architecture_variants())
    if (row.architecture == arch)
      return std::find(row.variants.begin(), row.variants.end(), variant) != row.variants.end();
  return variant.empty();
}

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// arm64 variants: "8", "v8", "v8.2", "9.1" -> {major, minor}; nullopt for anything else.
std::optional<std::pair<int, int>> parse_arm64_variant(std::string_view text) {
  if (!text.empty() && text.front() == 'v') text.remove_prefix(1);
  if (text.empty() || (text[0] != '8' && text[0] != '9')) return std::nullopt;
  int major = text[0] - '0';
  text.remove_prefix(1);
  if (text.empty()) return std::pair{major, 0};
  if (text[0] != '.' || !is_digits(text.substr(1)) || text.size() > 4) return std::nullopt;
  return std::pair{major, std::stoi(std::string(text.substr(1)))};
}

// containerd's normalizeArch, plus the uname/Debian spellings multiarch accepts as aliases,
// plus validation of the variants each architecture can take.
std::pair<std::string, std::string> normalize_arch(std::string_view spec, std::string arch,
                                                   std::string variant) {
  if (arch == "i386" || arch == "i686") {
    arch = "386";
  } else if (arch == "x86_64" || arch == "x86-64") {
    arch = "amd64";
  } else if (arch == "aarch64") {
    arch = "arm64";
  } else if (arch == "ppc64el") {
    arch = "ppc64le";
  } else if (arch == "armhf" || arch == "armel" || arch == "armv7l" || arch == "armv6l" ||
             arch == "armv5l") {
    static const std::pair<std::string_view, std::string_view> kArmAliases[] = {
        {"armhf", "v7"}, {"armel", "v6"}, {"armv7l", "v7"}, {"armv6l", "v6"}, {"armv5l", "v5"}};
    std::string implied;
    for (auto [alias, v] : kArmAliases)
      if (arch == alias) implied = v;
    if (!variant.empty() && variant != implied && variant != implied.substr(1))
      fail(spec, fmt::format("\"{}\" already means arm/{}; drop the variant \"{}\"", arch, implied,
                             variant));
    arch = "arm";
    variant = implied;
  }

  if (arch == "amd64") {
    if (variant == "v1") variant.clear();
    if (!takes_variant(arch, variant))
      fail(spec,
           fmt::format("amd64 takes the variants v1, v2, v3 or v4 (GOAMD64), not \"{}\"", variant));
  } else if (arch == "arm") {
    if (variant.empty()) variant = "v7";
    if (variant.size() == 1 && variant[0] >= '5' && variant[0] <= '8') variant = "v" + variant;
    if (!takes_variant(arch, variant))
      fail(spec,
           fmt::format("arm takes the variants v5, v6, v7 or v8 (GOARM), not \"{}\"", variant));
  } else if (arch == "arm64") {
    if (!variant.empty()) {
      auto level = parse_arm64_variant(variant);
      if (!level)
        fail(spec, fmt::format("arm64 takes the variants v8, v8.1..v8.9, v9, v9.1..v9.5 "
                               "(GOARM64), not \"{}\"",
                               variant));
      auto [major, minor] = *level;
      std::string normalized = major == 8 && minor == 0 ? ""
                               : minor == 0             ? fmt::format("v{}", major)
                                                        : fmt::format("v{}.{}", major, minor);
      if (!takes_variant(arch, normalized))
        fail(spec,
             fmt::format("arm64 variant \"{}\" is beyond what Go supports (v8.9, v9.5)", variant));
      variant = normalized;
    }
  } else if (arch == "386") {
    if (variant == "sse2") variant.clear();
    if (!takes_variant(arch, variant))
      fail(spec,
           fmt::format("386 takes the variants sse2 or softfloat (GO386), not \"{}\"", variant));
  } else if (arch == "mips" || arch == "mipsle" || arch == "mips64" || arch == "mips64le") {
    if (variant == "hardfloat") variant.clear();
    if (!takes_variant(arch, variant))
      fail(spec,
           fmt::format("{} takes the variants hardfloat or softfloat, not \"{}\"", arch, variant));
  } else if (arch == "ppc64" || arch == "ppc64le") {
    if (variant == "power8") variant.clear();
    if (!takes_variant(arch, variant))
      fail(spec,
           fmt::format("{} takes the variants power8, power9 or power10 (GOPPC64), not \"{}\"",
                       arch, variant));
  } else if (arch == "riscv64") {
    if (variant == "rva20u64") variant.clear();
    if (!takes_variant(arch, variant))
      fail(spec, fmt::format("riscv64 takes the variants rva20u64, rva22u64 or rva23u64 "
                             "(GORISCV64), not \"{}\"",
                             variant));
  } else if (is_known_architecture(arch) && !takes_variant(arch, variant)) {
    fail(spec, fmt::format("{} has no variants; drop \"{}\"", arch, variant));
  }
  return {arch, variant};
}

}  // namespace

std::string Platform::str() const {
  return variant.empty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
}

std::string Platform::slug() const {
  std::string s = str();
  std::replace(s.begin(), s.end(), '/', '_');
  return s;
}

std::string Platform::binary_suffix() const { return os == "windows" ? ".exe" : ""; }

std::string Platform::slug_line() const {
  const std::string suffix = binary_suffix();
  return str() + " " + slug() + (suffix.empty() ? "" : " " + suffix);
}

std::vector<std::pair<std::string, std::string>> Platform::build_args() const {
  return {{"TARGETPLATFORM", str()},
          {"TARGETOS", os},
          {"TARGETARCH", architecture},
          {"TARGETVARIANT", variant}};
}

bool is_known_os(std::string_view os) {
  return std::find(kKnownOs.begin(), kKnownOs.end(), os) != kKnownOs.end();
}

bool is_known_architecture(std::string_view arch) {
  return std::find(kKnownArch.begin(), kKnownArch.end(), arch) != kKnownArch.end();
}

Platform platform_from_uname(std::string_view sysname, std::string_view machine) {
  Platform host;
  host.os = normalize_os(lower(sysname));
  auto [arch, variant] = normalize_arch(machine, lower(machine), "");
  host.architecture = arch;
  host.variant = variant;
  return host;
}

Platform host_platform() {
  utsname names{};
  if (uname(&names) != 0) return Platform{"linux", "amd64", ""};
  return platform_from_uname(names.sysname, names.machine);
}

Platform parse_platform(std::string_view spec, const Platform& host) {
  if (spec.empty()) fail(spec, "empty platform; write os/arch[/variant], e.g. linux/arm64");
  if (spec.find('*') != std::string_view::npos) fail(spec, "wildcards are not allowed");
  if (spec.front() == '/' || spec.back() == '/')
    fail(spec, "leading or trailing '/'; write os/arch[/variant], e.g. linux/arm64");
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = spec.find('/', start);
    std::string part(spec.substr(start, slash - start));
    if (part.empty()) fail(spec, "empty component between '/'");
    if (!std::all_of(part.begin(), part.end(), is_spec_character))
      fail(spec, fmt::format("\"{}\" has characters outside [A-Za-z0-9_.-]", part));
    parts.push_back(lower(part));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() > 3) fail(spec, "too many components; write os/arch[/variant]");

  Platform p;
  if (parts.size() == 1) {
    std::string os = normalize_os(parts[0]);
    if (is_known_os(os)) {
      // A bare OS builds for the machine we are on, as containerd does.
      return Platform{os, host.architecture, host.variant};
    }
    auto [arch, variant] = normalize_arch(spec, parts[0], "");
    if (!is_known_architecture(arch))
      fail(spec,
           "neither a known operating system nor a known architecture "
           "(see `multiarch platform list`)");
    // A bare architecture means linux: multiarch builds container images.
    return Platform{"linux", arch, variant};
  }
  p.os = normalize_os(parts[0]);
  if (!is_known_os(p.os) && parts.size() <= 2 &&
      is_known_architecture(normalize_arch(spec, parts[0], "").first)) {
    // "arm/v6" is architecture/variant, not os/architecture: say so instead of reading "v6"
    // as an architecture (containerd would too, and then fail much later in go).
    std::string suggestion = "linux/" + std::string(spec);
    try {
      suggestion = parse_platform(suggestion, host).str();
    } catch (const InputError& e) {
      std::string why = e.what();
      fail(spec,
           fmt::format("\"{}\" is an architecture, not an operating system (os/arch[/variant]); "
                       "as {}: {}",
                       parts[0], suggestion, why.substr(why.find(": ") + 2)));
    }
    fail(spec, fmt::format("\"{}\" is an architecture, not an operating system "
                           "(os/arch[/variant]); write {}",
                           parts[0], suggestion));
  }
  auto [arch, variant] = normalize_arch(spec, parts[1], parts.size() == 3 ? parts[2] : "");
  p.architecture = arch;
  p.variant = variant;
  return p;
}

const std::vector<PlatformPreset>& platform_presets() {
  static const std::vector<PlatformPreset> presets = {
      {"common", "the usual pair for servers and Macs", {"linux/amd64", "linux/arm64"}},
      {"all-arm",
       "Raspberry Pi and other ARM boards, 32 and 64 bit",
       {"linux/arm/v6", "linux/arm/v7", "linux/arm64"}},
      {"all",
       "every Linux platform seen in practice",
       {"linux/amd64", "linux/arm64", "linux/arm/v6", "linux/arm/v7", "linux/386", "linux/ppc64le",
        "linux/s390x", "linux/riscv64"}},
  };
  return presets;
}

const std::vector<std::string>& known_platforms() {
  // Linux with every variant of the table above; the other systems as Go names them.
  static const std::vector<std::string> platforms = [] {
    std::vector<std::string> out;
    for (const auto& row : architecture_variants())
      for (auto variant : row.variants)
        out.push_back(Platform{"linux", std::string(row.architecture), std::string(variant)}.str());
    for (const char* os : {"windows", "darwin", "freebsd"})
      for (const char* arch : {"amd64", "arm64"}) out.push_back(std::string(os) + "/" + arch);
    return out;
  }();
  return platforms;
}

namespace {

/// The comma items of `list`, empty ones included ("a,,b" has three).
std::vector<std::string> comma_items(const std::string& list) {
  std::vector<std::string> items;
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    items.push_back(list.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

void add_unique(std::vector<Platform>& platforms, const Platform& p) {
  if (std::find(platforms.begin(), platforms.end(), p) == platforms.end()) platforms.push_back(p);
}

}  // namespace

std::vector<Platform> parse_platform_list(const std::vector<std::string>& specs,
                                          const Platform& host) {
  std::vector<Platform> result;
  for (const auto& list : specs) {
    for (const auto& item : comma_items(list)) {
      if (item.empty() && list.find(',') != std::string::npos)
        fail(list, "empty entry in a comma-separated list");
      auto preset = std::find_if(platform_presets().begin(), platform_presets().end(),
                                 [&](const PlatformPreset& p) { return p.name == lower(item); });
      if (preset != platform_presets().end()) {
        for (const auto& s : preset->platforms) add_unique(result, parse_platform(s, host));
      } else {
        add_unique(result, parse_platform(item, host));
      }
    }
  }
  return result;
}

NormalizedPlatforms normalize_platform_specs(const std::vector<std::string>& specs,
                                             const Platform& host) {
  NormalizedPlatforms result;
  for (const auto& spec : specs) {
    for (const auto& item : comma_items(spec)) {
      try {
        // The empty entry of "linux/amd64," is named with its list (as parse_platform_list
        // does), not as a platform "" of its own.
        if (item.empty() && spec.find(',') != std::string::npos)
          fail(spec, "empty entry in a comma-separated list");
        for (const auto& p : parse_platform_list({item}, host)) add_unique(result.platforms, p);
      } catch (const InputError& e) {
        result.errors.push_back(e.what());
      }
    }
  }
  return result;
}

}  // namespace multiarch
