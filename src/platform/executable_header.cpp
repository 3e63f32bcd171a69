#include "platform/executable_header.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "util/error.hpp"

namespace multiarch {
namespace {

// ELF e_machine values (System V ABI, gABI registry).
constexpr uint32_t kEm386 = 3;
constexpr uint32_t kEmMips = 8;
constexpr uint32_t kEmPpc64 = 21;
constexpr uint32_t kEmS390 = 22;
constexpr uint32_t kEmArm = 40;
constexpr uint32_t kEmX86_64 = 62;
constexpr uint32_t kEmAarch64 = 183;
constexpr uint32_t kEmRiscv = 243;
constexpr uint32_t kEmLoongArch = 258;

// PE COFF Machine values (Microsoft PE format).
constexpr uint32_t kPeI386 = 0x14c;
constexpr uint32_t kPeArmNt = 0x1c4;
constexpr uint32_t kPeAmd64 = 0x8664;
constexpr uint32_t kPeArm64 = 0xaa64;

// Mach-O cputype values (<mach/machine.h>).
constexpr uint32_t kMachOI386 = 7;
constexpr uint32_t kMachOArm = 12;
constexpr uint32_t kMachOAbi64 = 0x01000000;

constexpr uint8_t kElfOsAbiSysV = 0;
constexpr uint8_t kElfOsAbiGnu = 3;
constexpr uint8_t kElfOsAbiFreeBsd = 9;

// The PE header can sit anywhere the DOS stub says; Go puts it near the start. Anything
// beyond this is not a binary we produce.
constexpr size_t kMaxPeHeaderOffset = 1 << 20;

uint32_t load(std::string_view bytes, size_t offset, size_t size, bool little_endian) {
  uint32_t value = 0;
  for (size_t i = 0; i < size; ++i) {
    auto byte = static_cast<uint8_t>(bytes[offset + i]);
    if (little_endian)
      value |= static_cast<uint32_t>(byte) << (8 * i);
    else
      value = (value << 8) | byte;
  }
  return value;
}

std::string elf_machine_name(uint32_t machine, unsigned bits) {
  switch (machine) {
    case kEm386:
      return "i386";
    case kEmMips:
      return "MIPS";
    case kEmPpc64:
      return "PowerPC64";
    case kEmS390:
      return bits == 64 ? "s390x" : "S/390";
    case kEmArm:
      return "ARM";
    case kEmX86_64:
      return "x86-64";
    case kEmAarch64:
      return "aarch64";
    case kEmRiscv:
      return "RISC-V";
    case kEmLoongArch:
      return "LoongArch";
    default:
      return fmt::format("machine {}", machine);
  }
}

std::string pe_machine_name(uint32_t machine) {
  switch (machine) {
    case kPeI386:
      return "i386";
    case kPeArmNt:
      return "ARM";
    case kPeAmd64:
      return "x86-64";
    case kPeArm64:
      return "aarch64";
    default:
      return fmt::format("machine 0x{:x}", machine);
  }
}

std::string mach_o_cpu_name(uint32_t cpu) {
  switch (cpu) {
    case kMachOI386:
      return "i386";
    case kMachOI386 | kMachOAbi64:
      return "x86-64";
    case kMachOArm:
      return "arm";
    case kMachOArm | kMachOAbi64:
      return "arm64";
    default:
      return fmt::format("cputype 0x{:x}", cpu);
  }
}

std::string arm_float_abi(uint32_t flags) {
  if (flags & kElfArmFloatHard) return "hard-float";
  if (flags & kElfArmFloatSoft) return "soft-float";
  return "";
}

/// The header a platform's executables carry; `elf_flags`/`elf_type` are not compared.
struct Expectation {
  ExecutableHeader header;
  std::string description;
};

struct ElfArch {
  const char* goarch;
  uint32_t machine;
  unsigned bits;
  bool little_endian;
};

constexpr std::array<ElfArch, 13> kElfArchitectures = {{
    {"amd64", kEmX86_64, 64, true},
    {"386", kEm386, 32, true},
    {"arm", kEmArm, 32, true},
    {"arm64", kEmAarch64, 64, true},
    {"ppc64", kEmPpc64, 64, false},
    {"ppc64le", kEmPpc64, 64, true},
    {"s390x", kEmS390, 64, false},
    {"riscv64", kEmRiscv, 64, true},
    {"mips", kEmMips, 32, false},
    {"mipsle", kEmMips, 32, true},
    {"mips64", kEmMips, 64, false},
    {"mips64le", kEmMips, 64, true},
    {"loong64", kEmLoongArch, 64, true},
}};

[[noreturn]] void unsupported(const Platform& platform, std::string_view why) {
  throw InputError(fmt::format("cannot check executables for {}: {}", platform.str(), why));
}

Expectation expectation_for(const Platform& platform) {
  Expectation e;
  ExecutableHeader& h = e.header;
  const std::string& arch = platform.architecture;
  if (arch == "wasm") {
    h.format = ExecutableFormat::wasm;
  } else if (platform.os == "windows") {
    h.format = ExecutableFormat::pe;
    h.little_endian = true;
    if (arch == "amd64") {
      h.machine = kPeAmd64, h.bits = 64;
    } else if (arch == "386") {
      h.machine = kPeI386, h.bits = 32;
    } else if (arch == "arm64") {
      h.machine = kPeArm64, h.bits = 64;
    } else if (arch == "arm") {
      h.machine = kPeArmNt, h.bits = 32;
    } else {
      unsupported(platform, "no PE machine type is known for this architecture");
    }
  } else if (platform.os == "darwin" || platform.os == "ios") {
    h.format = ExecutableFormat::mach_o;
    h.little_endian = true;
    if (arch == "amd64") {
      h.machine = kMachOI386 | kMachOAbi64, h.bits = 64;
    } else if (arch == "arm64") {
      h.machine = kMachOArm | kMachOAbi64, h.bits = 64;
    } else {
      unsupported(platform, "no Mach-O CPU type is known for this architecture");
    }
  } else if (platform.os == "aix" || platform.os == "plan9") {
    unsupported(platform, "its executable format (XCOFF or a.out) is not checked");
  } else {
    h.format = ExecutableFormat::elf;
    auto found = std::find_if(kElfArchitectures.begin(), kElfArchitectures.end(),
                              [&](const ElfArch& a) { return arch == a.goarch; });
    if (found == kElfArchitectures.end())
      unsupported(platform, "no ELF machine type is known for this architecture");
    h.machine = found->machine;
    h.bits = found->bits;
    h.little_endian = found->little_endian;
    if (arch == "arm") h.elf_flags = 0x05000000u;  // EABI version 5, what Go and gcc write
    if (platform.os == "freebsd") h.elf_os_abi = kElfOsAbiFreeBsd;
  }
  e.description = h.describe();
  if (arch == "arm" && h.format == ExecutableFormat::elf) {
    // Pure Go binaries declare no float ABI; cgo binaries carry the C compiler's.
    if (platform.variant == "v5")
      e.description += " (soft-float or no float ABI)";
    else if (platform.variant != "v6")
      e.description += " (hard-float or no float ABI)";
  }
  return e;
}

bool arm_float_mismatch(const ExecutableHeader& header, const Platform& platform) {
  // ARMv5 has no VFP, so a hard-float binary cannot run; Debian's armhf (v7) cannot load
  // soft-float ones. ARMv6 exists both ways (Debian armel soft, Raspberry Pi OS hard).
  bool hard = header.elf_flags & kElfArmFloatHard;
  bool soft = header.elf_flags & kElfArmFloatSoft;
  if (platform.variant == "v5") return hard;
  if (platform.variant == "v7" || platform.variant == "v8") return soft;
  return false;
}

}  // namespace

std::string ExecutableHeader::describe() const {
  switch (format) {
    case ExecutableFormat::wasm:
      return "WebAssembly";
    case ExecutableFormat::pe:
      return fmt::format("{} {}", bits == 64 ? "PE32+" : "PE32", pe_machine_name(machine));
    case ExecutableFormat::mach_o:
      return fmt::format("Mach-O {}-bit {}", bits, mach_o_cpu_name(machine));
    case ExecutableFormat::elf:
      break;
  }
  std::string text = fmt::format("ELF {}-bit {} {}", bits, little_endian ? "LSB" : "MSB",
                                 elf_machine_name(machine, bits));
  if (machine == kEmArm) {
    if (uint32_t eabi = (elf_flags & kElfArmEabiMask) >> 24) text += fmt::format(" EABI{}", eabi);
    if (auto abi = arm_float_abi(elf_flags); !abi.empty()) text += " " + abi;
  }
  if (elf_os_abi == kElfOsAbiFreeBsd) text += " (FreeBSD)";
  return text;
}

ExecutableHeader parse_executable_header(std::string_view bytes, std::string_view name) {
  auto fail = [&](std::string_view why) -> ExecutableHeader {
    throw InputError(fmt::format("{}: {}", name, why));
  };
  ExecutableHeader h;
  if (bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("\x7f"
                                                                  "ELF",
                                                                  4)) {
    h.format = ExecutableFormat::elf;
    if (bytes.size() < 52) return fail("truncated ELF header");
    uint8_t elf_class = static_cast<uint8_t>(bytes[4]);
    uint8_t data = static_cast<uint8_t>(bytes[5]);
    if (elf_class != 1 && elf_class != 2) return fail("ELF header with an invalid class");
    if (data != 1 && data != 2) return fail("ELF header with an invalid byte order");
    h.bits = elf_class == 1 ? 32 : 64;
    h.little_endian = data == 1;
    h.elf_os_abi = static_cast<uint8_t>(bytes[7]);
    h.elf_type = static_cast<uint16_t>(load(bytes, 16, 2, h.little_endian));
    h.machine = load(bytes, 18, 2, h.little_endian);
    size_t flags_offset = h.bits == 32 ? 36 : 48;
    if (bytes.size() < flags_offset + 4) return fail("truncated ELF header");
    h.elf_flags = load(bytes, flags_offset, 4, h.little_endian);
    if (h.elf_type != 2 && h.elf_type != 3)
      return fail(fmt::format("{} is not an executable (ELF type {})", h.describe(), h.elf_type));
    return h;
  }
  if (bytes.size() >= 2 && bytes.substr(0, 2) == "MZ") {
    h.format = ExecutableFormat::pe;
    if (bytes.size() < 64) return fail("truncated DOS header");
    size_t pe = load(bytes, 0x3c, 4, true);
    if (bytes.size() < pe + 26) return fail("truncated PE header");
    if (bytes.substr(pe, 4) != std::string_view("PE\0\0", 4))
      return fail("DOS executable without a PE header");
    h.machine = load(bytes, pe + 4, 2, true);
    uint32_t optional_magic = load(bytes, pe + 24, 2, true);
    if (optional_magic != 0x10b && optional_magic != 0x20b)
      return fail("PE file without an executable optional header");
    h.bits = optional_magic == 0x20b ? 64 : 32;
    return h;
  }
  if (bytes.size() >= 8) {
    uint32_t magic = load(bytes, 0, 4, true);
    if (magic == 0xfeedfacfu || magic == 0xfeedfaceu) {
      h.format = ExecutableFormat::mach_o;
      h.bits = magic == 0xfeedfacfu ? 64 : 32;
      h.machine = load(bytes, 4, 4, true);
      return h;
    }
    if (bytes.substr(0, 4) == std::string_view("\0asm", 4)) {
      h.format = ExecutableFormat::wasm;
      return h;
    }
  }
  return fail("not an executable (no ELF, PE, Mach-O or WebAssembly header)");
}

ExecutableHeader read_executable_header(const std::filesystem::path& binary) {
  std::ifstream in(binary, std::ios::binary);
  if (!in)
    throw InputError(fmt::format("cannot read {}: {}", binary.string(), std::strerror(errno)));
  std::string bytes(64, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (bytes.size() == 64 && bytes.substr(0, 2) == "MZ") {
    // The PE header's offset is in the DOS header; read up to the optional header's magic.
    size_t pe = load(bytes, 0x3c, 4, true);
    if (pe <= kMaxPeHeaderOffset) {
      bytes.resize(pe + 26, '\0');
      in.read(bytes.data() + 64, static_cast<std::streamsize>(bytes.size() - 64));
      bytes.resize(64 + static_cast<size_t>(in.gcount()));
    }
  }
  return parse_executable_header(bytes, binary.string());
}

std::string expected_executable_description(const Platform& platform) {
  return expectation_for(platform).description;
}

std::optional<std::string> executable_mismatch(const ExecutableHeader& header,
                                               const Platform& platform) {
  Expectation expected = expectation_for(platform);
  const ExecutableHeader& want = expected.header;
  auto mismatch = [&](std::string_view what = {}) {
    return fmt::format("{}{}, but {} needs {}", header.describe(),
                       what.empty() ? "" : fmt::format(" ({})", what), platform.str(),
                       expected.description);
  };
  if (header.format != want.format) return mismatch();
  if (header.format == ExecutableFormat::wasm) return std::nullopt;
  if (header.machine != want.machine || header.bits != want.bits ||
      header.little_endian != want.little_endian)
    return mismatch();
  if (header.format != ExecutableFormat::elf) return std::nullopt;
  bool linux_like = platform.os == "linux" || platform.os == "android";
  if (linux_like && header.elf_os_abi != kElfOsAbiSysV && header.elf_os_abi != kElfOsAbiGnu)
    return mismatch(fmt::format("OS ABI {}", header.elf_os_abi));
  if (platform.os == "freebsd" && header.elf_os_abi != kElfOsAbiFreeBsd)
    return mismatch("not FreeBSD");
  if (header.machine == kEmArm) {
    if (linux_like && (header.elf_flags & kElfArmEabiMask) != (want.elf_flags & kElfArmEabiMask))
      return mismatch("not EABI5");
    if (arm_float_mismatch(header, platform)) return mismatch();
  }
  return std::nullopt;
}

void verify_executable_for(const std::filesystem::path& binary, const Platform& platform) {
  ExecutableHeader header = read_executable_header(binary);
  if (auto why = executable_mismatch(header, platform))
    throw InputError(fmt::format("{} is {}", binary.string(), *why));
}

std::string elf_interpreter(std::string_view bytes) {
  if (bytes.size() < 52 || bytes.substr(0, 4) !=
                               "\x7f"
                               "ELF")
    return {};
  bool is64 = bytes[4] == 2;
  bool little = bytes[5] == 1;
  auto load = [&](size_t offset, size_t size) -> uint64_t {
    if (offset + size > bytes.size()) return 0;
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i) {
      auto byte = static_cast<uint64_t>(static_cast<unsigned char>(bytes[offset + i]));
      value |= little ? byte << (8 * i) : byte << (8 * (size - 1 - i));
    }
    return value;
  };
  uint64_t phoff = is64 ? load(32, 8) : load(28, 4);
  uint64_t phentsize = is64 ? load(54, 2) : load(42, 2);
  uint64_t phnum = is64 ? load(56, 2) : load(44, 2);
  if (phoff > bytes.size()) return {};  // also keeps phoff + i * phentsize from wrapping
  constexpr uint32_t kPtInterp = 3;
  for (uint64_t i = 0; i < phnum && phentsize > 0; ++i) {
    uint64_t ph = phoff + i * phentsize;
    if (ph + phentsize > bytes.size()) break;
    if (load(ph, 4) != kPtInterp) continue;
    uint64_t offset = is64 ? load(ph + 8, 8) : load(ph + 4, 4);
    uint64_t size = is64 ? load(ph + 32, 8) : load(ph + 16, 4);
    if (offset >= bytes.size() || size > bytes.size() - offset) return {};
    std::string text(bytes.substr(offset, size));
    return text.substr(0, text.find('\0'));
  }
  return {};
}

}  // namespace multiarch
