// `multiarch image test` with real QEMU, real bubblewrap and real images: the example service
// passes on every platform (arguments and the HTTP probe); deliberately wrong images fail
// with the right cause. Layouts of wrong images are written here by hand (image assemble
// refuses most of them).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness.hpp"
#include "oci/oci_descriptor.hpp"
#include "util/fs.hpp"

namespace multiarch::test {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kExamplePlatforms = {"linux/amd64",  "linux/arm64", "linux/arm/v7",
                                                    "linux/arm/v6", "linux/386",   "linux/ppc64le",
                                                    "linux/riscv64"};

bool require_sandbox() {
  if (!require_tool("bwrap", "install bubblewrap (scripts/install-deps test)",
                    "MULTIARCH_SKIP_QEMU"))
    return false;
  return require_tool("qemu-arm-static", "install qemu-user-static (scripts/install-deps test)",
                      "MULTIARCH_SKIP_QEMU");
}

std::string write_blob(const fs::path& layout, const std::string& bytes) {
  std::string digest = sha256_digest(bytes);
  fs::create_directories(layout / "blobs" / "sha256");
  std::ofstream(layout / "blobs" / "sha256" / digest.substr(7), std::ios::binary) << bytes;
  return digest;
}

/// One image: `files` (image path -> host file, mode 0755) in one uncompressed layer, the
/// platform `os/arch[/variant]` written in the config and the index as given (unchecked).
void write_layout(const fs::path& layout, const std::string& os, const std::string& arch,
                  const std::string& variant, const std::map<std::string, fs::path>& files,
                  const std::vector<std::string>& entrypoint) {
  TempDir staging;
  for (const auto& [path, source] : files) {
    fs::path target = staging.path() / fs::path(path).relative_path();
    fs::create_directories(target.parent_path());
    fs::copy_file(source, target);
    fs::permissions(target, fs::perms(0755));
  }
  fs::path tar = staging.path().parent_path() / (staging.path().filename().string() + ".tar");
  ProcessResult made = run({"tar", "--create", "--file", tar.string(), "--owner=0", "--group=0",
                            "--numeric-owner", "-C", staging.path().string(), "."});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string layer = read_file(tar);
  fs::remove(tar);
  fs::create_directories(layout);
  std::string diff_id = write_blob(layout, layer);
  nlohmann::ordered_json config = {
      {"architecture", arch},
      {"os", os},
      {"config", {{"Entrypoint", entrypoint}, {"Env", {"PATH=/usr/bin:/bin"}}, {"User", "65532"}}},
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
  nlohmann::ordered_json platform = {{"architecture", arch}, {"os", os}};
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
  std::ofstream(layout / "index.json") << top.dump();
  std::ofstream(layout / "oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
}

/// `go build` of `package_dir` in `module` with GOOS=linux, CGO_ENABLED=0 and `env`.
fs::path go_build(const fs::path& module, const std::string& package_dir, const fs::path& out,
                  std::map<std::string, std::string> env) {
  env["GOOS"] = "linux";
  env["CGO_ENABLED"] = "0";
  env["GOFLAGS"] = "-trimpath";
  ProcessResult built = run({"go", "build", "-o", out.string(), package_dir}, module.string(), env);
  EXPECT_EQ(built.exit_code, 0) << built.err;
  return out;
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

class ImageRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!require_sandbox()) GTEST_SKIP();
    MULTIARCH_REQUIRE_TOOL("go", "install Go (scripts/install-go)", "MULTIARCH_SKIP_GO");
  }
};

TEST_F(ImageRunTest, ExamplePassesOnEveryPlatformWithArgumentsAndHttp) {
  TempDir dir;
  std::vector<std::string> build = {"go-build",
                                    "--module-dir",
                                    example_module().string(),
                                    "--package",
                                    "./application/user/cmd/user",
                                    "--output-dir",
                                    (dir / "out").string()};
  for (const auto& p : kExamplePlatforms) build.insert(build.end(), {"--platform", p});
  ProcessResult built = run_multiarch(build);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  ProcessResult assembled =
      run_multiarch({"image", "assemble", "--binaries-dir", (dir / "out").string(), "--name",
                     "user", "--output", (dir / "oci").string(), "--port", "8080"});
  ASSERT_EQ(assembled.exit_code, 0) << assembled.err;

  // Arguments: the binary reports the platform it was built for, on the minimum CPU.
  auto args =
      test_json(dir / "oci", {"--expect-output", "platform=linux/", "--", "--print-platform"});
  ASSERT_EQ(args["platforms"].size(), kExamplePlatforms.size());
  for (const auto& p : args["platforms"]) {
    EXPECT_TRUE(p["passed"].get<bool>()) << p.dump(2);
    EXPECT_FALSE(p["cpu_model"].get<std::string>().empty());
    std::string tail;
    for (const auto& line : p["output_tail"]) tail += line.get<std::string>() + "\n";
    EXPECT_NE(tail.find("platform=" + p["platform"].get<std::string>()), std::string::npos) << tail;
    std::cout << "args " << p["platform"] << " " << p["cpu_model"] << " " << p["seconds"] << " s\n";
  }
  EXPECT_EQ(args["platforms"][0]["cpu_model"], "Opteron_G1");  // the host's own platform too

  // The HTTP probe: the service starts, listens, answers /healthz, and is stopped.
  auto http = test_json(
      dir / "oci", {"--http-get", "/healthz", "--port", "18431", "--", "-addr", "127.0.0.1:18431"});
  ASSERT_EQ(http["platforms"].size(), kExamplePlatforms.size());
  for (const auto& p : http["platforms"]) {
    EXPECT_TRUE(p["passed"].get<bool>()) << p.dump(2);
    EXPECT_EQ(p["check"], "GET /healthz -> 200");
    std::cout << "http " << p["platform"] << " " << p["cpu_model"] << " " << p["seconds"] << " s\n";
  }
  // A wrong status is a failure.
  auto missing = test_json(dir / "oci", {"--platform", "linux/arm64", "--http-get", "/nothing",
                                         "--port", "18431", "--", "-addr", "127.0.0.1:18431"});
  EXPECT_FALSE(missing["passed"].get<bool>());
  EXPECT_NE(missing["platforms"][0]["cause"].get<std::string>().find("answered 404"),
            std::string::npos);
}

std::string single_cause(const nlohmann::json& report) {
  EXPECT_FALSE(report.value("passed", true)) << report.dump(2);
  if (!report.contains("platforms") || report["platforms"].empty()) return {};
  return report["platforms"][0]["cause"].get<std::string>();
}

TEST_F(ImageRunTest, Goarm7BinaryLabelledArmV6DiesWithIllegalInstruction) {
  TempDir dir;
  fs::path binary = go_build(example_module(), "./application/user/cmd/user", dir / "user",
                             {{"GOARCH", "arm"}, {"GOARM", "7"}});
  write_layout(dir / "oci", "linux", "arm", "v6", {{"/app/service", binary}}, {"/app/service"});
  std::string cause = single_cause(test_json(dir / "oci", {"--", "--print-platform"}));
  EXPECT_NE(cause.find("illegal instruction (SIGILL) on arm1176"), std::string::npos) << cause;
  // The same binary labelled arm/v7 passes: the failure is the level, not the image.
  write_layout(dir / "oci7", "linux", "arm", "v7", {{"/app/service", binary}}, {"/app/service"});
  auto v7 = test_json(dir / "oci7", {"--", "--print-platform"});
  EXPECT_TRUE(v7["passed"].get<bool>()) << v7.dump(2);
}

TEST_F(ImageRunTest, Goamd64V3BinaryLabelledAmd64FailsEvenOnThisHost) {
  TempDir dir;
  fs::path binary = go_build(example_module(), "./application/user/cmd/user", dir / "user",
                             {{"GOARCH", "amd64"}, {"GOAMD64", "v3"}});
  write_layout(dir / "oci", "linux", "amd64", "", {{"/app/service", binary}}, {"/app/service"});
  std::string cause = single_cause(test_json(dir / "oci", {"--", "--print-platform"}));
  EXPECT_NE(cause.find("x86-64-v3 (GOAMD64=v3)"), std::string::npos) << cause;
  EXPECT_NE(cause.find("Opteron_G1"), std::string::npos) << cause;
}

TEST_F(ImageRunTest, DynamicBinaryWithoutInterpreterIsReported) {
  TempDir dir;
  fs::path dynamic = "/usr/bin/true";  // Debian's: dynamically linked against glibc
  write_layout(dir / "oci", "linux", "amd64", "", {{"/app/service", dynamic}}, {"/app/service"});
  std::string cause = single_cause(test_json(dir / "oci", {}));
  EXPECT_NE(cause.find("missing interpreter"), std::string::npos) << cause;
  EXPECT_NE(cause.find("ld-linux-x86-64.so.2"), std::string::npos) << cause;
}

TEST_F(ImageRunTest, Arm64BinaryLabelledAmd64IsAnExecFormatError) {
  TempDir dir;
  fs::path binary = go_build(example_module(), "./application/user/cmd/user", dir / "user",
                             {{"GOARCH", "arm64"}});
  write_layout(dir / "oci", "linux", "amd64", "", {{"/app/service", binary}}, {"/app/service"});
  std::string cause = single_cause(test_json(dir / "oci", {}));
  EXPECT_NE(cause.find("exec format error"), std::string::npos) << cause;
  EXPECT_NE(cause.find("aarch64"), std::string::npos) << cause;
}

TEST_F(ImageRunTest, MissingConfigFileAndMissingEntrypointAreMissingFiles) {
  TempDir dir;
  fs::create_directories(dir / "mod");
  std::ofstream(dir / "mod" / "go.mod") << "module configured\ngo 1.21\n";
  std::ofstream(dir / "mod" / "main.go") << R"(package main
import ("fmt"; "os")
func main() {
	data, err := os.ReadFile("/etc/service/config.json")
	if err != nil { fmt.Fprintln(os.Stderr, "config:", err); os.Exit(1) }
	fmt.Println(string(data))
}
)";
  fs::path binary = go_build(dir / "mod", ".", dir / "configured", {{"GOARCH", "arm64"}});
  write_layout(dir / "oci", "linux", "arm64", "", {{"/app/service", binary}}, {"/app/service"});
  std::string cause = single_cause(test_json(dir / "oci", {}));
  EXPECT_NE(cause.find("exited with 1, expected 0"), std::string::npos) << cause;
  EXPECT_NE(cause.find("missing file: the program could not open /etc/service/config.json"),
            std::string::npos)
      << cause;
  // With the file in the image it passes.
  std::ofstream(dir / "config.json") << "{}\n";
  write_layout(dir / "oci-ok", "linux", "arm64", "",
               {{"/app/service", binary}, {"/etc/service/config.json", dir / "config.json"}},
               {"/app/service"});
  auto ok = test_json(dir / "oci-ok", {"--expect-output", "^\\{\\}"});
  EXPECT_TRUE(ok["passed"].get<bool>()) << ok.dump(2);

  write_layout(dir / "oci-noentry", "linux", "arm64", "", {{"/app/service", binary}},
               {"/app/other"});
  std::string noentry = single_cause(test_json(dir / "oci-noentry", {}));
  EXPECT_NE(noentry.find("missing file: the entrypoint /app/other is not in the image"),
            std::string::npos)
      << noentry;
}

TEST_F(ImageRunTest, BadInputExitsTwo) {
  TempDir dir;
  ProcessResult result = run_multiarch({"image", "test", "--layout", (dir / "none").string()});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("not an OCI image layout"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace multiarch::test
