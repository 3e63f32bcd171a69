#pragma once
// `multiarch image test`: runs every platform's image from its own file system, on the
// platform's minimum CPU (platform/cpu_model.hpp), inside an unprivileged bubblewrap sandbox
// under qemu-user, and checks its exit status, output, or an HTTP endpoint. docs/test.md.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "oci/oci_layout.hpp"
#include "platform/platform.hpp"
#include "publish/http_client.hpp"
#include "publish/layout_images.hpp"
#include "util/process.hpp"

namespace multiarch {

struct ImageTestOptions {
  std::vector<std::string> args;  ///< replace the image's Cmd when not empty (as docker run)
  int expect_exit = 0;
  std::string expect_output;     ///< ECMAScript regex searched in stdout+stderr; "" = no check
  std::string http_path;         ///< "" = no HTTP probe
  int port = 0;                  ///< 127.0.0.1:port, the host network is shared for the probe
  int expect_status = 0;         ///< 0 = any 2xx
  double timeout_seconds = 300;  ///< per platform: until exit, or until the probe answers
  bool docker = false;           ///< `docker run --platform` instead of bubblewrap + QEMU
  std::string bwrap = "bwrap";
  std::string docker_client = "docker";
};

/// Throws InputError naming the option when `options` cannot be used (--http-get without a
/// port or a leading '/', --port without --http-get, a bad regex, a timeout <= 0).
void check_image_test_options(const ImageTestOptions& options);

/// How a platform runs here: in bubblewrap, under QEMU on the minimum CPU model or natively.
struct TestRunner {
  std::string qemu;       ///< the emulator's absolute path, "" when native
  std::string cpu_model;  ///< "arm1176"; "host" when native
  /// Added to the program's environment (386: GODEBUG=asyncpreemptoff=1, see cpu_model.cpp).
  std::vector<std::pair<std::string, std::string>> env;
  /// "bwrap + qemu-arm-static -cpu arm1176", "bwrap (native)".
  std::string describe() const;
};

/// The runner for `platform` on this host, or nullopt with `why_not` set (no table entry,
/// qemu-ARCH-static not installed, amd64/v4 on a host without AVX-512). Doctor asks it too.
std::optional<TestRunner> test_runner_for(const Platform& platform, const Platform& host,
                                          std::string& why_not);

/// One platform of the image and how it will run.
struct PlannedPlatformTest {
  Platform platform;
  Descriptor manifest;
  std::optional<TestRunner> runner;  ///< nullopt: cannot be tested here (see why_not)
  std::string why_not;
};

/// The platforms of `image` to test, in index order: every platform manifest (entries that
/// are no platform, such as unknown/unknown attestations, are left out), or the ones in
/// `platforms`, with their runners (none with --docker). Throws InputError for a platform the
/// image lacks.
std::vector<PlannedPlatformTest> plan_image_test(const LayoutImage& image,
                                                 const std::vector<Platform>& platforms,
                                                 const ImageTestOptions& options,
                                                 const Platform& host);

struct PlatformTestResult {
  Platform platform;
  std::string manifest_digest;
  bool passed = false;
  bool ran = false;       ///< false when a check before running failed
  double seconds = 0;     ///< wall time of the run
  std::string cpu_model;  ///< "arm1176", "host", "docker"
  std::string runner;     ///< "bwrap + qemu-arm-static -cpu arm1176", "docker run ..."
  std::string check;      ///< "exit 0", "GET /healthz -> 200"
  std::optional<int> exit_code;
  std::string cause;                     ///< "" when passed; the likely cause in words
  std::vector<std::string> output_tail;  ///< last lines of the program's output
  /// Earlier runs not counted: "attempt 1: fatal error: wirep: already in go" (Go's runtime
  /// broken by QEMU, emulator_runtime_crash()); empty when the first run counted.
  std::vector<std::string> retried;
};

/// Runs per platform, at most, when Go's runtime keeps crashing under QEMU.
constexpr int kEmulatorAttempts = 3;

struct ImageTestReport {
  std::string index_digest;  ///< the index.json entry tested (what push sends)
  std::vector<PlatformTestResult> platforms;
  bool passed() const;
};

/// Runs `plan` one platform after the other. Every failure of the image itself is a failed
/// PlatformTestResult with its cause; RuntimeError for what stops the whole run (bwrap or
/// docker missing, the probe's port taken). `runner` runs `docker load` and `docker rm` for
/// --docker; `http` sends the probe's GETs.
ImageTestReport run_image_test(const OciLayout& layout, const LayoutImage& image,
                               const std::vector<PlannedPlatformTest>& plan,
                               const ImageTestOptions& options, ProcessRunner& runner,
                               HttpClient& http);

}  // namespace multiarch
