#pragma once
// The minimum CPU of each platform: the QEMU user-mode CPU model (`qemu-ARCH-static -cpu
// MODEL`) that is the oldest processor the platform's variant promises, so that a binary built
// for a higher level (GOARM, GOAMD64, GOARM64, GOPPC64, GORISCV64) fails under test as it
// would on the device. Sources: Go's level variables (go help environment, go.dev/wiki/
// MinimumRequirements), the x86-64 psABI micro-architecture levels, the Arm and RISC-V profile
// documents; each entry was run on QEMU 7.2 (Debian 12) with Go binaries of every level
// (docs/test.md has the table and the runs).
#include <optional>
#include <string>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

struct CpuModel {
  /// The QEMU user-mode emulator: qemu-<qemu_arch>-static ("arm", "aarch64", "x86_64").
  std::string qemu_arch;
  /// The -cpu value ("arm1176", "rv64,zba=false,zbb=false,zbs=false"); "host" when `native`.
  std::string model;
  /// Run without QEMU on an x86-64 host that has the features (amd64/v4: QEMU 7.2's TCG has
  /// no AVX-512, so a v4 binary cannot be emulated).
  bool native = false;
  /// The processor in words: "ARM1176JZF-S (ARMv6KZ + VFPv2: Raspberry Pi Zero and 1)".
  std::string cpu;
  /// What the level needs, from the Go or ISA documents: "VFPv3 (GOARM=7)".
  std::string level;
  /// True when `model` is the oldest CPU of the level; false when QEMU has no such model
  /// and `model` is the closest it has (then `note` says what escapes the test).
  bool exact = true;
  std::string note;
  /// Environment added to the program's (386: GODEBUG=asyncpreemptoff=1, see the .cpp).
  std::vector<std::pair<std::string, std::string>> env;
};

/// The minimum CPU model for a normalized linux platform; nullopt when multiarch has none
/// (other operating systems, mips*, loong64: QEMU 7.2 has no loongarch64 user CPU to pin).
std::optional<CpuModel> minimum_cpu_model(const Platform& platform);

/// Every platform of the table, in display order ("linux/amd64", ...), for docs and doctor.
const std::vector<std::string>& cpu_model_platforms();

/// The x86-64 features amd64/v4 needs (x86-64-v4 of the psABI) present on this host's CPU
/// (/proc/cpuinfo "flags": avx512f avx512bw avx512cd avx512dq avx512vl).
bool host_has_x86_64_v4();

}  // namespace multiarch
