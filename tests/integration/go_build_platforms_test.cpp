// The example service cross-compiled by the real go for ten platforms in one go-build run:
// each binary's header and `go version -m` settings are checked by the test itself (and
// match what multiarch reads from the binary in-process), and every
// linux binary runs (natively or under QEMU through binfmt_misc) and prints its platform.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "go/go_build_settings.hpp"
#include "go_build_support.hpp"
#include "harness.hpp"
#include "platform/executable_header.hpp"
#include "util/digest.hpp"
#include "util/fs.hpp"

namespace multiarch::test {
namespace {

namespace fs = std::filesystem;

struct Expected {
  const char* platform;
  const char* slug;
  const char* header;
  std::map<std::string, std::string> settings;  ///< beyond CGO_ENABLED=0
  const char* qemu;  ///< QEMU architecture running it; "" native; nullptr not runnable here
};

const std::vector<Expected>& expected_platforms() {
  static const std::vector<Expected> platforms = {
      {"linux/amd64",
       "linux_amd64",
       "ELF 64-bit LSB x86-64",
       {{"GOOS", "linux"}, {"GOARCH", "amd64"}, {"GOAMD64", "v1"}},
       ""},
      {"linux/amd64/v3",
       "linux_amd64_v3",
       "ELF 64-bit LSB x86-64",
       {{"GOOS", "linux"}, {"GOARCH", "amd64"}, {"GOAMD64", "v3"}},
       ""},
      {"linux/arm64",
       "linux_arm64",
       "ELF 64-bit LSB aarch64",
       {{"GOOS", "linux"}, {"GOARCH", "arm64"}, {"GOARM64", "v8.0"}},
       "aarch64"},
      {"linux/arm/v6",
       "linux_arm_v6",
       "ELF 32-bit LSB ARM EABI5",
       {{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "6"}},
       "arm"},
      {"linux/arm/v7",
       "linux_arm_v7",
       "ELF 32-bit LSB ARM EABI5",
       {{"GOOS", "linux"}, {"GOARCH", "arm"}, {"GOARM", "7"}},
       "arm"},
      // qemu-i386 crashes the Go runtime; an x86-64 kernel runs 386 binaries itself.
      {"linux/386",
       "linux_386",
       "ELF 32-bit LSB i386",
       {{"GOOS", "linux"}, {"GOARCH", "386"}, {"GO386", "sse2"}},
       ""},
      {"linux/ppc64le",
       "linux_ppc64le",
       "ELF 64-bit LSB PowerPC64",
       {{"GOOS", "linux"}, {"GOARCH", "ppc64le"}, {"GOPPC64", "power8"}},
       "ppc64le"},
      {"linux/s390x",
       "linux_s390x",
       "ELF 64-bit MSB s390x",
       {{"GOOS", "linux"}, {"GOARCH", "s390x"}},
       "s390x"},
      {"linux/riscv64",
       "linux_riscv64",
       "ELF 64-bit LSB RISC-V",
       {{"GOOS", "linux"}, {"GOARCH", "riscv64"}, {"GORISCV64", "rva20u64"}},
       "riscv64"},
      {"windows/amd64",
       "windows_amd64",
       "PE32+ x86-64",
       {{"GOOS", "windows"}, {"GOARCH", "amd64"}, {"GOAMD64", "v1"}},
       nullptr},
  };
  return platforms;
}

TEST(GoBuildPlatforms, TenPlatformsBuiltCheckedAndRun) {
  if (real_go().empty()) return;
  TempDir dir;
  std::string specs;
  for (const auto& p : expected_platforms())
    specs += (specs.empty() ? "" : ",") + std::string(p.platform);
  // Stray level variables in the caller's environment must not reach any build.
  auto result = run_multiarch({"go-build", "--module-dir", example_module().string(), "--package",
                               "./application/user/cmd/user", "--platform", specs, "--output-dir",
                               (dir / "out").string(), "--version", "v9.8.7", "--json"},
                              "",
                              {{"PATH", path_with_go()},
                               {"GOARM", "5"},
                               {"GOAMD64", "v2"},
                               {"GO386", "softfloat"},
                               {"GOARM64", "v9.0"}});
  ASSERT_TRUE(result.ok()) << result.err;
  auto json = nlohmann::json::parse(result.out);
  ASSERT_EQ(json["platforms"].size(), expected_platforms().size());
  EXPECT_TRUE(json["ok"].get<bool>());
  // One progress line per platform on stderr, nothing but JSON on stdout.
  for (const auto& p : expected_platforms())
    EXPECT_NE(result.err.find(std::string("] ") + p.platform + " "), std::string::npos)
        << p.platform << " has no progress line in:\n"
        << result.err;

  for (size_t i = 0; i < expected_platforms().size(); ++i) {
    const auto& want = expected_platforms()[i];
    SCOPED_TRACE(want.platform);
    const auto& entry = json["platforms"][i];
    std::string suffix = std::string(want.platform).rfind("windows", 0) == 0 ? ".exe" : "";
    fs::path binary = dir / "out" / want.slug / ("user" + suffix);
    EXPECT_EQ(entry["platform"], want.platform);
    EXPECT_EQ(entry["output"], binary.string());
    ASSERT_TRUE(fs::exists(binary));
    EXPECT_EQ(entry["sha256"], sha256_file_hex(binary));
    EXPECT_EQ(entry["size"].get<uintmax_t>(), fs::file_size(binary));

    EXPECT_EQ(read_executable_header(binary).describe(), want.header);
    auto settings = go_settings(binary);
    // multiarch reads the same settings in-process (no `go version -m` per binary).
    auto embedded = find_go_build_info(read_file(binary));
    ASSERT_TRUE(embedded) << "no build info found in " << binary;
    EXPECT_EQ(parse_go_build_settings(embedded->module_info), settings);
    for (const auto& [key, value] : want.settings) EXPECT_EQ(settings[key], value) << key;
    EXPECT_EQ(settings["CGO_ENABLED"], "0");
    EXPECT_EQ(settings["-trimpath"], "true");
    for (const char* level : {"GOARM", "GOAMD64", "GO386", "GOARM64"})
      if (!want.settings.count(level)) {
        EXPECT_EQ(settings.count(level), 0u) << level;
      }

    if (want.qemu == nullptr) continue;
    std::vector<std::string> argv = {binary.string(), "-print-platform"};
    std::string qemu = want.qemu;
    if (std::string(want.platform) == "linux/amd64/v3" && !host_runs_amd64_v3()) {
      // This CPU lacks AVX2 & co: emulate one that has them.
      MULTIARCH_REQUIRE_TOOL("qemu-x86_64-static", "apt-get install qemu-user-static",
                             "MULTIARCH_SKIP_QEMU");
      argv.insert(argv.begin(), {"qemu-x86_64-static", "-cpu", "max"});
    } else if (!qemu.empty() && !require_binfmt(qemu)) {
      continue;  // skipped with MULTIARCH_SKIP_QEMU=1 or failed with the fix
    }
    ProcessResult ran;
    try {
      ran = run(argv);
    } catch (const std::exception& e) {
      // An x86-64 kernel built without IA32 emulation cannot exec 386 binaries. QEMU can, once
      // the Go runtime's asynchronous preemption (which crashes under qemu-i386) is off; that
      // changes no instruction the binary runs.
      if (std::string(want.platform) != "linux/386" ||
          std::string(e.what()).find("Exec format error") == std::string::npos)
        throw;
      MULTIARCH_REQUIRE_TOOL("qemu-i386-static", "apt-get install qemu-user-static",
                             "MULTIARCH_SKIP_QEMU");
      ran = run({"qemu-i386-static", "-E", "GODEBUG=asyncpreemptoff=1", binary.string(),
                 "-print-platform"});
    }
    EXPECT_TRUE(ran.ok()) << ran.err;
    EXPECT_NE(ran.out.find(std::string("platform=") + want.platform + " "), std::string::npos)
        << ran.out;
    EXPECT_NE(ran.out.find("version=v9.8.7"), std::string::npos) << ran.out;
  }
}

TEST(GoBuildPlatforms, SameInputsGiveTheSameBytes) {
  if (real_go().empty()) return;
  TempDir dir;
  for (const char* out : {"a", "b"}) {
    auto result =
        run_multiarch({"go-build", "--module-dir", example_module().string(), "--package",
                       "./application/order/cmd/order", "--platform", "linux/arm64,windows/amd64",
                       "--output-dir", (dir / out).string(), "--version", "r1", "-q"},
                      "", {{"PATH", path_with_go()}});
    ASSERT_TRUE(result.ok()) << result.err;
  }
  EXPECT_EQ(sha256_file_hex(dir / "a/linux_arm64/order"),
            sha256_file_hex(dir / "b/linux_arm64/order"));
  EXPECT_EQ(sha256_file_hex(dir / "a/windows_amd64/order.exe"),
            sha256_file_hex(dir / "b/windows_amd64/order.exe"));
}

}  // namespace
}  // namespace multiarch::test
