// `multiarch buildx` where no multi-platform builder exists: Docker 20.10's default builder
// (docker driver, classic image store) and no buildx plugin at all (the legacy builder). The
// same image must come out: pushed as one index to a real registry and run under QEMU, or
// merged into an OCI layout that skopeo verifies.
#include <gtest/gtest.h>

#include "buildkitd.hpp"
#include "buildx_support.hpp"
#include "image_test_support.hpp"
#include "registry.hpp"

namespace multiarch::test {
namespace {

/// An empty docker config folder: the CLI finds no buildx plugin there (nor in the system
/// plugin folders on this kind of machine), so multiarch must fall back to `docker build`.
std::map<std::string, std::string> without_buildx(const TempDir& dir) {
  std::filesystem::create_directories(dir / "docker-config");
  return {{"DOCKER_CONFIG", (dir / "docker-config").string()}};
}

// Without multiarch's attestations buildx pushes: the strategy made for the docker driver.
TEST(BuildxFallback, DockerDriverPushesEachPlatformAndJoinsThemWithImagetools) {
  MULTIARCH_REQUIRE_BUILDX(false);
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("qemu-arm-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  Registry registry;
  ASSERT_TRUE(registry.start());
  const std::string reference = registry.host() + "/multiarch-test/user:docker-driver";
  TempDir dir;
  auto pushed =
      run_multiarch({"buildx", "--generate", "--binaries-dir", binaries.string(), "--name", "user",
                     "--builder", "default", "--tag", reference, "--push", "--sbom=false",
                     "--provenance=false", "--metadata-file", (dir / "metadata.json").string()});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_NE(pushed.err.find("strategy per-platform-push: builder \"default\" (driver docker) "
                            "cannot export a multi-platform image"),
            std::string::npos)
      << pushed.err;
  auto index = registry_index(registry, "multiarch-test/user", "docker-driver");
  EXPECT_EQ(index.digest, trimmed(pushed.out));
  EXPECT_EQ(index.platforms, three_platforms()) << index.json.dump(2);
  EXPECT_TRUE(index.attestations.empty()) << index.json.dump(2);
  // The metadata file names the index the registry has: its kind (imagetools keeps Docker's
  // manifest list for Docker manifests) and size, as imagetools reported them.
  auto metadata = nlohmann::json::parse(read_file(dir / "metadata.json"));
  EXPECT_EQ(metadata["digest"], index.digest);
  EXPECT_EQ(metadata["mediaType"], index.json["mediaType"]) << metadata.dump(2);
  EXPECT_GT(metadata["size"].get<int64_t>(), 0) << metadata.dump(2);
  EXPECT_NE(pull_and_print_platform(reference, "linux/arm/v7")
                .find("GOARCH=arm GOARM=7 platform=linux/arm/v7 version=test"),
            std::string::npos);
}

// Issue 13: by default --push carries multiarch's SBOM and provenance. On the docker driver
// the platforms are merged into a layout in the work folder, attested, and pushed by
// multiarch's registry client: the registry gets the same index an --output-layout build of
// the same inputs writes, attestation manifests included, and docker still pulls a platform.
TEST(BuildxFallback, DockerDriverPushCarriesMultiarchsAttestations) {
  MULTIARCH_REQUIRE_BUILDX(false);
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  MULTIARCH_REQUIRE_TOOL("qemu-arm-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  Registry registry;
  ASSERT_TRUE(registry.start());
  TempDir dir;
  const std::string reference = registry.host() + "/team/svc:1";
  const std::string latest = registry.host() + "/team/svc:latest";
  std::vector<std::string> args = {"buildx", "--generate", "--binaries-dir", binaries.string(),
                                   "--name", "user",       "--builder",      "default",
                                   "--tag",  reference};
  auto dry = args;
  dry.insert(dry.end(), {"--tag", latest, "--push", "--dry-run"});
  auto planned = run_multiarch(dry);
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_NE(planned.err.find("pushed by multiarch's registry client"), std::string::npos)
      << planned.err;
  auto first_push = planned.err.find("# multiarch: push ");
  ASSERT_NE(first_push, std::string::npos) << planned.err;
  EXPECT_NE(planned.err.find("/layout to " + reference + "\n"), std::string::npos) << planned.err;
  EXPECT_NE(planned.err.find("/layout to " + latest + "\n"), std::string::npos) << planned.err;
  EXPECT_LT(planned.err.rfind("+ docker buildx build"), first_push) << planned.err;
  auto kept = planned.err.find("the context is kept in ");
  if (kept != std::string::npos)
    std::filesystem::remove_all(
        planned.err.substr(kept + 23, planned.err.find('\n', kept) - kept - 23));

  auto push_args = args;
  push_args.insert(push_args.end(), {"--tag", latest, "--push", "--metadata-file",
                                     (dir / "metadata.json").string()});
  auto pushed = run_multiarch(push_args);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_NE(pushed.err.find("strategy per-platform-merge: builder \"default\" (driver docker)"),
            std::string::npos)
      << pushed.err;
  EXPECT_NE(pushed.err.find("attestations: multiarch's SBOM and provenance per platform"),
            std::string::npos)
      << pushed.err;
  EXPECT_EQ(pushed.err.find("imagetools"), std::string::npos) << pushed.err;
  std::string digest = trimmed(pushed.out);

  auto index = registry_index(registry, "team/svc", "1");
  EXPECT_EQ(index.digest, digest);
  EXPECT_EQ(registry_index(registry, "team/svc", "latest").digest, digest);
  EXPECT_EQ(index.platforms, three_platforms()) << index.json.dump(2);
  ASSERT_EQ(index.attestations.size(), 3u) << index.json.dump(2);
  for (const auto& attestation : index.attestations) {
    EXPECT_EQ(attestation["platform"]["os"], "unknown");
    EXPECT_EQ(attestation["platform"]["architecture"], "unknown");
    EXPECT_TRUE(attestation["annotations"].contains("vnd.docker.reference.digest"));
  }

  // The metadata file, as `image push` writes it.
  auto metadata = nlohmann::json::parse(read_file(dir / "metadata.json"));
  EXPECT_EQ(metadata["name"], registry.host() + "/team/svc");
  EXPECT_EQ(metadata["tag"], "1");
  EXPECT_EQ(metadata["digest"], digest);
  EXPECT_EQ(metadata["pushed"], (nlohmann::json{reference + "@" + digest, latest + "@" + digest}));
  ASSERT_EQ(metadata["manifests"].size(), 3u) << metadata.dump(2);
  for (const auto& manifest : metadata["manifests"]) {
    EXPECT_GT(manifest.value("size", 0), 0) << metadata.dump(2);
    EXPECT_EQ(manifest.value("attestation", "").rfind("sha256:", 0), 0u) << metadata.dump(2);
  }

  // The same inputs into a layout: the same index.
  auto layout_args = args;
  layout_args.insert(layout_args.end(), {"--output-layout", (dir / "layout").string()});
  auto built = run_multiarch(layout_args);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_EQ(trimmed(built.out), digest);

  // skopeo reads the same index back.
  auto raw = run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(nlohmann::json::parse(raw.out), index.json);

  EXPECT_NE(pull_and_print_platform(reference, "linux/arm/v7")
                .find("GOARCH=arm GOARM=7 platform=linux/arm/v7 version=test"),
            std::string::npos);
}

TEST(BuildxFallback, DockerDriverLayoutIsMergedByMultiarch) {
  MULTIARCH_REQUIRE_BUILDX(false);
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = dir / "layout";
  auto built =
      run_multiarch({"buildx", "--generate", "--binaries-dir", binaries.string(), "--name", "user",
                     "--builder", "default", "--output-layout", layout.string(), "--tz", "UTC"});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_NE(built.err.find("strategy per-platform-merge"), std::string::npos) << built.err;
  EXPECT_EQ(layout_platforms(layout, "latest"), three_platforms());
  auto copied = skopeo_verify(layout, "latest", dir / "copy");
  EXPECT_EQ(copied.exit_code, 0) << copied.err;
  // This run's staging images (one per platform, named in its log) are gone from the engine.
  // (Other tests running at the same time have their own.)
  const std::string removal = "+ docker image rm --force ";
  int staged = 0;
  for (auto at = built.err.find(removal); at != std::string::npos;
       at = built.err.find(removal, at + 1)) {
    auto image =
        built.err.substr(at + removal.size(), built.err.find('\n', at) - at - removal.size());
    ++staged;
    EXPECT_NE(run({"docker", "image", "inspect", image}).exit_code, 0) << image << " remains";
  }
  EXPECT_EQ(staged, 3) << built.err;
}

TEST(BuildxFallback, WithoutBuildxTheLegacyBuilderPushesOneIndex) {
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER");
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("qemu-aarch64-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto env = without_buildx(dir);
  ASSERT_FALSE(run({"docker", "buildx", "version"}, {}, env).ok()) << "buildx still found";
  Registry registry;
  ASSERT_TRUE(registry.start());
  const std::string reference = registry.host() + "/multiarch-test/user:legacy";
  auto pushed = run_multiarch(
      {"buildx", "--generate", "--binaries-dir", binaries.string(), "--name", "user", "--tag",
       reference, "--push", "--ca-certs", "--sbom=false", "--provenance=false"},
      {}, env);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_NE(pushed.err.find("strategy docker-build: docker buildx is not installed"),
            std::string::npos)
      << pushed.err;
  EXPECT_NE(pushed.err.find("DOCKER_BUILDKIT=0 docker build --platform linux/arm/v7"),
            std::string::npos);
  auto index = registry_index(registry, "multiarch-test/user", "legacy");
  EXPECT_EQ(index.digest, trimmed(pushed.out));
  EXPECT_EQ(index.platforms, three_platforms()) << index.json.dump(2);
  EXPECT_NE(pull_and_print_platform(reference, "linux/arm64", env)
                .find("GOARCH=arm64 GOARM64=v8.0 platform=linux/arm64 version=test"),
            std::string::npos);
}

TEST(BuildxFallback, WithoutBuildxTheLegacyBuilderWritesAVerifiedLayout) {
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER");
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = dir / "layout";
  auto built =
      run_multiarch({"buildx", "--generate", "--binaries-dir", binaries.string(), "--name", "order",
                     "--output-layout", layout.string(), "--tag", "example.com/team/order:3"},
                    {}, without_buildx(dir));
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_NE(built.err.find("strategy docker-build"), std::string::npos) << built.err;
  EXPECT_EQ(layout_platforms(layout, "3"), three_platforms());
  auto copied = skopeo_verify(layout, "3", dir / "copy");
  EXPECT_EQ(copied.exit_code, 0) << copied.err;
}

}  // namespace
}  // namespace multiarch::test
