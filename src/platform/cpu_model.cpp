#include "platform/cpu_model.hpp"

#include <fstream>
#include <map>
#include <sstream>

namespace multiarch {
namespace {

// Verified on QEMU 7.2 with one Go 1.26 program built at every level (docs/test.md, "How the
// table was checked"): each model runs the platform's own level and stops the next one up.
const std::map<std::string, CpuModel>& table() {
  static const std::map<std::string, CpuModel> models = {
      // x86-64 psABI levels (gitlab.com/x86-psABIs/x86-64-ABI, "Micro-architecture levels")
      // and Go's GOAMD64 (go.dev/wiki/MinimumRequirements#amd64). v1 = CMOV, CX8, SSE, SSE2:
      // the first AMD64 CPU. Go's runtime checks the level at start-up ("This program can only
      // be run on AMD64 processors with v3 microarchitecture support").
      {"linux/amd64",
       {"x86_64",
        "Opteron_G1",
        false,
        "AMD Opteron G1 (2003, the first AMD64 CPU: SSE2, no SSE3)",
        "x86-64-v1 (GOAMD64=v1)",
        true,
        "",
        {}}},
      // v2 adds CMPXCHG16B, LAHF/SAHF, POPCNT, SSE3, SSSE3, SSE4.1, SSE4.2: Nehalem (2008).
      {"linux/amd64/v2",
       {"x86_64",
        "Nehalem",
        false,
        "Intel Nehalem (Core i7 first generation, 2008)",
        "x86-64-v2 (GOAMD64=v2)",
        true,
        "",
        {}}},
      // v3 adds AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, XSAVE: Haswell (2013); the
      // -noTSX model because TSX is not part of the level (and was disabled by microcode).
      {"linux/amd64/v3",
       {"x86_64",
        "Haswell-noTSX",
        false,
        "Intel Haswell without TSX (2013)",
        "x86-64-v3 (GOAMD64=v3)",
        true,
        "",
        {}}},
      // v4 adds AVX512F, BW, CD, DQ, VL: Skylake-SP. QEMU 7.2's TCG cannot emulate AVX-512
      // (a v4 binary stops under -cpu Skylake-Server), so it runs natively on a host that has
      // the features and cannot be tested elsewhere.
      {"linux/amd64/v4",
       {"x86_64",
        "host",
        true,
        "this host's CPU (has AVX-512F/BW/CD/DQ/VL, as Skylake-SP)",
        "x86-64-v4 (GOAMD64=v4)",
        false,
        "QEMU 7.2 cannot emulate AVX-512: runs natively, only on a host with x86-64-v4",
        {}}},
      // GO386=sse2 (Go's default since 1.16) needs SSE2: the Pentium 4. QEMU has no Pentium 4
      // model; qemu32 is its generic 32-bit CPU with SSE2 (a GO386=sse2 binary stops on
      // pentium3, which lacks SSE2, and runs on qemu32).
      {"linux/386",
       {"i386",
        "qemu32",
        false,
        "QEMU's generic 32-bit x86 with SSE2 (Pentium 4 level)",
        "SSE2 (GO386=sse2)",
        false,
        "QEMU has no Pentium 4 model; Go's asynchronous preemption is turned off because "
        "qemu-i386 7.2 crashes Go's signal handler (\"bad g in signal handler\")",
        // Go's runtime preempts goroutines with SIGURG; qemu-i386 7.2 delivers those signals
        // on a stack Go does not expect and the runtime dies. asyncpreemptoff=1 changes only
        // how goroutines are preempted, not which instructions run (go.dev/doc/godebug).
        {{"GODEBUG", "asyncpreemptoff=1"}}}},
      // GOARM=5: software floating point, ARMv5TE. ARM926EJ-S is the classic ARMv5TEJ core.
      {"linux/arm/v5",
       {"arm",
        "arm926",
        false,
        "ARM926EJ-S (ARMv5TEJ, no VFP)",
        "ARMv5 (GOARM=5, soft float)",
        true,
        "",
        {}}},
      // GOARM=6: ARMv6 + VFPv2. ARM1176JZF-S is the Raspberry Pi Zero/1 core.
      {"linux/arm/v6",
       {"arm",
        "arm1176",
        false,
        "ARM1176JZF-S (ARMv6KZ + VFPv2: Raspberry Pi Zero and 1)",
        "ARMv6 + VFPv2 (GOARM=6)",
        true,
        "",
        {}}},
      // GOARM=7: ARMv7 + VFPv3. Cortex-A8 is the oldest ARMv7-A core; it lacks what Cortex-A7
      // has beyond the level (SDIV/UDIV in ARM state, VFPv4 fused multiply-add), so it is the
      // stricter test. QEMU's cortex-a8 has NEON and 32 double registers: a binary that needed
      // them would pass here and fail on VFPv3-D16 cores (Tegra 2); Go's GOARM=7 does not.
      {"linux/arm/v7",
       {"arm",
        "cortex-a8",
        false,
        "Arm Cortex-A8 (ARMv7-A + VFPv3 + NEON, no integer divide)",
        "ARMv7 + VFPv3 (GOARM=7)",
        true,
        "",
        {}}},
      // 32-bit ARMv8 (AArch32): built as GOARM=7; qemu-arm 7.2 has no ARMv8 AArch32 model.
      {"linux/arm/v8",
       {"arm",
        "cortex-a15",
        false,
        "Arm Cortex-A15 (ARMv7VE; QEMU has no AArch32 ARMv8 model)",
        "ARMv7 + VFPv3 (built with GOARM=7)",
        false,
        "qemu-arm 7.2 has no 32-bit ARMv8 model; cortex-a15 covers what GOARM=7 emits",
        {}}},
      // Armv8.0-A: Cortex-A53 (Raspberry Pi 3, most arm64 boards). GOARM64 unset or v8.0.
      {"linux/arm64",
       {"aarch64",
        "cortex-a53",
        false,
        "Arm Cortex-A53 (Armv8.0-A: Raspberry Pi 3)",
        "Armv8.0-A (GOARM64=v8.0)",
        true,
        "",
        {}}},
      // Armv8.1 adds LSE atomics, which Go uses without a run-time check at GOARM64>=v8.1.
      // QEMU 7.2 has no Armv8.1 model: cortex-a76 (Armv8.2-A) is the oldest that has LSE.
      {"linux/arm64/v8.1",
       {"aarch64",
        "cortex-a76",
        false,
        "Arm Cortex-A76 (Armv8.2-A)",
        "Armv8.1-A (GOARM64=v8.1)",
        false,
        "QEMU has no Armv8.1 model: a v8.2 binary labelled v8.1 passes here",
        {}}},
      {"linux/arm64/v8.2",
       {"aarch64",
        "cortex-a76",
        false,
        "Arm Cortex-A76 (Armv8.2-A: Raspberry Pi 5)",
        "Armv8.2-A (GOARM64=v8.2)",
        true,
        "",
        {}}},
      // Nothing between Armv8.2 and "max" (every feature QEMU has) in QEMU 7.2.
      {"linux/arm64/v9",
       {"aarch64",
        "max",
        false,
        "QEMU's max (every Arm feature QEMU emulates)",
        "Armv9.0-A (GOARM64=v9.0)",
        false,
        "no Armv9 model in QEMU 7.2: not a minimum",
        {}}},
      // GOPPC64=power8 is Go's default and minimum for ppc64le (go.dev/wiki/MinimumRequirements).
      {"linux/ppc64le",
       {"ppc64le",
        "power8",
        false,
        "IBM POWER8 (ISA 2.07)",
        "POWER8 (GOPPC64=power8)",
        true,
        "",
        {}}},
      // RVA20U64 (RV64GC) is Go's default GORISCV64 (riscv/riscv-profiles). QEMU's rv64 turns
      // on Zba/Zbb/Zbs by default, which RVA22U64 adds: they are turned off so a
      // GORISCV64=rva22u64 binary stops here (verified; it runs on plain rv64).
      {"linux/riscv64",
       {"riscv64",
        "rv64,zba=false,zbb=false,zbs=false",
        false,
        "RV64GC without bit manipulation (RVA20U64, as SiFive U54)",
        "RVA20U64 (GORISCV64=rva20u64)",
        true,
        "",
        {}}},
      // Go needs z13 or later on s390x (go.dev/wiki/MinimumRequirements). QEMU 7.2's TCG cannot
      // run the named z models (their crypto features are missing: it refuses to start), so
      // this is QEMU's own model, which is what TCG implements.
      {"linux/s390x",
       {"s390x",
        "qemu",
        false,
        "QEMU's s390x model (the features TCG implements)",
        "z13 (Go's minimum)",
        false,
        "QEMU 7.2 cannot run the named z models in user mode: not a minimum",
        {}}},
  };
  return models;
}

}  // namespace

std::optional<CpuModel> minimum_cpu_model(const Platform& platform) {
  auto it = table().find(platform.str());
  if (it == table().end()) return std::nullopt;
  return it->second;
}

const std::vector<std::string>& cpu_model_platforms() {
  static const std::vector<std::string> order = {
      "linux/amd64",    "linux/amd64/v2", "linux/amd64/v3",   "linux/amd64/v4",
      "linux/386",      "linux/arm/v5",   "linux/arm/v6",     "linux/arm/v7",
      "linux/arm/v8",   "linux/arm64",    "linux/arm64/v8.1", "linux/arm64/v8.2",
      "linux/arm64/v9", "linux/ppc64le",  "linux/riscv64",    "linux/s390x"};
  return order;
}

bool host_has_x86_64_v4() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::string word;
    int found = 0;
    while (words >> word)
      if (word == "avx512f" || word == "avx512bw" || word == "avx512cd" || word == "avx512dq" ||
          word == "avx512vl")
        ++found;
    return found == 5;
  }
  return false;
}

}  // namespace multiarch
