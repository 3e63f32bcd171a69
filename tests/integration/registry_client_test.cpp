// multiarch's registry client against real docker-registry instances on 127.0.0.1 under
// faults: the registry killed in the middle of a push and restarted (the rerun sends only the
// missing blobs), a proxy answering 500/429 to one request in five, a blob damaged in flight;
// the registry's token authentication with a token server written here; and `image merge` of
// two by-digest pushes that Docker then pulls by tag and runs per platform.
#include <gtest/gtest.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "image_test_support.hpp"
#include "loopback_server.hpp"
#include "oci/oci_layout.hpp"
#include "oci/oci_manifest.hpp"
#include "registry.hpp"

namespace multiarch::test {
namespace {
namespace fs = std::filesystem;

constexpr const char* kIndexType = "application/vnd.oci.image.index.v1+json";

/// A layout with one linux/amd64 manifest over `layers` random layers of `layer_size` bytes
/// (incompressible, so the registry has real work), tagged 1.0.
Descriptor random_layout(const fs::path& root, int layers, size_t layer_size) {
  OciLayout layout(root);
  LayoutTransaction tx(layout);
  std::mt19937_64 random(42);
  std::vector<Descriptor> descriptors;
  for (int i = 0; i < layers; ++i) {
    std::string bytes(layer_size, '\0');
    for (auto& c : bytes) c = static_cast<char>(random());
    descriptors.push_back(tx.put_blob("application/vnd.oci.image.layer.v1.tar", bytes));
  }
  auto config = tx.put_blob(media_type::kOciConfig,
                            R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}})");
  auto manifest = tx.put_blob(media_type::kOciManifest, manifest_json(config, descriptors, {}));
  manifest.platform = DescriptorPlatform{"amd64", "linux", "", ""};
  auto index = tx.put_blob(media_type::kOciIndex, index_json({manifest}, {}));
  index.annotations[kRefNameAnnotation] = "1.0";
  tx.write_index_json(index_json({index}, {}));
  tx.commit();
  return index;
}

size_t count_events(const std::string& out, const std::string& type) {
  size_t n = 0;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (line.find("\"event\":\"" + type + "\"") != std::string::npos) ++n;
  return n;
}

TEST(RegistryClient, KilledRegistryThenRerunSendsOnlyTheMissingBlobs) {
  MULTIARCH_REQUIRE_REGISTRY();
  TempDir dir;
  auto index = random_layout(dir / "layout", 24, 2u << 20);  // 24 layers of 2 MiB + a config
  Registry registry;
  ASSERT_TRUE(registry.start());
  std::string to = registry.host() + "/faults/big:1.0";

  // The push runs in the background, one blob at a time, its --json events to a file; the
  // registry is killed once a few blobs are in.
  auto events = dir / "first.jsonl";
  std::string error;
  pid_t push = start_background(
      {multiarch_binary().string(), "image", "push", "--layout", (dir / "layout").string(), "--to",
       to, "--jobs", "1", "--json", "--retries", "2"},
      events, error);
  ASSERT_GT(push, 0) << error;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_events(read_whole_file(events), "blob-pushed") < 4 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  registry.kill();
  int status = 0;
  ::waitpid(push, &status, 0);
  std::string first = read_whole_file(events);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << first;
  size_t pushed_before = count_events(first, "blob-pushed");
  ASSERT_GE(pushed_before, 4u) << first;
  ASSERT_LT(pushed_before, 25u) << "the push ended before the kill; nothing to resume";
  EXPECT_EQ(registry.get("/v2/faults/big/manifests/1.0", kIndexType).status, 0);

  ASSERT_TRUE(registry.restart());
  EXPECT_EQ(registry.get("/v2/faults/big/manifests/1.0", kIndexType).status, 404)
      << "no tag was set by the killed push";
  auto rerun =
      run_multiarch({"image", "push", "--layout", (dir / "layout").string(), "--to", to, "--json"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err << rerun.out;
  size_t existing = count_events(rerun.out, "blob-exists");
  size_t sent = count_events(rerun.out, "blob-pushed");
  EXPECT_EQ(existing + sent, 25u) << rerun.out;
  EXPECT_GE(existing, pushed_before) << "every blob confirmed before the kill is kept";
  EXPECT_EQ(sent, 25u - existing);
  std::cout << "[ figures  ] blobs confirmed before the kill: " << pushed_before
            << "; rerun: " << existing << " found by HEAD, " << sent << " sent\n";
  auto manifest = registry.get("/v2/faults/big/manifests/1.0", kIndexType);
  ASSERT_EQ(manifest.status, 200);
  EXPECT_EQ(sha256_digest(manifest.body), index.digest);
}

TEST(RegistryClient, ProxyFailingOneRequestInFiveStillCompletes) {
  MULTIARCH_REQUIRE_REGISTRY();
  TempDir dir;
  auto index = random_layout(dir / "layout", 12, 256u << 10);
  Registry registry;
  ASSERT_TRUE(registry.start());
  FaultProxy proxy(registry.port(), 5);
  std::string to = proxy.host() + "/faults/flaky:1.0";
  auto pushed =
      run_multiarch({"image", "push", "--layout", (dir / "layout").string(), "--to", to, "--json"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err << pushed.out;
  EXPECT_GE(proxy.faults(), 5) << "the proxy injected faults";
  EXPECT_EQ(count_events(pushed.out, "retry"), static_cast<size_t>(proxy.faults())) << pushed.out;
  std::cout << "[ figures  ] " << proxy.requests() << " requests through the proxy, "
            << proxy.faults() << " answered 500/429, all retried\n";
  auto manifest = registry.get("/v2/faults/flaky/manifests/1.0", kIndexType);
  ASSERT_EQ(manifest.status, 200);
  EXPECT_EQ(sha256_digest(manifest.body), index.digest);
}

TEST(RegistryClient, BlobDamagedInFlightIsCaughtByTheRegistryDigestCheck) {
  MULTIARCH_REQUIRE_REGISTRY();
  TempDir dir;
  auto index = random_layout(dir / "layout", 2, 64u << 10);
  Registry registry;
  ASSERT_TRUE(registry.start());
  FaultProxy proxy(registry.port(), 0, /*corrupt_first_blob=*/true);
  std::string to = proxy.host() + "/faults/damaged:1.0";
  auto pushed =
      run_multiarch({"image", "push", "--layout", (dir / "layout").string(), "--to", to, "--json"});
  EXPECT_EQ(proxy.corrupted(), 1);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err << pushed.out;
  EXPECT_NE(pushed.out.find("the registry's digest check failed (bytes damaged in flight)"),
            std::string::npos)
      << pushed.out;

  // With no retry budget the damage is the error, naming the blob; no tag is set.
  FaultProxy again(registry.port(), 0, true);
  auto failed = run_multiarch({"image", "push", "--layout", (dir / "layout").string(), "--to",
                               again.host() + "/faults/damaged2:1.0", "--retries", "1"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("digest check failed"), std::string::npos) << failed.err;
  EXPECT_EQ(registry.get("/v2/faults/damaged2/manifests/1.0", kIndexType).status, 404);
}

TEST(RegistryClient, TokenAuthenticationWithATokenServer) {
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("openssl", "apt-get install openssl", "MULTIARCH_SKIP_REGISTRY");
  TempDir dir;
  auto index = random_layout(dir / "layout", 3, 32u << 10);
  auto made = run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                   "token.key", "-out", "token.pem", "-days", "2", "-subj", "/CN=token signer"},
                  dir.path().string());
  ASSERT_TRUE(made.ok()) << made.err;
  TokenServer tokens("ci", "t0ken-pass", "multiarch-test-issuer", "multiarch-test-registry",
                     (dir / "token.key").string(), (dir / "token.pem").string());
  Registry registry;
  RegistryOptions options;
  options.token = RegistryTokenAuth{tokens.realm(), "multiarch-test-registry",
                                    "multiarch-test-issuer", dir / "token.pem"};
  ASSERT_TRUE(registry.start(options));
  std::string to = registry.host() + "/tokens/app:1.0";
  std::map<std::string, std::string> env = {{"HOME", dir.path().string()},
                                            {"DOCKER_CONFIG", (dir / "docker").string()}};
  auto anonymous =
      run_multiarch({"image", "push", "--layout", (dir / "layout").string(), "--to", to}, {}, env);
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find("registry " + registry.host()), std::string::npos) << anonymous.err;

  atomic_write_file(dir / "creds", "ci:t0ken-pass\n",
                    fs::perms::owner_read | fs::perms::owner_write);
  atomic_write_file(dir / "wrong", "ci:nope\n", fs::perms::owner_read | fs::perms::owner_write);
  auto wrong = run_multiarch({"image", "push", "--layout", (dir / "layout").string(), "--to", to,
                              "--creds-file", (dir / "wrong").string()},
                             {}, env);
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("registry " + registry.host() + " refused the credentials"),
            std::string::npos)
      << wrong.err;

  int before = tokens.tokens_issued();
  auto pushed = run_multiarch({"image", "push", "--layout", (dir / "layout").string(), "--to", to,
                               "--creds-file", (dir / "creds").string()},
                              {}, env);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err << registry.log();
  EXPECT_EQ(pushed.out, to + "@" + index.digest + "\n");
  EXPECT_EQ(tokens.tokens_issued() - before, 1) << "one token per scope for the whole run";

  auto pulled = run_multiarch({"image", "pull", to, "--layout", (dir / "pulled").string(),
                               "--creds-file", (dir / "creds").string()},
                              {}, env);
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_EQ(index_entry(dir / "pulled")["digest"], index.digest);
}

TEST(RegistryClient, MergeOfTwoByDigestPushesRunsPerPlatform) {
  MULTIARCH_REQUIRE_REGISTRY();
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  Registry registry;
  ASSERT_TRUE(registry.start());
  std::string repository = registry.host() + "/merge/user";
  // Two "jobs": each assembles and pushes one platform by digest.
  std::map<std::string, std::string> digests;
  for (std::string arch : {"amd64", "arm64"}) {
    auto layout = dir / arch;
    std::string platform = "linux/" + arch;
    auto made =
        run_multiarch({"image", "assemble", "--binary",
                       platform + "=" + (binaries / ("linux_" + arch) / "user").string(),
                       "--output", layout.string(), "--tag", "1.0", "--source-date-epoch", "4"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    auto pushed =
        run_multiarch({"image", "push", "--layout", layout.string(), "--to", repository,
                       "--by-digest", "--metadata-file", (dir / (arch + ".json")).string()});
    ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
    auto metadata = nlohmann::json::parse(read_whole_file(dir / (arch + ".json")));
    EXPECT_EQ(metadata["name"], repository);
    EXPECT_EQ(metadata["platforms"], nlohmann::json::array({platform}));
    digests[arch] = metadata["digest"];
    EXPECT_EQ(pushed.out, repository + "@" + digests[arch] + "\n");
  }
  EXPECT_EQ(registry.get("/v2/merge/user/tags/list").body.find("1.0"), std::string::npos)
      << "by-digest pushes set no tag";

  auto merged = run_multiarch({"image", "merge", "--to", repository + ":1.0", "--metadata-file",
                               (dir / "amd64.json").string(), "--metadata-file",
                               (dir / "arm64.json").string()});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  auto response = registry.get("/v2/merge/user/manifests/1.0", kIndexType);
  ASSERT_EQ(response.status, 200);
  auto merged_index = nlohmann::json::parse(response.body);
  // The two platforms, then their attestation manifests (SBOM and provenance are on by
  // default), each still naming its platform's manifest.
  std::vector<std::string> platforms;
  for (const auto& m : merged_index["manifests"])
    platforms.push_back(m["platform"]["os"].get<std::string>() + "/" +
                        m["platform"]["architecture"].get<std::string>());
  EXPECT_EQ(platforms, (std::vector<std::string>{"linux/amd64", "linux/arm64", "unknown/unknown",
                                                 "unknown/unknown"}));
  for (size_t i = 2; i < 4; ++i)
    EXPECT_EQ(merged_index["manifests"][i]["annotations"]["vnd.docker.reference.digest"],
              merged_index["manifests"][i - 2]["digest"]);
  EXPECT_EQ(merged.out, repository + ":1.0@" + sha256_digest(response.body) + "\n");

  // The same platform twice (another amd64 build) is refused, naming both sources.
  auto other = dir / "amd64-other";
  ASSERT_EQ(run_multiarch({"image", "assemble", "--binary",
                           "linux/amd64=" + (binaries / "linux_amd64" / "user").string(),
                           "--output", other.string(), "--tag", "1.0", "--source-date-epoch", "5"})
                .exit_code,
            0);
  auto other_push = run_multiarch(
      {"image", "push", "--layout", other.string(), "--to", repository, "--by-digest"});
  ASSERT_EQ(other_push.exit_code, 0) << other_push.err;
  std::string other_digest = other_push.out.substr(other_push.out.find('@') + 1, 71);
  auto duplicate = run_multiarch({"image", "merge", "--to", repository + ":dup", "--digest",
                                  digests["amd64"], "--digest", other_digest});
  EXPECT_EQ(duplicate.exit_code, 2);
  EXPECT_NE(duplicate.err.find("linux/amd64 comes from both " + digests["amd64"] + " and " +
                               other_digest),
            std::string::npos)
      << duplicate.err;

  if (std::getenv("MULTIARCH_SKIP_DOCKER") &&
      std::string(std::getenv("MULTIARCH_SKIP_DOCKER")) == "1")
    GTEST_SKIP() << "MULTIARCH_SKIP_DOCKER=1: not running the merged image";
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER");
  MULTIARCH_REQUIRE_TOOL("qemu-aarch64-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  std::string reference = repository + ":1.0";
  for (std::string arch : {"amd64", "arm64"}) {
    auto pulled = run({"docker", "pull", "--platform", "linux/" + arch, reference});
    ASSERT_EQ(pulled.exit_code, 0) << pulled.out << pulled.err;
    auto ran =
        run({"docker", "run", "--rm", "--platform", "linux/" + arch, reference, "-print-platform"});
    auto id = run({"docker", "image", "inspect", "--format", "{{.Id}}", reference});
    run({"docker", "rmi", "--force", id.out.substr(0, id.out.find('\n'))});
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
    EXPECT_NE(ran.out.find("platform=linux/" + arch), std::string::npos) << ran.out;
  }
}

}  // namespace
}  // namespace multiarch::test
