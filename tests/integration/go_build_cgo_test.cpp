// cgo cross-compiling with Debian's cross compiler, run under QEMU; and the errors for a
// missing cross compiler, reported before anything is built.
#include <gtest/gtest.h>

#include "go_build_support.hpp"
#include "harness.hpp"
#include "platform/executable_header.hpp"

namespace multiarch::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCgoMain = R"(package main

/*
#include <stdio.h>
#include <string.h>
static int c_strlen(const char* s) { return (int)strlen(s); }
static const char* c_arch(void) {
#if defined(__aarch64__)
  return "aarch64";
#else
  return "other";
#endif
}
*/
import "C"

import (
	"fmt"
	"runtime"
)

var Version = "dev"

func main() {
	fmt.Printf("cgo %s/%s C says %s, strlen=%d version=%s\n", runtime.GOOS, runtime.GOARCH,
		C.GoString(C.c_arch()), C.c_strlen(C.CString("multiarch")), Version)
}
)";

TEST(GoBuildCgo, Arm64WithDebiansCrossCompilerRunsUnderQemu) {
  if (real_go().empty()) return;
  MULTIARCH_REQUIRE_TOOL("aarch64-linux-gnu-gcc", "apt-get install crossbuild-essential-arm64",
                         "MULTIARCH_SKIP_CGO_CROSS");
  TempDir dir;
  write_text(dir / "mod/go.mod", "module example.com/cgohello\n\ngo 1.21\n");
  write_text(dir / "mod/main.go", kCgoMain);
  auto result = run_multiarch(
      {"go-build", "--module-dir", (dir / "mod").string(), "--package", ".", "--name", "cgohello",
       "--platform", "linux/arm64", "--cgo", "--output-dir", (dir / "out").string(), "--version",
       "c1", "--depfile", (dir / "out/cgohello.d").string()},
      "", {{"PATH", path_with_go()}});
  ASSERT_TRUE(result.ok()) << result.err;
  auto binary = dir / "out/linux_arm64/cgohello";
  EXPECT_EQ(read_executable_header(binary).describe(), "ELF 64-bit LSB aarch64");
  auto settings = go_settings(binary);
  EXPECT_EQ(settings["CGO_ENABLED"], "1");
  EXPECT_EQ(settings["GOARCH"], "arm64");
  EXPECT_NE(read_text(dir / "out/cgohello.d").find((dir / "mod/main.go").string()),
            std::string::npos);

  if (!require_binfmt("aarch64")) return;
  // Dynamically linked against Debian's arm64 glibc: QEMU finds it under this prefix.
  auto ran = run({binary.string()}, "", {{"QEMU_LD_PREFIX", "/usr/aarch64-linux-gnu"}});
  ASSERT_TRUE(ran.ok()) << ran.err;
  EXPECT_EQ(ran.out, "cgo linux/arm64 C says aarch64, strlen=9 version=c1\n");
}

TEST(GoBuildCgo, MissingCrossCompilerIsAClearErrorBeforeAnyBuild) {
  if (real_go().empty()) return;
  TempDir dir;
  // PATH without any cross compiler: only the real go's folder.
  std::string go_dir = fs::path(real_go()).parent_path().string();
  auto result =
      run_multiarch({"go-build", "--module-dir", example_module().string(), "--package",
                     "./application/user/cmd/user", "--platform", "linux/amd64,linux/s390x",
                     "--cgo", "--output-dir", (dir / "out").string(), "--version", "x"},
                    "", {{"PATH", go_dir}});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("linux/s390x: s390x-linux-gnu-gcc not found (apt-get install "
                            "gcc-s390x-linux-gnu, or pass --cc linux/s390x=PATH)"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_FALSE(fs::exists(dir / "out")) << "nothing was built";

  auto bad_cc = run_multiarch({"go-build", "--module-dir", example_module().string(), "--package",
                               "./application/user/cmd/user", "--platform", "linux/arm64", "--cgo",
                               "--cc", "linux/arm64=" + (dir / "nope-gcc").string(), "--output-dir",
                               (dir / "out").string(), "--version", "x"},
                              "", {{"PATH", path_with_go()}});
  EXPECT_EQ(bad_cc.exit_code, 1);
  EXPECT_NE(bad_cc.err.find("nope-gcc (from --cc) is not an executable"), std::string::npos)
      << bad_cc.err;
  auto cc_without_cgo = run_multiarch({"go-build", "--package", "./x", "--cc", "linux/arm64=gcc"});
  EXPECT_EQ(cc_without_cgo.exit_code, 2);
  EXPECT_EQ(cc_without_cgo.err, "multiarch go-build: --cc needs --cgo\n");
}

}  // namespace
}  // namespace multiarch::test
