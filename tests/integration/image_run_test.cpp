// `multiarch image test` with real QEMU, real bubblewrap and real images: the example service
// passes on every platform (arguments and the HTTP probe); deliberately wrong images fail
// with the right cause; a push is refused unless the image it sends passed. Images that
// `image assemble` refuses (a binary above its platform's level or of another architecture)
// are written here by hand. The binaries are built once per build tree (image_test_support).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness.hpp"
#include "image_test_support.hpp"
#include "oci/oci_descriptor.hpp"
#include "publish/image_test.hpp"
#include "util/fs.hpp"

namespace multiarch::test {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kExamplePlatforms = {"linux/amd64",  "linux/arm64", "linux/arm/v7",
                                                    "linux/arm/v6", "linux/386",   "linux/ppc64le",
                                                    "linux/riscv64"};

/// The example's user service for kExamplePlatforms, and a GOAMD64=v3 build of it.
fs::path binaries() {
  std::vector<std::string> platforms = kExamplePlatforms;
  platforms.push_back("linux/amd64/v3");
  return example_binaries("image-run-binaries", platforms, {"user"});
}

std::string write_blob(const fs::path& layout, const std::string& bytes) {
  std::string digest = sha256_digest(bytes);
  atomic_write_file(layout / "blobs" / "sha256" / digest.substr(7), bytes);
  return digest;
}

/// One image whose platform is written as given, unchecked (what `image assemble` refuses):
/// `files` (image path -> host file, mode 0755) in one uncompressed layer.
void write_layout(const fs::path& layout, const std::string& arch, const std::string& variant,
                  const std::map<std::string, fs::path>& files) {
  TempDir staging;
  for (const auto& [path, source] : files) {
    fs::path target = staging.path() / fs::path(path).relative_path();
    fs::create_directories(target.parent_path());
    fs::copy_file(source, target);
    fs::permissions(target, fs::perms(0755));
  }
  fs::path tar = staging.path().string() + ".tar";
  ProcessResult made = run({"tar", "--create", "--file", tar.string(), "--owner=0", "--group=0",
                            "--numeric-owner", "-C", staging.path().string(), "."});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string layer = read_file(tar);
  fs::remove(tar);
  std::string diff_id = write_blob(layout, layer);
  nlohmann::ordered_json config = {
      {"architecture", arch},
      {"os", "linux"},
      {"config",
       {{"Entrypoint", {"/app/service"}}, {"Env", {"PATH=/usr/bin:/bin"}}, {"User", "65532"}}},
      {"rootfs", {{"type", "layers"}, {"diff_ids", {diff_id}}}}};
  if (!variant.empty()) config["variant"] = variant;
  std::string config_bytes = config.dump();
  nlohmann::ordered_json manifest = {{"schemaVersion", 2},
                                     {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                     {"config",
                                      {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                       {"digest", write_blob(layout, config_bytes)},
                                       {"size", config_bytes.size()}}},
                                     {"layers",
                                      {{{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                                        {"digest", diff_id},
                                        {"size", layer.size()}}}}};
  std::string manifest_bytes = manifest.dump();
  nlohmann::ordered_json platform = {{"architecture", arch}, {"os", "linux"}};
  if (!variant.empty()) platform["variant"] = variant;
  nlohmann::ordered_json index = {{"schemaVersion", 2},
                                  {"mediaType", "application/vnd.oci.image.index.v1+json"},
                                  {"manifests",
                                   {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                     {"digest", write_blob(layout, manifest_bytes)},
                                     {"size", manifest_bytes.size()},
                                     {"platform", platform}}}}};
  std::string index_bytes = index.dump();
  nlohmann::ordered_json top = {
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.oci.image.index.v1+json"},
      {"manifests",
       {{{"mediaType", "application/vnd.oci.image.index.v1+json"},
         {"digest", write_blob(layout, index_bytes)},
         {"size", index_bytes.size()},
         {"annotations", {{"org.opencontainers.image.ref.name", "latest"}}}}}}};
  atomic_write_file(layout / "index.json", top.dump());
  atomic_write_file(layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
}

nlohmann::json test_json(const fs::path& layout, std::vector<std::string> extra) {
  std::vector<std::string> args = {"image",  "test",      "--layout", layout.string(),
                                   "--json", "--timeout", "120"};
  args.insert(args.end(), extra.begin(), extra.end());
  ProcessResult result = run_multiarch(args);
  auto parsed = nlohmann::json::parse(result.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << result.out << result.err;
  if (parsed.is_discarded()) return nlohmann::json::object();
  EXPECT_EQ(result.exit_code, parsed["passed"].get<bool>() ? 0 : 1);
  return parsed;
}

std::string single_cause(const nlohmann::json& report) {
  EXPECT_FALSE(report.value("passed", true)) << report.dump(2);
  if (!report.contains("platforms") || report["platforms"].size() != 1) return report.dump();
  return report["platforms"][0]["cause"].get<std::string>();
}

/// `image push --dry-run --require-tested records`: the refusal comes before skopeo.
ProcessResult push_dry_run(const fs::path& layout, const fs::path& records) {
  return run_multiarch({"image", "push", "--layout", layout.string(), "--to",
                        "registry.invalid/team/user:1", "--require-tested", records.string(),
                        "--dry-run"});
}

class ImageRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // bubblewrap is the sandbox (opt-out MULTIARCH_SKIP_SANDBOX); QEMU runs every platform.
    if (!require_sandbox() ||
        !require_tool("qemu-arm-static", "apt-get install qemu-user-static", "MULTIARCH_SKIP_QEMU"))
      GTEST_SKIP();
    MULTIARCH_REQUIRE_TOOL("go", "install Go (scripts/install-go)", "MULTIARCH_SKIP_GO");
  }
};

TEST_F(ImageRunTest, ExamplePassesOnEveryPlatformWithArgumentsAndHttp) {
  TempDir dir;
  fs::path bin = binaries();
  ASSERT_FALSE(bin.empty());
  std::vector<std::string> assemble = {
      "image", "assemble", "--binaries-dir",       bin.string(), "--name",
      "user",  "--output", (dir / "oci").string(), "--port",     "8080"};
  for (const auto& p : kExamplePlatforms) assemble.insert(assemble.end(), {"--platform", p});
  ProcessResult assembled = run_multiarch(assemble);
  ASSERT_EQ(assembled.exit_code, 0) << assembled.err;

  // Before any test, a push that requires one is refused.
  ProcessResult refused = push_dry_run(dir / "oci", dir / "tested");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.err.find("refusing to push"), std::string::npos) << refused.err;

  // Arguments: the binary reports the platform it was built for, on the minimum CPU.
  auto args = test_json(dir / "oci", {"--expect-output", "platform=linux/", "--record",
                                      (dir / "tested").string(), "--", "--print-platform"});
  ASSERT_EQ(args["platforms"].size(), kExamplePlatforms.size()) << args.dump(2);
  std::map<std::string, std::string> cpu;
  for (const auto& p : args["platforms"]) {
    std::string platform = p["platform"].get<std::string>();
    EXPECT_TRUE(p["passed"].get<bool>()) << p.dump(2);
    cpu[platform] = p["cpu_model"].get<std::string>();
    std::string tail;
    for (const auto& line : p["output_tail"]) tail += line.get<std::string>() + "\n";
    EXPECT_NE(tail.find("platform=" + platform), std::string::npos) << tail;
    std::cout << "args " << platform << " cpu " << cpu[platform] << " " << p["seconds"] << " s\n";
  }
  EXPECT_EQ(cpu["linux/amd64"], "Opteron_G1");  // the host's own platform too
  EXPECT_EQ(cpu["linux/arm/v6"], "arm1176");
  // Every platform passed for this index: the push goes ahead.
  ProcessResult allowed = push_dry_run(dir / "oci", dir / "tested");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;

  // The HTTP probe: the service starts, listens, answers /healthz, and is stopped.
  auto http = test_json(
      dir / "oci", {"--http-get", "/healthz", "--port", "18431", "--", "-addr", "127.0.0.1:18431"});
  ASSERT_EQ(http["platforms"].size(), kExamplePlatforms.size());
  for (const auto& p : http["platforms"]) {
    EXPECT_TRUE(p["passed"].get<bool>()) << p.dump(2);
    EXPECT_EQ(p["check"], "GET /healthz -> 200");
    std::cout << "http " << p["platform"] << " cpu " << p["cpu_model"] << " " << p["seconds"]
              << " s\n";
  }
  // A wrong status is a failure.
  auto missing = test_json(dir / "oci", {"--platform", "linux/arm64", "--http-get", "/nothing",
                                         "--port", "18431", "--", "-addr", "127.0.0.1:18431"});
  EXPECT_NE(single_cause(missing).find("answered 404"), std::string::npos);
}

TEST_F(ImageRunTest, GoRuntimeCrashUnderQemuIsRetriedButTheProgramsOwnIsNot) {
  // A Go program that ends as qemu-i386 leaves Go's runtime after a signal (with "emulator"),
  // or as a program's own fatal error; run under qemu-aarch64 on cortex-a53.
  TempDir dir;
  fs::path module = dir / "crash";
  fs::create_directories(module);
  atomic_write_file(module / "go.mod", "module crash\n\ngo 1.21\n");
  atomic_write_file(module / "main.go", R"(package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "emulator" {
		fmt.Fprintln(os.Stderr, "fatal error: wirep: already in go")
	} else {
		fmt.Fprintln(os.Stderr, "fatal error: concurrent map writes")
	}
	os.Exit(2)
}
)");
  ProcessResult built =
      run({"go", "build", "-trimpath", "-o", (dir / "crash-arm64").string(), "."}, module.string(),
          {{"GOOS", "linux"}, {"GOARCH", "arm64"}, {"CGO_ENABLED", "0"}});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  write_layout(dir / "oci", "arm64", "", {{"/app/service", dir / "crash-arm64"}});

  auto emulator = test_json(dir / "oci", {"--", "emulator"});
  ASSERT_EQ(emulator["platforms"].size(), 1u) << emulator.dump(2);
  const auto& retried = emulator["platforms"][0]["retried"];
  ASSERT_EQ(retried.size(), static_cast<size_t>(kEmulatorAttempts - 1)) << emulator.dump(2);
  EXPECT_EQ(retried[0], "attempt 1: fatal error: wirep: already in go");
  EXPECT_NE(single_cause(emulator).find("Go's runtime crashed under QEMU"), std::string::npos);

  auto program = test_json(dir / "oci", {"--", "program"});
  EXPECT_TRUE(program["platforms"][0]["retried"].empty()) << program.dump(2);
  EXPECT_NE(single_cause(program).find("fatal error: concurrent map writes"), std::string::npos);
}

TEST_F(ImageRunTest, Goarm7BinaryLabelledArmV6DiesWithIllegalInstructionAndIsNotPushed) {
  TempDir dir;
  fs::path bin = binaries();
  ASSERT_FALSE(bin.empty());
  fs::path goarm7 = bin / "linux_arm_v7" / "user";
  write_layout(dir / "oci", "arm", "v6", {{"/app/service", goarm7}});
  std::string cause = single_cause(
      test_json(dir / "oci", {"--record", (dir / "tested").string(), "--", "--print-platform"}));
  EXPECT_NE(cause.find("illegal instruction (SIGILL) on arm1176"), std::string::npos) << cause;
  ProcessResult refused = push_dry_run(dir / "oci", dir / "tested");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("linux/arm/v6: no passing test"), std::string::npos) << refused.err;
  // The same binary labelled arm/v7 passes: the failure is the level, not the image.
  write_layout(dir / "oci7", "arm", "v7", {{"/app/service", goarm7}});
  auto v7 = test_json(dir / "oci7", {"--", "--print-platform"});
  EXPECT_TRUE(v7["passed"].get<bool>()) << v7.dump(2);
}

TEST_F(ImageRunTest, Goamd64V3BinaryLabelledAmd64FailsEvenOnThisHost) {
  TempDir dir;
  fs::path bin = binaries();
  ASSERT_FALSE(bin.empty());
  write_layout(dir / "oci", "amd64", "", {{"/app/service", bin / "linux_amd64_v3" / "user"}});
  std::string cause = single_cause(test_json(dir / "oci", {"--", "--print-platform"}));
  EXPECT_NE(cause.find("x86-64-v3 (GOAMD64=v3)"), std::string::npos) << cause;
  EXPECT_NE(cause.find("Opteron_G1"), std::string::npos) << cause;
}

TEST_F(ImageRunTest, Arm64BinaryLabelledAmd64IsAnExecFormatError) {
  TempDir dir;
  fs::path bin = binaries();
  ASSERT_FALSE(bin.empty());
  write_layout(dir / "oci", "amd64", "", {{"/app/service", bin / "linux_arm64" / "user"}});
  std::string cause = single_cause(test_json(dir / "oci", {}));
  EXPECT_NE(cause.find("exec format error"), std::string::npos) << cause;
  EXPECT_NE(cause.find("aarch64"), std::string::npos) << cause;
}

TEST_F(ImageRunTest, DynamicBinaryWithoutInterpreterIsReported) {
  TempDir dir;
  // Debian's /usr/bin/true: dynamically linked against glibc. assemble takes it only when
  // told its loader comes some other way, which is the mistake this catches.
  ProcessResult assembled =
      run_multiarch({"image", "assemble", "--binary", "linux/amd64=/usr/bin/true", "--name", "user",
                     "--allow-dynamic", "--output", (dir / "oci").string()});
  ASSERT_EQ(assembled.exit_code, 0) << assembled.err;
  std::string cause = single_cause(test_json(dir / "oci", {}));
  EXPECT_NE(cause.find("missing interpreter"), std::string::npos) << cause;
  EXPECT_NE(cause.find("ld-linux-x86-64.so.2"), std::string::npos) << cause;
}

TEST_F(ImageRunTest, ServiceWithoutItsConfigFileFailsNamingTheFile) {
  TempDir dir;
  fs::create_directories(dir / "mod/cmd/configured");
  atomic_write_file(dir / "mod/go.mod", "module configured\ngo 1.21\n");
  atomic_write_file(dir / "mod/cmd/configured/main.go", R"(package main

import (
	"fmt"
	"os"
)

func main() {
	data, err := os.ReadFile("/etc/service/config.json")
	if err != nil {
		fmt.Fprintln(os.Stderr, "config:", err)
		os.Exit(1)
	}
	fmt.Print(string(data))
}
)");
  ProcessResult built = run_multiarch({"go-build", "--module-dir", (dir / "mod").string(),
                                       "--package", "./cmd/configured", "--platform", "linux/arm64",
                                       "--output-dir", (dir / "out").string()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  auto assemble = [&](const std::string& output, std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "image",  "assemble",   "--binaries-dir", (dir / "out").string(),
        "--name", "configured", "--output",       (dir / output).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult result = run_multiarch(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
  };
  assemble("oci", {});
  std::string cause = single_cause(test_json(dir / "oci", {}));
  EXPECT_NE(cause.find("exited with 1, expected 0"), std::string::npos) << cause;
  EXPECT_NE(cause.find("missing file: the program could not open /etc/service/config.json"),
            std::string::npos)
      << cause;
  // With the file in the image it passes.
  atomic_write_file(dir / "config.json", "{}\n");
  assemble("oci-ok", {"--file", (dir / "config.json").string() + ":/etc/service/config.json"});
  auto ok = test_json(dir / "oci-ok", {"--expect-output", "^\\{\\}"});
  EXPECT_TRUE(ok["passed"].get<bool>()) << ok.dump(2);
  // An entrypoint that is not there is named before anything runs.
  assemble("oci-noentry", {"--entrypoint", R"(["/app/other"])"});
  std::string noentry = single_cause(test_json(dir / "oci-noentry", {}));
  EXPECT_NE(noentry.find("missing file: the entrypoint /app/other is not in the image"),
            std::string::npos)
      << noentry;
}

TEST_F(ImageRunTest, DockerRunsThePlatformThroughBinfmtAndCleansUp) {
  MULTIARCH_REQUIRE_TOOL("docker", "apt-get install docker.io", "MULTIARCH_SKIP_DOCKER");
  TempDir dir;
  fs::path bin = binaries();
  ASSERT_FALSE(bin.empty());
  ProcessResult assembled =
      run_multiarch({"image", "assemble", "--binaries-dir", bin.string(), "--name", "user",
                     "--platform", "linux/arm64", "--output", (dir / "oci").string()});
  ASSERT_EQ(assembled.exit_code, 0) << assembled.err;
  auto report = test_json(dir / "oci", {"--docker", "--expect-output", "platform=linux/arm64", "--",
                                        "--print-platform"});
  ASSERT_EQ(report["platforms"].size(), 1u) << report.dump(2);
  const auto& p = report["platforms"][0];
  EXPECT_TRUE(p["passed"].get<bool>()) << p.dump(2);
  EXPECT_EQ(p["cpu_model"], "docker");
  EXPECT_EQ(p["runner"], "docker run --platform linux/arm64");
  // The image it loaded is removed again.
  std::string tag =
      "multiarch-test:linux_arm64-" + p["manifest_digest"].get<std::string>().substr(7, 12);
  EXPECT_NE(run({"docker", "image", "inspect", tag}).exit_code, 0) << tag << " was left behind";
}

TEST_F(ImageRunTest, BadInputExitsTwo) {
  TempDir dir;
  ProcessResult result = run_multiarch({"image", "test", "--layout", (dir / "none").string()});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("not an OCI image layout"), std::string::npos) << result.err;
  result = run_multiarch({"image", "test", "--layout", (dir / "none").string(), "--port", "80"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("--port is for the HTTP probe"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace multiarch::test
