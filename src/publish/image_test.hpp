#pragma once
// `multiarch image test`: runs every platform's image from its own file system, on the
// platform's minimum CPU (platform/cpu_model.hpp), inside an unprivileged bubblewrap sandbox
// under qemu-user, and checks its exit status, output, or an HTTP endpoint. docs/test.md.
#include <optional>
#include <string>
#include <vector>

#include "oci/oci_layout.hpp"
#include "platform/platform.hpp"
#include "publish/layout_images.hpp"

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

struct PlatformTestResult {
  std::string platform;  ///< "linux/arm/v6"
  std::string manifest_digest;
  bool passed = false;
  bool ran = false;       ///< false when a check before running failed
  double seconds = 0;     ///< wall time of the run
  std::string cpu_model;  ///< "arm1176", "host", "docker"
  std::string runner;     ///< "bwrap + qemu-arm-static -cpu arm1176", "docker run"
  std::string check;      ///< "exit 0", "GET /healthz -> 200"
  std::optional<int> exit_code;
  std::string cause;                     ///< "" when passed; the likely cause in words
  std::vector<std::string> output_tail;  ///< last lines of the program's output
};

struct ImageTestReport {
  std::string index_digest;  ///< the index.json entry tested (what push sends)
  std::vector<PlatformTestResult> platforms;
  bool passed() const;
};

/// How `platform` would be tested here: the runner and CPU model, or nullopt with `why_not`
/// set (no table entry, qemu-ARCH-static missing, no AVX-512 for amd64/v4). For doctor.
struct TestRunner {
  std::vector<std::string> prefix;  ///< {"/usr/bin/qemu-arm-static", "-cpu", "arm1176"} or {}
  std::string qemu;                 ///< the emulator's path, "" for native
  std::string cpu_model;
  std::vector<std::pair<std::string, std::string>> env;
};
std::optional<TestRunner> test_runner_for(const Platform& platform, const Platform& host,
                                          std::string& why_not);

/// Tests `platforms` (all of the image's when empty) one after the other. Throws InputError for
/// bad options or a platform the image lacks; every failure of the image itself is a failed
/// PlatformTestResult with its cause.
ImageTestReport test_layout_image(const OciLayout& layout, const LayoutImage& image,
                                  const std::vector<Platform>& platforms,
                                  const ImageTestOptions& options, const Platform& host);

}  // namespace multiarch
