#pragma once
// Bytes that pass for a Go binary in unit tests, without running go: the smallest ELF header
// the executable checks accept, and the build-info blob Go's linker embeds.
#include <string>

namespace multiarch::test {

/// The smallest ELF header verify_executable_for accepts for a GOARCH.
inline std::string elf_for(const std::string& goarch) {
  std::string bytes(64, '\0');
  bytes.replace(0, 4,
                "\x7f"
                "ELF");
  bool is32 = goarch == "arm" || goarch == "386";
  bytes[4] = is32 ? 1 : 2;
  bytes[5] = 1;
  bytes[6] = 1;
  bytes[16] = 2;
  int machine = goarch == "arm64" ? 183 : goarch == "arm" ? 40 : goarch == "386" ? 3 : 62;
  bytes[18] = static_cast<char>(machine);
  if (goarch == "arm") bytes[39] = 5;  // e_flags 0x05000000: EABI5, no float ABI (pure Go)
  return bytes;
}

inline std::string uvarint(size_t value) {
  std::string bytes;
  do {
    unsigned char byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    bytes += static_cast<char>(byte);
  } while (value != 0);
  return bytes;
}

/// "\xff Go buildinf:", pointer size 8, flags 2 (inline strings), padding to 32 bytes, then
/// the Go version and the module info framed by 16-byte sentinels, each length-prefixed.
inline std::string go_build_info_blob(const std::string& go_version,
                                      const std::string& module_info) {
  std::string blob("\xff Go buildinf:", 14);
  blob += '\x08';
  blob += '\x02';
  blob += std::string(16, '\0');
  const std::string start_sentinel("0w\xaf\x0c\x92t\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6", 16);
  const std::string end_sentinel("\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2",
                                 16);
  std::string framed = start_sentinel + module_info + end_sentinel;
  blob += uvarint(go_version.size()) + go_version;
  blob += uvarint(framed.size()) + framed;
  return blob;
}

}  // namespace multiarch::test
