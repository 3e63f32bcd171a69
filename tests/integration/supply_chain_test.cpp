// SBOM and provenance checked by consumers no one on this team wrote: the Kratos benchmark
// workload cross-compiled by the real `multiarch go-build`, assembled with attestations, read
// by the SPDX project's Go library (tools/spdx-check), compared with syft's scan of the same
// layout, pushed to Debian's docker-registry and shown by `docker buildx imagetools inspect`,
// pulled and run by Docker, copied by skopeo; and built twice for byte-identical results.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "image_test_support.hpp"
#include "registry.hpp"

namespace multiarch::test {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kPlatforms = {"linux/amd64", "linux/arm64"};
constexpr const char* kEpoch = "1700000000";
constexpr const char* kToolsHint =
    "run scripts/install-supply-chain-tools (builds the pinned tools with the host's Go)";
constexpr const char* kToolsOptOut = "MULTIARCH_SKIP_SUPPLY_CHAIN_TOOLS";

fs::path kratos_module() { return source_dir() / "bench" / "workloads" / "kratos"; }

/// $MULTIARCH_TOOLS_DIR/bin/NAME (the folder scripts/install-supply-chain-tools fills), else
/// NAME on PATH.
std::string supply_chain_tool(const std::string& name) {
  std::string dir;
  if (const char* d = std::getenv("MULTIARCH_TOOLS_DIR"); d && *d)
    dir = d;
  else if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    dir = std::string(xdg) + "/multiarch/tools";
  else if (const char* home = std::getenv("HOME"); home && *home)
    dir = std::string(home) + "/.local/share/multiarch/tools";
  fs::path candidate = fs::path(dir) / "bin" / name;
  if (!dir.empty() && fs::exists(candidate)) return candidate.string();
  return name;
}

/// `multiarch go-build` of the kratos user service for kPlatforms into `dir`; {} after a
/// test failure.
fs::path go_build_kratos(const fs::path& dir) {
  auto result = run_multiarch({"go-build", "--module-dir", kratos_module().string(), "--package",
                               "./application/user/cmd/user", "--platform",
                               kPlatforms[0] + "," + kPlatforms[1], "--output-dir", dir.string(),
                               "--version", "test", "-q"});
  if (!result.ok()) {
    ADD_FAILURE() << "multiarch go-build of the kratos workload failed (modules: `go mod "
                     "download` in bench/workloads/kratos): "
                  << result.err;
    return {};
  }
  return dir;
}

/// The kratos user service for kPlatforms, built once per build tree and Go version.
fs::path kratos_binaries() {
  auto root = multiarch_binary().parent_path() / "test-data" / "kratos-binaries";
  fs::create_directories(root);
  int lock = ::open((root / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ::flock(lock, LOCK_EX);
  struct Unlock {
    int fd;
    ~Unlock() {
      ::flock(fd, LOCK_UN);
      ::close(fd);
    }
  } unlock{lock};
  Sha256 key;
  key.update(read_file(kratos_module() / "go.sum"));
  key.update(run({"go", "version"}).out);
  auto dir = root / key.hex_digest().substr(0, 16);
  if (fs::exists(dir / "complete")) return dir;
  if (go_build_kratos(dir).empty()) return {};
  atomic_write_file(dir / "complete", "");
  return dir;
}

/// go.sum's module hashes: "path version" -> "h1:..." (the /go.mod lines left out).
std::map<std::string, std::string> go_sum() {
  std::map<std::string, std::string> sums;
  std::istringstream in(read_file(kratos_module() / "go.sum"));
  std::string path, version, hash;
  while (in >> path >> version >> hash)
    if (version.find("/go.mod") == std::string::npos) sums[path + " " + version] = hash;
  return sums;
}

/// The SHA-256 in a go.sum "h1:<base64>" hash as hex (OpenSSL's base64 decoder).
std::string h1_hex(const std::string& h1) {
  std::string encoded = h1.substr(3);
  unsigned char decoded[64] = {};
  int n = EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(encoded.data()),
                          static_cast<int>(encoded.size()));
  std::string hex;
  for (int i = 0; i < n - 1 && i < 32; ++i) hex += fmt::format("{:02x}", decoded[i]);
  return hex;
}

fs::path assemble(const fs::path& layout, const fs::path& binaries,
                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"image",
                                   "assemble",
                                   "--binaries-dir",
                                   binaries.string(),
                                   "--name",
                                   "user",
                                   "--output",
                                   layout.string(),
                                   "--tag",
                                   "kratos-user:1.0",
                                   "--ca-certs",
                                   "--tz",
                                   "Asia/Shanghai",
                                   "--source-date-epoch",
                                   kEpoch,
                                   "--revision",
                                   "0123456789abcdef0123456789abcdef01234567"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto made = run_multiarch(args);
  EXPECT_EQ(made.exit_code, 0) << made.err;
  return layout;
}

struct SpdxPackage {
  std::string version, purl, sha256;
};
struct SpdxReading {
  std::map<std::string, SpdxPackage> packages;  ///< by name
  std::map<std::string, std::string> files;     ///< path -> sha256
};

/// Reads an SPDX file with tools-golang (spdx-check); fails the test when it cannot.
SpdxReading read_spdx(const fs::path& file) {
  auto checked = run({supply_chain_tool("spdx-check"), file.string()});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  SpdxReading reading;
  std::istringstream in(checked.out);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, '\t')) fields.push_back(field);
    if (fields.size() >= 4 && fields[0] == "package")
      reading.packages[fields[1]] = {fields[2], fields[3], fields.size() > 4 ? fields[4] : ""};
    if (fields.size() >= 3 && fields[0] == "file") reading.files[fields[1]] = fields[2];
  }
  return reading;
}

TEST(SupplyChain, KratosSbomListsGoSumModulesAndParsesWithSpdxTools) {
  MULTIARCH_REQUIRE_TOOL(supply_chain_tool("spdx-check"), kToolsHint, kToolsOptOut);
  auto binaries = kratos_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = assemble(dir / "oci", binaries, {"--metadata-file", (dir / "meta.json").string()});
  auto sums = go_sum();

  for (const auto& platform : kPlatforms) {
    auto sbom =
        run_multiarch({"image", "sbom", "--layout", layout.string(), "--platform", platform});
    ASSERT_EQ(sbom.exit_code, 0) << sbom.err;
    atomic_write_file(dir / "sbom.spdx.json", sbom.out);
    SpdxReading spdx = read_spdx(dir / "sbom.spdx.json");

    for (const auto& [module, version] : std::vector<std::pair<std::string, std::string>>{
             {"github.com/go-kratos/kratos/v2", "v2.8.3"},
             {"google.golang.org/grpc", "v1.61.1"},
             {"go.opentelemetry.io/otel", "v1.24.0"},
             {"go.opentelemetry.io/otel/sdk", "v1.24.0"},
             {"go.opentelemetry.io/otel/trace", "v1.24.0"}}) {
      ASSERT_TRUE(spdx.packages.count(module)) << platform << " lacks " << module;
      const auto& p = spdx.packages[module];
      EXPECT_EQ(p.version, version) << module;
      EXPECT_EQ(p.purl, "pkg:golang/" + module + "@" + version);
      ASSERT_TRUE(sums.count(module + " " + version)) << module;
      EXPECT_EQ(p.sha256, h1_hex(sums[module + " " + version])) << module;
    }
    // Every module with a hash has go.sum's hash.
    int modules = 0;
    for (const auto& [name, p] : spdx.packages) {
      if (p.purl.rfind("pkg:golang/", 0) != 0 || name == "stdlib" || p.sha256.empty()) continue;
      ++modules;
      ASSERT_TRUE(sums.count(name + " " + p.version)) << name << " " << p.version;
      EXPECT_EQ(p.sha256, h1_hex(sums[name + " " + p.version])) << name;
    }
    EXPECT_GT(modules, 15) << platform;
    std::string go_version = run({"go", "env", "GOVERSION"}).out;
    go_version = go_version.substr(0, go_version.find('\n'));
    EXPECT_EQ(spdx.packages["stdlib"].version, go_version);

    std::string slug = platform == "linux/amd64" ? "linux_amd64" : "linux_arm64";
    EXPECT_EQ(spdx.files["/app/service"], sha256_file_hex(binaries / slug / "user"));
    EXPECT_EQ(spdx.files["/usr/share/zoneinfo/Asia/Shanghai"],
              sha256_file_hex("/usr/share/zoneinfo/Asia/Shanghai"));
    EXPECT_EQ(spdx.files["/etc/ssl/certs/ca-certificates.crt"],
              sha256_file_hex("/etc/ssl/certs/ca-certificates.crt"));

    auto provenance =
        run_multiarch({"image", "provenance", "--layout", layout.string(), "--platform", platform});
    ASSERT_EQ(provenance.exit_code, 0) << provenance.err;
    auto p = nlohmann::json::parse(provenance.out);
    EXPECT_EQ(p["buildDefinition"]["externalParameters"]["platform"], platform);
    EXPECT_EQ(p["buildDefinition"]["externalParameters"]["package"],
              "example.com/kratosbench/application/user/cmd/user");
    EXPECT_EQ(p["buildDefinition"]["internalParameters"]["goVersion"], go_version);
    EXPECT_EQ(p["buildDefinition"]["resolvedDependencies"][0]["digest"]["gitCommit"],
              "0123456789abcdef0123456789abcdef01234567");
  }

  // image inspect lists them per platform; the metadata file names the same digests.
  auto inspect = run_multiarch({"image", "inspect", "--layout", layout.string(), "--json"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  auto image = nlohmann::json::parse(inspect.out)["images"][0];
  ASSERT_EQ(image["platforms"].size(), 2u);
  auto metadata = nlohmann::json::parse(read_file(dir / "meta.json"));
  EXPECT_EQ(metadata["containerimage.digest"], index_entry(layout)["digest"]);
  for (size_t i = 0; i < 2; ++i) {
    const auto& p = image["platforms"][i];
    ASSERT_EQ(p["attestations"].size(), 2u) << p.dump();
    EXPECT_EQ(p["attestations"][0]["predicateType"], "https://spdx.dev/Document");
    EXPECT_EQ(p["attestations"][1]["predicateType"], "https://slsa.dev/provenance/v1");
    EXPECT_EQ(metadata["platforms"][i], p["platform"]);
    EXPECT_EQ(metadata["manifests"][i]["digest"], p["digest"]);
    EXPECT_EQ(metadata["manifests"][i]["size"], p["size"]);
    EXPECT_EQ(metadata["manifests"][i]["attestation"], p["attestations"][0]["manifest"]);
  }
}

struct GoModuleFacts {
  std::string version, purl, sha256;
  bool operator==(const GoModuleFacts& o) const {
    return version == o.version && purl == o.purl && sha256 == o.sha256;
  }
};

std::ostream& operator<<(std::ostream& out, const GoModuleFacts& m) {
  return out << m.version << " " << m.purl << " " << m.sha256;
}

/// The Go modules of an SPDX document (every package with a pkg:golang purl): name -> facts.
std::map<std::string, GoModuleFacts> go_modules_of(const nlohmann::json& spdx) {
  std::map<std::string, GoModuleFacts> modules;
  for (const auto& p : spdx["packages"]) {
    for (const auto& ref : p.value("externalRefs", nlohmann::json::array())) {
      std::string purl = ref["referenceLocator"].get<std::string>();
      if (ref["referenceType"] != "purl" || purl.rfind("pkg:golang/", 0) != 0) continue;
      GoModuleFacts facts{p.value("versionInfo", ""), purl, ""};
      for (const auto& c : p.value("checksums", nlohmann::json::array()))
        if (c["algorithm"] == "SHA256") facts.sha256 = c["checksumValue"];
      modules[p["name"].get<std::string>()] = facts;
    }
  }
  return modules;
}

// syft (pinned in scripts/install-supply-chain-tools) scans the same OCI layout with its Go
// binary cataloger, which reads the same build info Go embeds. Module for module, multiarch
// and syft agree on the name, the version, the purl and the SHA-256 of the go.sum h1 hash (the
// Kratos workload: 25 Go packages per platform, the main module, 23 dependencies with hashes
// and stdlib). The one difference, checked here rather than hidden: the main module's version.
// Go records "(devel)" for a build inside the module's own tree (multiarch builds with
// -buildvcs=false, so there is no VCS-derived version either); multiarch keeps Go's word as the
// SPDX versionInfo, syft writes "UNKNOWN". Both give it a purl without a version. Packages
// that are not Go modules (the image itself, the files multiarch lists, syft's own root
// package) are outside the comparison.
// The benchmark's Kratos service is a real one: its image starts on every platform, under
// QEMU on the minimum CPU, reads its config and answers /healthz (Kratos registers the gRPC
// health service itself; a second registration used to kill it at start).
TEST(KratosWorkload, UserImageStartsAndAnswersOnEveryPlatform) {
  if (!require_sandbox() || !require_tool("qemu-aarch64-static", "apt-get install qemu-user-static",
                                          "MULTIARCH_SKIP_QEMU"))
    GTEST_SKIP();
  auto binaries = kratos_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  atomic_write_file(dir / "user.yaml",
                    "server:\n"
                    "  http: {network: tcp, addr: \"127.0.0.1:18435\", timeout: 1s}\n"
                    "  grpc: {network: tcp, addr: \"127.0.0.1:18436\", timeout: 1s}\n"
                    "data: {capacity: 16}\n");
  assemble(dir / "oci", binaries,
           {"--file", (dir / "user.yaml").string() + ":/data/conf/user.yaml"});
  auto tested = run_multiarch({"image", "test", "--layout", (dir / "oci").string(), "--json",
                               "--timeout", "120", "--http-get", "/healthz", "--port", "18435",
                               "--", "-conf", "/data/conf/user.yaml"});
  auto report = nlohmann::json::parse(tested.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << tested.out << tested.err;
  ASSERT_EQ(report["platforms"].size(), kPlatforms.size()) << report.dump(2);
  for (const auto& p : report["platforms"]) {
    EXPECT_TRUE(p["passed"].get<bool>()) << p.dump(2);
    EXPECT_EQ(p["check"], "GET /healthz -> 200");
  }
  EXPECT_EQ(tested.exit_code, 0) << tested.err;
}

TEST(SupplyChain, SyftFindsTheSameModulesInTheSameLayout) {
  MULTIARCH_REQUIRE_TOOL(supply_chain_tool("syft"), kToolsHint, kToolsOptOut);
  auto binaries = kratos_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = assemble(dir / "oci", binaries);
  for (const auto& platform : kPlatforms) {
    SCOPED_TRACE(platform);
    auto ours =
        run_multiarch({"image", "sbom", "--layout", layout.string(), "--platform", platform});
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    // syft reads the same OCI layout (oci-dir: source), offline, no cataloguers but Go's.
    auto syft = run(
        {supply_chain_tool("syft"), "scan", "oci-dir:" + layout.string(), "--platform", platform,
         "--override-default-catalogers", "go-module-binary-cataloger", "-o", "spdx-json", "-q"},
        {}, {{"SYFT_CHECK_FOR_APP_UPDATE", "false"}});
    ASSERT_EQ(syft.exit_code, 0) << syft.err;
    auto mine = go_modules_of(nlohmann::json::parse(ours.out));
    auto theirs = go_modules_of(nlohmann::json::parse(syft.out));
    const std::string main_module = "example.com/kratosbench";
    ASSERT_TRUE(mine.count(main_module) && theirs.count(main_module));
    EXPECT_EQ(mine[main_module].version, "(devel)");
    EXPECT_EQ(theirs[main_module].version, "UNKNOWN");
    EXPECT_EQ(mine[main_module].purl, "pkg:golang/" + main_module);
    EXPECT_EQ(theirs[main_module].purl, mine[main_module].purl);
    mine.erase(main_module);
    theirs.erase(main_module);
    EXPECT_EQ(mine, theirs);
    size_t hashed = 0;
    for (const auto& [name, m] : mine) hashed += m.sha256.empty() ? 0 : 1;
    EXPECT_EQ(mine.size(), hashed + 1) << "every module but stdlib has its go.sum hash";
    EXPECT_GT(mine.size(), 15u);
  }
}

// Two clean builds: the cached kratos binaries and a fresh `multiarch go-build` into a new
// folder, each assembled into a new layout, give the same binaries, blobs, index digest, SBOM
// and provenance bytes.
TEST(SupplyChain, TwoCleanBuildsAreByteIdentical) {
  auto binaries = kratos_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto rebuilt = go_build_kratos(dir / "bin");
  ASSERT_FALSE(rebuilt.empty());
  for (const auto& slug : {"linux_amd64", "linux_arm64"})
    EXPECT_EQ(sha256_file_hex(binaries / slug / "user"), sha256_file_hex(rebuilt / slug / "user"))
        << slug;
  auto a = assemble(dir / "a", binaries);
  auto b = assemble(dir / "b", rebuilt);
  EXPECT_EQ(index_entry(a)["digest"], index_entry(b)["digest"]);
  EXPECT_EQ(snapshot(a / "blobs"), snapshot(b / "blobs"));
  for (const auto& platform : kPlatforms)
    for (const char* action : {"sbom", "provenance"}) {
      auto x = run_multiarch({"image", action, "--layout", a.string(), "--platform", platform});
      auto y = run_multiarch({"image", action, "--layout", b.string(), "--platform", platform});
      ASSERT_EQ(x.exit_code, 0) << x.err;
      EXPECT_EQ(x.out, y.out) << action << " " << platform;
    }
  // Off, the index is the plain one: no attestation entries.
  auto plain = assemble(dir / "plain", binaries, {"--sbom=false", "--provenance=false"});
  EXPECT_EQ(read_blob_json(plain, index_entry(plain)["digest"])["manifests"].size(), 2u);
  EXPECT_EQ(read_blob_json(a, index_entry(a)["digest"])["manifests"].size(), 4u);
}

TEST(SupplyChain, PushedAttestationsShowInImagetoolsAndSurviveSkopeoAndDocker) {
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER");
  auto binaries = kratos_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = assemble(dir / "oci", binaries);
  Registry registry;
  ASSERT_TRUE(registry.start());
  std::string reference = registry.host() + "/supply-chain/user:1.0";
  auto pushed = run_multiarch({"image", "push", "--layout", layout.string(), "--to", reference,
                               "--metadata-file", (dir / "push.json").string()});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err << registry.log();
  std::string digest = index_entry(layout)["digest"];
  auto metadata = nlohmann::json::parse(read_file(dir / "push.json"));
  EXPECT_EQ(metadata["pushed"][0], reference + "@" + digest);
  EXPECT_EQ(metadata["name"], registry.host() + "/supply-chain/user");
  EXPECT_EQ(metadata["tag"], "1.0");
  EXPECT_EQ(metadata["digest"], digest);
  EXPECT_EQ(metadata["manifests"].size(), kPlatforms.size());

  auto sbom =
      run({"docker", "buildx", "imagetools", "inspect", reference, "--format", "{{json .SBOM}}"});
  ASSERT_EQ(sbom.exit_code, 0) << sbom.err;
  auto sboms = nlohmann::json::parse(sbom.out);
  auto provenance = run(
      {"docker", "buildx", "imagetools", "inspect", reference, "--format", "{{json .Provenance}}"});
  ASSERT_EQ(provenance.exit_code, 0) << provenance.err;
  auto provenances = nlohmann::json::parse(provenance.out);
  for (const auto& platform : kPlatforms) {
    ASSERT_TRUE(sboms.contains(platform)) << sbom.out.substr(0, 2000);
    const auto& spdx = sboms[platform]["SPDX"];
    EXPECT_EQ(spdx["spdxVersion"], "SPDX-2.3");
    bool kratos = false;
    for (const auto& p : spdx["packages"])
      kratos =
          kratos || (p["name"] == "github.com/go-kratos/kratos/v2" && p["versionInfo"] == "v2.8.3");
    EXPECT_TRUE(kratos) << platform;
    ASSERT_TRUE(provenances.contains(platform)) << provenance.out.substr(0, 2000);
    EXPECT_EQ(provenances[platform]["SLSA"]["buildDefinition"]["externalParameters"]["platform"],
              platform)
        << provenances[platform].dump().substr(0, 2000);
  }

  // skopeo copies the index with its attestation manifests, digests unchanged.
  auto copied = run({"skopeo", "copy", "--all", "--preserve-digests", "--src-tls-verify=false",
                     "docker://" + reference, "oci:" + (dir / "copy").string() + ":1.0"});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_EQ(index_entry(dir / "copy")["digest"], digest);
  auto copied_index = read_blob_json(dir / "copy", digest);
  ASSERT_EQ(copied_index["manifests"].size(), 4u);
  EXPECT_EQ(copied_index["manifests"][2]["annotations"]["vnd.docker.reference.type"],
            "attestation-manifest");

  // Docker pulls and runs each platform; the attestation entries are ignored. Foreign
  // platforms run under QEMU through binfmt_misc (scripts/setup-test-env registers it).
  for (const auto& platform : kPlatforms) {
    std::string arch = platform.substr(platform.find('/') + 1);
    if (arch != "amd64") {
      bool registered = fs::exists("/proc/sys/fs/binfmt_misc/qemu-aarch64");
      const char* skip = std::getenv("MULTIARCH_SKIP_QEMU");
      if (!registered && skip && std::string(skip) == "1") continue;
      ASSERT_TRUE(registered) << "no qemu-aarch64 binfmt_misc handler: run "
                                 "scripts/setup-test-env (or MULTIARCH_SKIP_QEMU=1)";
    }
    auto pulled = run({"docker", "pull", "--platform", platform, reference});
    ASSERT_EQ(pulled.exit_code, 0) << pulled.out << pulled.err;
    auto ran = run({"docker", "run", "--rm", "--platform", platform, reference, "-print-platform"});
    auto id = run({"docker", "image", "inspect", "--format", "{{.Id}}", reference});
    run({"docker", "rmi", "--force", id.out.substr(0, id.out.find('\n'))});
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
    EXPECT_NE(ran.out.find("GOARCH=" + arch), std::string::npos) << ran.out;
  }
}

// Signing with cosign (pinned, scripts/install-supply-chain-tools), key pair mode, offline: no
// transparency log. The key's password reaches multiarch as a 0600 file and cosign through its
// environment, never an argument. `cosign verify --key` itself accepts the pushed image; after
// the tag is moved to another image, and even with the genuine signature copied onto that
// image's signature tag, cosign refuses it, and so does `multiarch image verify`, as it refuses
// the right image checked against another key.
TEST(SupplyChain, CosignVerifiesThePushedImageAndRefusesATamperedOne) {
  MULTIARCH_REQUIRE_TOOL(supply_chain_tool("cosign"), kToolsHint, kToolsOptOut);
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  MULTIARCH_REQUIRE_REGISTRY();
  const std::string cosign = supply_chain_tool("cosign");
  const std::string password = "correct horse battery staple";
  auto binaries = kratos_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = assemble(dir / "oci", binaries);
  Registry registry;
  ASSERT_TRUE(registry.start());
  std::string reference = registry.host() + "/signed/user:1.0";

  auto keys =
      run({cosign, "generate-key-pair"}, dir.path().string(), {{"COSIGN_PASSWORD", password}});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  atomic_write_file(dir / "password", password + "\n",
                    fs::perms::owner_read | fs::perms::owner_write);
  // A wrong password fails before anything is pushed: the tag never names an unsigned image.
  atomic_write_file(dir / "wrong", "not the password\n",
                    fs::perms::owner_read | fs::perms::owner_write);
  auto refused_key =
      run_multiarch({"image", "push", "--layout", layout.string(), "--to", reference, "--sign-key",
                     (dir / "cosign.key").string(), "--sign-password-file",
                     (dir / "wrong").string(), "--cosign", cosign});
  EXPECT_EQ(refused_key.exit_code, 1) << refused_key.err;
  EXPECT_NE(refused_key.err.find("nothing pushed"), std::string::npos) << refused_key.err;
  auto no_tag = run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference});
  EXPECT_NE(no_tag.exit_code, 0) << "the tag exists after a refused key: " << no_tag.out;
  auto dry = run_multiarch({"image", "push", "--layout", layout.string(), "--to", reference,
                            "--sign-key", (dir / "cosign.key").string(), "--sign-password-file",
                            (dir / "password").string(), "--cosign", cosign, "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find(cosign + " public-key --key " + (dir / "cosign.key").string()),
            std::string::npos)
      << dry.out;
  auto pushed = run_multiarch({"image", "push", "--layout", layout.string(), "--to", reference,
                               "--sign-key", (dir / "cosign.key").string(), "--sign-password-file",
                               (dir / "password").string(), "--cosign", cosign});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err << registry.log();
  // Two platform manifests and the index signed, two SBOMs and two provenances attested.
  EXPECT_NE(pushed.err.find("7 signatures and attestations"), std::string::npos) << pushed.err;
  std::string digest = index_entry(layout)["digest"];

  std::vector<std::string> cosign_verify = {cosign,
                                            "verify",
                                            "--key",
                                            (dir / "cosign.pub").string(),
                                            "--insecure-ignore-tlog=true",
                                            "--allow-http-registry=true",
                                            "--allow-insecure-registry=true"};
  auto verify = [&](const std::string& ref) {
    auto argv = cosign_verify;
    argv.push_back(ref);
    return run(argv);
  };
  auto genuine = verify(reference);
  EXPECT_EQ(genuine.exit_code, 0) << genuine.err;
  EXPECT_NE(genuine.out.find(digest.substr(7)), std::string::npos) << genuine.out;
  auto checked = run_multiarch({"image", "verify", "--key", (dir / "cosign.pub").string(),
                                reference, "--layout", layout.string(), "--cosign", cosign});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  for (const char* type : {"spdxjson", "slsaprovenance1"}) {
    size_t count = 0;
    for (size_t at = checked.out.find(std::string("verified ") + type); at != std::string::npos;
         at = checked.out.find(std::string("verified ") + type, at + 1))
      ++count;
    EXPECT_EQ(count, kPlatforms.size()) << type << "\n" << checked.out;
  }

  // Another image under the same tag, pushed without signing: nothing signed it.
  auto other = assemble(dir / "other", binaries, {"--env", "TAMPERED=1"});
  auto replaced = run_multiarch({"image", "push", "--layout", other.string(), "--to", reference});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  std::string tampered = index_entry(other)["digest"];
  ASSERT_NE(tampered, digest);
  auto unsigned_check = verify(reference);
  EXPECT_NE(unsigned_check.exit_code, 0) << unsigned_check.out;
  EXPECT_NE(unsigned_check.err.find("no signatures found"), std::string::npos)
      << unsigned_check.err;
  // The genuine signature copied onto the tampered image's signature tag: its payload names
  // the genuine digest, so the claim does not match.
  auto tag_of = [&](const std::string& d) {
    return "docker://" + registry.host() + "/signed/user:sha256-" + d.substr(7) + ".sig";
  };
  auto copied = run({"skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                     tag_of(digest), tag_of(tampered)});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  auto forged = verify(reference);
  EXPECT_NE(forged.exit_code, 0) << forged.out;
  EXPECT_NE(forged.err.find("invalid or missing digest in claim"), std::string::npos) << forged.err;
  auto refused = run_multiarch(
      {"image", "verify", "--key", (dir / "cosign.pub").string(), reference, "--cosign", cosign});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.err.find("cosign verify " + reference + " failed"), std::string::npos)
      << refused.err;

  // The genuine image by digest, against another key: refused too.
  TempDir other_keys;
  ASSERT_EQ(
      run({cosign, "generate-key-pair"}, other_keys.path().string(), {{"COSIGN_PASSWORD", "other"}})
          .exit_code,
      0);
  auto wrong_key = run_multiarch({"image", "verify", "--key", (other_keys / "cosign.pub").string(),
                                  registry.host() + "/signed/user@" + digest, "--cosign", cosign});
  EXPECT_EQ(wrong_key.exit_code, 1) << wrong_key.out;
}

}  // namespace
}  // namespace multiarch::test
