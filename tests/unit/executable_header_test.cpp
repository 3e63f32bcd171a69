// The executable header check with hand-made header bytes: ELF (machine, class, byte order,
// ARM EABI float flags, OS ABI), PE (machine, PE32/PE32+), Mach-O and what is rejected.
#include "platform/executable_header.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "util/error.hpp"

namespace multiarch {
namespace {

void put(std::string& bytes, size_t offset, uint32_t value, size_t size, bool little_endian) {
  for (size_t i = 0; i < size; ++i) {
    size_t shift = little_endian ? 8 * i : 8 * (size - 1 - i);
    bytes[offset + i] = static_cast<char>((value >> shift) & 0xff);
  }
}

/// A 64-byte ELF header with the fields the check reads.
std::string elf(unsigned bits, bool little_endian, uint32_t machine, uint32_t flags = 0,
                uint8_t os_abi = 0, uint16_t type = 2) {
  std::string bytes(64, '\0');
  bytes.replace(0, 4,
                "\x7f"
                "ELF");
  bytes[4] = static_cast<char>(bits == 64 ? 2 : 1);
  bytes[5] = static_cast<char>(little_endian ? 1 : 2);
  bytes[6] = 1;
  bytes[7] = static_cast<char>(os_abi);
  put(bytes, 16, type, 2, little_endian);
  put(bytes, 18, machine, 2, little_endian);
  put(bytes, bits == 64 ? 48 : 36, flags, 4, little_endian);
  return bytes;
}

/// A DOS stub pointing at a PE header at 0x80, with a PE32 or PE32+ optional header magic.
std::string pe(uint32_t machine, bool plus) {
  std::string bytes(0x80 + 26, '\0');
  bytes.replace(0, 2, "MZ");
  put(bytes, 0x3c, 0x80, 4, true);
  bytes.replace(0x80, 4, std::string("PE\0\0", 4));
  put(bytes, 0x84, machine, 2, true);
  put(bytes, 0x80 + 24, plus ? 0x20b : 0x10b, 2, true);
  return bytes;
}

std::string mach_o(uint32_t cpu) {
  std::string bytes(32, '\0');
  put(bytes, 0, 0xfeedfacf, 4, true);
  put(bytes, 4, cpu, 4, true);
  return bytes;
}

Platform platform(const std::string& spec) { return parse_platform(spec, {"linux", "amd64", ""}); }

std::optional<std::string> mismatch(const std::string& bytes, const std::string& spec) {
  return executable_mismatch(parse_executable_header(bytes, "bin"), platform(spec));
}

struct MatchCase {
  const char* spec;
  std::string bytes;
  const char* description;
};

TEST(ExecutableHeader, EveryPlatformAcceptsItsOwnHeader) {
  const MatchCase cases[] = {
      {"linux/amd64", elf(64, true, 62), "ELF 64-bit LSB x86-64"},
      {"linux/amd64/v3", elf(64, true, 62, 0, 0, 3), "ELF 64-bit LSB x86-64"},
      {"linux/386", elf(32, true, 3), "ELF 32-bit LSB i386"},
      {"linux/arm64", elf(64, true, 183), "ELF 64-bit LSB aarch64"},
      {"linux/arm64", elf(64, true, 183, 0, 3), "ELF 64-bit LSB aarch64"},
      {"linux/arm/v7", elf(32, true, 40, 0x05000002), "ELF 32-bit LSB ARM EABI5"},
      {"linux/arm/v7", elf(32, true, 40, 0x05000400), "ELF 32-bit LSB ARM EABI5 hard-float"},
      {"linux/arm/v6", elf(32, true, 40, 0x05000200), "ELF 32-bit LSB ARM EABI5 soft-float"},
      {"linux/arm/v6", elf(32, true, 40, 0x05000400), "ELF 32-bit LSB ARM EABI5 hard-float"},
      {"linux/arm/v5", elf(32, true, 40, 0x05000200), "ELF 32-bit LSB ARM EABI5 soft-float"},
      {"linux/ppc64le", elf(64, true, 21, 2), "ELF 64-bit LSB PowerPC64"},
      {"linux/ppc64", elf(64, false, 21, 1), "ELF 64-bit MSB PowerPC64"},
      {"linux/s390x", elf(64, false, 22), "ELF 64-bit MSB s390x"},
      {"linux/riscv64", elf(64, true, 243, 5), "ELF 64-bit LSB RISC-V"},
      {"linux/mips", elf(32, false, 8), "ELF 32-bit MSB MIPS"},
      {"linux/mipsle", elf(32, true, 8), "ELF 32-bit LSB MIPS"},
      {"linux/mips64le", elf(64, true, 8), "ELF 64-bit LSB MIPS"},
      {"linux/loong64", elf(64, true, 258), "ELF 64-bit LSB LoongArch"},
      {"freebsd/amd64", elf(64, true, 62, 0, 9), "ELF 64-bit LSB x86-64 (FreeBSD)"},
      {"windows/amd64", pe(0x8664, true), "PE32+ x86-64"},
      {"windows/arm64", pe(0xaa64, true), "PE32+ aarch64"},
      {"windows/386", pe(0x14c, false), "PE32 i386"},
      {"darwin/arm64", mach_o(0x0100000c), "Mach-O 64-bit arm64"},
      {"darwin/amd64", mach_o(0x01000007), "Mach-O 64-bit x86-64"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.spec);
    auto header = parse_executable_header(c.bytes, "bin");
    EXPECT_EQ(header.describe(), c.description);
    EXPECT_EQ(executable_mismatch(header, platform(c.spec)), std::nullopt);
  }
}

struct MismatchCase {
  const char* spec;
  std::string bytes;
  const char* message;
};

TEST(ExecutableHeader, WrongBinariesAreRefusedWithWhatTheyAreAndWhatIsNeeded) {
  const MismatchCase cases[] = {
      {"linux/arm64", elf(64, true, 62),
       "ELF 64-bit LSB x86-64, but linux/arm64 needs ELF 64-bit LSB aarch64"},
      {"linux/amd64", elf(32, true, 3),
       "ELF 32-bit LSB i386, but linux/amd64 needs ELF 64-bit LSB x86-64"},
      {"linux/386", elf(64, true, 62),
       "ELF 64-bit LSB x86-64, but linux/386 needs ELF 32-bit LSB i386"},
      {"linux/ppc64le", elf(64, false, 21),
       "ELF 64-bit MSB PowerPC64, but linux/ppc64le needs ELF 64-bit LSB PowerPC64"},
      {"linux/mips64", elf(64, true, 8),
       "ELF 64-bit LSB MIPS, but linux/mips64 needs ELF 64-bit MSB MIPS"},
      {"linux/arm/v7", elf(64, true, 183),
       "ELF 64-bit LSB aarch64, but linux/arm/v7 needs ELF 32-bit LSB ARM EABI5 (hard-float or "
       "no float ABI)"},
      {"linux/arm/v7", elf(32, true, 40, 0x05000200),
       "ELF 32-bit LSB ARM EABI5 soft-float, but linux/arm/v7 needs ELF 32-bit LSB ARM EABI5 "
       "(hard-float or no float ABI)"},
      {"linux/arm/v5", elf(32, true, 40, 0x05000400),
       "ELF 32-bit LSB ARM EABI5 hard-float, but linux/arm/v5 needs ELF 32-bit LSB ARM EABI5 "
       "(soft-float or no float ABI)"},
      {"linux/arm/v6", elf(32, true, 40, 0x04000000),
       "ELF 32-bit LSB ARM EABI4 (not EABI5), but linux/arm/v6 needs ELF 32-bit LSB ARM EABI5"},
      {"linux/amd64", elf(64, true, 62, 0, 9),
       "ELF 64-bit LSB x86-64 (FreeBSD) (OS ABI 9), but linux/amd64 needs ELF 64-bit LSB x86-64"},
      {"freebsd/amd64", elf(64, true, 62),
       "ELF 64-bit LSB x86-64 (not FreeBSD), but freebsd/amd64 needs ELF 64-bit LSB x86-64 "
       "(FreeBSD)"},
      {"linux/amd64", pe(0x8664, true),
       "PE32+ x86-64, but linux/amd64 needs ELF 64-bit LSB x86-64"},
      {"windows/amd64", elf(64, true, 62),
       "ELF 64-bit LSB x86-64, but windows/amd64 needs PE32+ x86-64"},
      {"windows/amd64", pe(0xaa64, true), "PE32+ aarch64, but windows/amd64 needs PE32+ x86-64"},
      {"windows/amd64", pe(0x8664, false), "PE32 x86-64, but windows/amd64 needs PE32+ x86-64"},
      {"darwin/arm64", mach_o(0x01000007),
       "Mach-O 64-bit x86-64, but darwin/arm64 needs Mach-O 64-bit arm64"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.spec);
    EXPECT_EQ(mismatch(c.bytes, c.spec), std::optional<std::string>(c.message));
  }
}

TEST(ExecutableHeader, NonExecutablesAreInputErrorsNamingTheFile) {
  auto message = [](const std::string& bytes) {
    try {
      parse_executable_header(bytes, "out/x");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("#!/bin/sh\necho hi\n"),
            "out/x: not an executable (no ELF, PE, Mach-O or WebAssembly header)");
  EXPECT_EQ(message(""), "out/x: not an executable (no ELF, PE, Mach-O or WebAssembly header)");
  EXPECT_EQ(message(elf(64, true, 62).substr(0, 40)), "out/x: truncated ELF header");
  EXPECT_EQ(message(elf(64, true, 62, 0, 0, 1)),
            "out/x: ELF 64-bit LSB x86-64 is not an executable (ELF type 1)");
  std::string bad_class = elf(64, true, 62);
  bad_class[4] = 7;
  EXPECT_EQ(message(bad_class), "out/x: ELF header with an invalid class");
  std::string dos = pe(0x8664, true);
  dos.replace(0x80, 4, std::string("NE\0\0", 4));
  EXPECT_EQ(message(dos), "out/x: DOS executable without a PE header");
  EXPECT_EQ(message(pe(0x8664, true).substr(0, 100)), "out/x: truncated PE header");
}

TEST(ExecutableHeader, PlatformsWithUncheckedFormatsAreErrors) {
  EXPECT_THROW(expected_executable_description(platform("aix/ppc64")), InputError);
  EXPECT_THROW(expected_executable_description(platform("plan9/amd64")), InputError);
  EXPECT_EQ(expected_executable_description(platform("linux/s390x")), "ELF 64-bit MSB s390x");
}

class ExecutableFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("multiarch-header-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& bytes) {
    auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ExecutableFile, VerifyThrowsOneLineNamingTheFileWhatItIsAndWhatIsNeeded) {
  auto binary = write("user", elf(64, true, 62) + std::string(1000, 'x'));
  EXPECT_NO_THROW(verify_executable_for(binary, platform("linux/amd64")));
  try {
    verify_executable_for(binary, platform("linux/arm64"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), binary.string() +
                                         " is ELF 64-bit LSB x86-64, but linux/arm64 needs ELF "
                                         "64-bit LSB aarch64");
  }
}

TEST_F(ExecutableFile, PeHeaderIsFoundThroughTheDosStubOffset) {
  // A PE header far from the start: the reader follows e_lfanew beyond its first read.
  std::string bytes(0x2000 + 26, '\0');
  bytes.replace(0, 2, "MZ");
  put(bytes, 0x3c, 0x2000, 4, true);
  bytes.replace(0x2000, 4, std::string("PE\0\0", 4));
  put(bytes, 0x2004, 0x8664, 2, true);
  put(bytes, 0x2000 + 24, 0x20b, 2, true);
  auto binary = write("user.exe", bytes);
  EXPECT_EQ(read_executable_header(binary).describe(), "PE32+ x86-64");
  EXPECT_NO_THROW(verify_executable_for(binary, platform("windows/amd64")));
}

TEST_F(ExecutableFile, MissingFileIsAnInputErrorNamingIt) {
  try {
    verify_executable_for(dir_ / "absent", platform("linux/amd64"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "absent").string()), std::string::npos);
  }
}

/// A 64-bit little-endian ELF whose one program header is PT_INTERP naming `interp`.
std::string elf64_with_interp(const std::string& interp) {
  std::string bytes(0x200, '\0');
  bytes.replace(0, 4,
                "\x7f"
                "ELF");
  bytes[4] = 2;                          // ELFCLASS64
  bytes[5] = 1;                          // little endian
  put(bytes, 32, 0x40, 4, true);         // e_phoff (low half of 8 bytes)
  put(bytes, 54, 56, 2, true);           // e_phentsize
  put(bytes, 56, 1, 2, true);            // e_phnum
  put(bytes, 0x40, 3, 4, true);          // p_type PT_INTERP
  put(bytes, 0x40 + 8, 0x100, 4, true);  // p_offset (low half)
  put(bytes, 0x40 + 32, static_cast<uint32_t>(interp.size() + 1), 4, true);  // p_filesz
  bytes.replace(0x100, interp.size(), interp);
  return bytes;
}

TEST(ElfInterpreter, ReadsPtInterp) {
  EXPECT_EQ(elf_interpreter(elf64_with_interp("/lib/ld-musl-aarch64.so.1")),
            "/lib/ld-musl-aarch64.so.1");
  std::string no_interp = elf64_with_interp("/x");
  put(no_interp, 0x40, 1, 4, true);  // PT_LOAD
  EXPECT_EQ(elf_interpreter(no_interp), "");
  EXPECT_EQ(elf_interpreter("#!/bin/sh\n"), "");
}

TEST(ElfInterpreter, HeadersOutsideTheBytesAreNoInterpreter) {
  std::string far = elf64_with_interp("/lib/ld.so");
  put(far, 32, 0xffffffffu, 4, true);  // e_phoff beyond the end
  put(far, 36, 0xffffffffu, 4, true);
  EXPECT_EQ(elf_interpreter(far), "");
  std::string long_segment = elf64_with_interp("/lib/ld.so");
  put(long_segment, 0x40 + 32, 0x10000, 4, true);  // p_filesz beyond the end
  EXPECT_EQ(elf_interpreter(long_segment), "");
}

}  // namespace
}  // namespace multiarch
