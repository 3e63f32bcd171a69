// What `image test` decides without running anything: the entrypoint checks, the image's
// user, the cause of a failed run in words, the plan of which platforms run and how.
#include "publish/image_test_checks.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "publish/http_probe.hpp"
#include "publish/image_test.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {
namespace fs = std::filesystem;

const Platform kHost{"linux", "amd64", ""};

Platform platform(const std::string& spec) { return parse_platform(spec, kHost); }

/// A static x86-64 ELF header (no program headers) of 64 bytes.
std::string static_x86_64_elf() {
  std::string bytes(64, '\0');
  bytes.replace(0, 4,
                "\x7f"
                "ELF");
  bytes[4] = 2;    // 64-bit
  bytes[5] = 1;    // little endian
  bytes[6] = 1;    // version
  bytes[16] = 2;   // ET_EXEC
  bytes[18] = 62;  // EM_X86_64
  return bytes;
}

class ImageRoot : public ::testing::Test {
 protected:
  void write(const std::string& path, const std::string& bytes, fs::perms mode) {
    fs::path file = dir_ / "root" / fs::path(path).relative_path();
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
    fs::permissions(file, mode);
  }
  std::string check(const std::string& program, const std::string& spec = "linux/amd64",
                    const std::string& workdir = "/") {
    return check_entrypoint(dir_ / "root", program, {"PATH=/usr/bin:/bin"}, workdir,
                            platform(spec));
  }
  fs::path root() const { return dir_ / "root"; }
  test::TempDir dir_;
};

TEST_F(ImageRoot, AStaticBinaryForThePlatformPasses) {
  write("/app/service", static_x86_64_elf(), fs::perms(0755));
  EXPECT_EQ(check("/app/service"), "");
  EXPECT_EQ(check("service", "linux/amd64", "/app"),
            "missing file: \"service\" is not on the "
            "image's PATH (/usr/bin:/bin)");
  EXPECT_EQ(check("./service", "linux/amd64", "/app"), "");
}

TEST_F(ImageRoot, EachProblemIsNamed) {
  write("/app/service", static_x86_64_elf(), fs::perms(0755));
  write("/app/data", "text", fs::perms(0644));
  write("/app/script", "#!/bin/sh -e\necho\n", fs::perms(0755));
  EXPECT_EQ(check("/app/absent"), "missing file: the entrypoint /app/absent is not in the image");
  EXPECT_EQ(check("/app/data"), "permission denied: /app/data is not executable (mode 644)");
  EXPECT_EQ(check("/app/script"),
            "missing interpreter: the script /app/script needs \"/bin/sh\", which is not in the "
            "image");
  EXPECT_EQ(check("/app/service", "linux/arm64")
                .rfind("exec format error: /app/service is ELF "
                       "64-bit LSB x86-64",
                       0),
            0u);
}

TEST_F(ImageRoot, UsersComeFromTheImagesFiles) {
  write("/etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/app:/bin/sh\nbad:x:7:x::/:\n",
        fs::perms(0644));
  write("/etc/group", "staff:x:50:\n", fs::perms(0644));
  auto app = resolve_image_user(root(), "app");
  EXPECT_EQ(app.uid, 1000u);
  EXPECT_EQ(app.gid, 1001u);
  auto numeric = resolve_image_user(root(), "65532");
  EXPECT_EQ(numeric.uid, 65532u);
  EXPECT_EQ(numeric.gid, 0u);
  EXPECT_EQ(resolve_image_user(root(), "app:staff").gid, 50u);
  EXPECT_EQ(resolve_image_user(root(), "bad").gid, 0u);  // a gid that is no number
  EXPECT_EQ(resolve_image_user(root(), "nobody").problem,
            "User \"nobody\" is not in the image's /etc/passwd");
  EXPECT_EQ(resolve_image_user(root(), "app:wheel").problem,
            "group \"wheel\" is not in the image's /etc/group");
}

TEST(FailureCause, NamesTheLikelyCause) {
  Platform v6 = platform("linux/arm/v6");
  EXPECT_EQ(
      failure_cause(132, "", v6, "arm1176").rfind("illegal instruction (SIGILL) on arm1176", 0),
      0u);
  EXPECT_NE(failure_cause(2, "SIGILL: illegal instruction\nPC=0x1234", v6, "arm1176")
                .find("higher level than linux/arm/v6"),
            std::string::npos);
  EXPECT_EQ(failure_cause(1,
                          "This program can only be run on AMD64 processors with v3 "
                          "microarchitecture support.",
                          platform("linux/amd64"), "Opteron_G1")
                .rfind("the binary needs x86-64-v3 (GOAMD64=v3), above what linux/amd64", 0),
            0u);
  EXPECT_EQ(failure_cause(1, "config: open /etc/service/config.json: no such file or directory",
                          platform("linux/arm64"), "cortex-a53"),
            "missing file: the program could not open /etc/service/config.json, which is not in "
            "the image");
  EXPECT_EQ(failure_cause(139, "", v6, "arm1176"), "segmentation fault (SIGSEGV)");
  EXPECT_EQ(failure_cause(1, "usage: service", v6, "arm1176"), "");
}

TEST(EmulatorRuntimeCrash, NamesTheRuntimesOwnBreakageSeenUnderQemuI386) {
  // Heads of the example service's output when qemu-i386 7.2 delivered SIGTERM (docs/test.md).
  const std::string listening =
      "2026/12/01 06:13:51 user dev (linux/386) listening on 127.0.0.1:18999\n"
      "multiarch example monorepo\n";
  EXPECT_EQ(
      emulator_runtime_crash(listening + "runtime: morestack on g0, stack [0xa8f8000 0xa8fc000], "
                                         "sp=0xa84675c, called from\nruntime.sigtrampgo()\n"),
      "runtime: morestack on g0, stack [0xa8f8000 0xa8fc000], sp=0xa84675c, called from");
  EXPECT_EQ(emulator_runtime_crash(listening + "fatal error: wirep: already in go\n\ngoroutine 4"),
            "fatal error: wirep: already in go");
  EXPECT_EQ(emulator_runtime_crash("fatal error: fatal error: wirep: already in go\nstopm holding "
                                   "locks\npanic during panic\n"),
            "fatal error: fatal error: wirep: already in go");
  EXPECT_EQ(emulator_runtime_crash(listening + "SIGSEGV: segmentation violation\nPC=0x80a7362 m=2"),
            "SIGSEGV: segmentation violation");
  EXPECT_EQ(emulator_runtime_crash("fatal: bad g in signal handler\n"),
            "fatal: bad g in signal handler");
  // The program's own ends are not the emulator's.
  EXPECT_EQ(emulator_runtime_crash("panic: runtime error: invalid memory address or nil pointer "
                                   "dereference\n[signal SIGSEGV: segmentation violation code=0x1 "
                                   "addr=0x0 pc=0x80a7362]\n"),
            "");
  EXPECT_EQ(emulator_runtime_crash("fatal error: concurrent map writes\n"), "");
  EXPECT_EQ(emulator_runtime_crash(listening), "");
}

TEST(FailureCause, NamesAGoCrashAndWhoseItIs) {
  Platform i386 = platform("linux/386");
  EXPECT_EQ(failure_cause(2, "ok\nfatal error: wirep: already in go\n", i386, "qemu32"),
            "Go's runtime crashed under QEMU (fatal error: wirep: already in go): a known QEMU "
            "user-mode signal bug, not the binary's (docs/test.md)");
  EXPECT_EQ(
      failure_cause(2, "starting\npanic: no database\n\ngoroutine 1 [running]:\n", i386, "qemu32"),
      "panic: no database");
  EXPECT_EQ(failure_cause(2, "fatal error: concurrent map writes\n", i386, "qemu32"),
            "fatal error: concurrent map writes");
}

TEST(OutputTail, KeepsTheLastLinesWithoutQemuNotes) {
  std::string output =
      "one\ntwo\nqemu-x86_64-static: warning: TCG doesn't support requested feature: "
      "CPUID.01H:ECX.vmx [bit 5]\nthree\x1b[0m\nfour\n";
  EXPECT_EQ(output_tail(output, 3), (std::vector<std::string>{"two", "three\\x1b[0m", "four"}));
}

TEST(ImageTestOptions, BadCombinationsAreInputErrors) {
  ImageTestOptions options;
  options.http_path = "/healthz";
  EXPECT_THROW(check_image_test_options(options), InputError);  // no port
  options.port = 8080;
  EXPECT_NO_THROW(check_image_test_options(options));
  options.http_path = "healthz";
  EXPECT_THROW(check_image_test_options(options), InputError);
  ImageTestOptions port_only;
  port_only.port = 8080;
  EXPECT_THROW(check_image_test_options(port_only), InputError);
  ImageTestOptions regex;
  regex.expect_output = "(";
  EXPECT_THROW(check_image_test_options(regex), InputError);
}

Descriptor manifest_for(const std::string& os, const std::string& arch, const std::string& variant,
                        char digit) {
  return Descriptor{"application/vnd.oci.image.manifest.v1+json",
                    "sha256:" + std::string(64, digit),
                    100,
                    DescriptorPlatform{arch, os, variant, {}},
                    {}};
}

TEST(PlanImageTest, EveryPlatformImageButNoAttestations) {
  LayoutImage image;
  image.manifests = {manifest_for("linux", "arm64", "", '1'),
                     manifest_for("unknown", "unknown", "", '2'),
                     manifest_for("windows", "amd64", "", '3')};
  auto plan = plan_image_test(image, {}, ImageTestOptions{}, kHost);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].platform.str(), "linux/arm64");
  EXPECT_EQ(plan[1].platform.str(), "windows/amd64");
  EXPECT_FALSE(plan[1].runner.has_value());
  EXPECT_NE(plan[1].why_not.find("no minimum CPU model for windows/amd64"), std::string::npos);
  // Asking for a platform the image lacks is bad input.
  EXPECT_THROW(plan_image_test(image, {platform("linux/ppc64le")}, ImageTestOptions{}, kHost),
               InputError);
}

/// Records the request and answers it with `answer`.
class RecordingHttp : public HttpClient {
 public:
  HttpResponse send(const HttpRequest& request) override {
    seen = request;
    return answer;
  }
  HttpRequest seen;
  HttpResponse answer;
};

TEST(ProbeLoopback, OneShortDirectGetOfTheLoopback) {
  RecordingHttp http;
  http.answer.status = 200;
  EXPECT_EQ(probe_loopback(http, 18080, "/healthz", 2500).status, 200);
  EXPECT_EQ(http.seen.method, "GET");
  EXPECT_EQ(http.seen.url, "http://127.0.0.1:18080/healthz");
  EXPECT_EQ(http.seen.timeout_ms, 2500);
  EXPECT_TRUE(http.seen.no_proxy);  // http_proxy must not carry a probe of 127.0.0.1
}

}  // namespace
}  // namespace multiarch
