#pragma once
// What an executable's header says it runs on (ELF, PE, Mach-O, WebAssembly), and the check
// that it matches a platform. Used after every go build and before packaging a binary into an
// image, so a wrong-architecture binary never ships ("exec format error" at run time).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "platform/platform.hpp"

namespace multiarch {

enum class ExecutableFormat { elf, pe, mach_o, wasm };

/// ELF e_flags bits of 32-bit ARM (the ARM ELF ABI).
inline constexpr uint32_t kElfArmEabiMask = 0xff000000u;
inline constexpr uint32_t kElfArmFloatHard = 0x400u;
inline constexpr uint32_t kElfArmFloatSoft = 0x200u;

/// The fields of an executable's header that decide where it can run.
struct ExecutableHeader {
  ExecutableFormat format = ExecutableFormat::elf;
  unsigned bits = 0;  ///< 32 or 64 (0 for WebAssembly)
  bool little_endian = true;
  uint32_t machine = 0;    ///< ELF e_machine, PE COFF Machine or Mach-O cputype
  uint16_t elf_type = 0;   ///< ELF e_type: 2 executable, 3 shared/PIE
  uint8_t elf_os_abi = 0;  ///< ELF EI_OSABI: 0 System V, 3 GNU/Linux, 9 FreeBSD ...
  uint32_t elf_flags = 0;  ///< ELF e_flags (ARM: EABI version and float ABI)

  /// One line as `file` would put it: "ELF 64-bit LSB aarch64", "ELF 32-bit LSB ARM EABI5
  /// hard-float", "PE32+ x86-64", "Mach-O 64-bit arm64", "WebAssembly".
  std::string describe() const;
};

/// Parses the first bytes of a file (at least the ELF header; for PE up to the COFF header).
/// Throws InputError naming `name` when the bytes are not an executable multiarch knows.
ExecutableHeader parse_executable_header(std::string_view bytes, std::string_view name);

/// Reads and parses the header of `binary`. Throws InputError naming the file when it is
/// missing, unreadable or not an executable.
ExecutableHeader read_executable_header(const std::filesystem::path& binary);

/// What `platform` needs, in the words of describe(): "ELF 64-bit LSB aarch64",
/// "PE32+ x86-64". Throws InputError for platforms whose executable format is not checked
/// (aix's XCOFF, plan9's a.out).
std::string expected_executable_description(const Platform& platform);

/// nullopt when `header` can run on `platform`; otherwise a short reason such as
/// "ELF 64-bit LSB x86-64, but linux/arm64 needs ELF 64-bit LSB aarch64".
std::optional<std::string> executable_mismatch(const ExecutableHeader& header,
                                               const Platform& platform);

/// Throws InputError with one line naming the file, what it is and what `platform` needs
/// when the binary cannot run there (or is not an executable at all).
void verify_executable_for(const std::filesystem::path& binary, const Platform& platform);

/// The program interpreter an ELF file names (PT_INTERP, e.g. "/lib64/ld-linux-x86-64.so.2"),
/// read from its first bytes (the program headers must be within `bytes`); "" for a static
/// binary or bytes that are not ELF. The one reader of it: `image assemble` refuses a dynamic
/// binary without a base, `image test` checks the loader is in the image.
std::string elf_interpreter(std::string_view bytes);

}  // namespace multiarch
