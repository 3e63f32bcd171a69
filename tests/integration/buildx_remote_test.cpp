// `multiarch buildx` with a real multi-platform builder: the pinned buildkitd started by the
// fixture and attached with `docker buildx create --driver remote`, pushing to a real registry
// (Debian's docker-registry) and writing OCI layouts checked by skopeo; the pushed image is
// pulled back and run under QEMU.
#include <gtest/gtest.h>

#include "buildkitd.hpp"
#include "buildx_support.hpp"
#include "image_test_support.hpp"
#include "registry.hpp"

namespace multiarch::test {
namespace {

TEST(BuildxRemote, PushesOneReproducibleIndexThatRunsUnderQemu) {
  MULTIARCH_REQUIRE_BUILDX(true);
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("qemu-aarch64-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  Registry registry;
  ASSERT_TRUE(registry.start());
  BuildkitBuilder builder;
  ASSERT_TRUE(builder.start());

  const std::string reference = registry.host() + "/multiarch-test/user:1.0";
  std::vector<std::string> args = {
      "buildx", "--generate", "--binaries-dir", binaries.string(), "--name", "user", "--builder",
      builder.name(), "--tag", reference, "--push", "--tz", "Asia/Shanghai", "--ca-certs", "--port",
      "8080",
      // Without multiarch's attestations buildx pushes itself: that path is tested here.
      "--sbom=false", "--provenance=false"};
  auto pushed = run_multiarch(args);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err << builder.log();
  EXPECT_NE(pushed.err.find("strategy multi-platform: builder \"" + builder.name() +
                            "\" (driver remote)"),
            std::string::npos)
      << pushed.err;
  std::string digest = trimmed(pushed.out);
  EXPECT_EQ(digest.rfind("sha256:", 0), 0u) << pushed.out;

  auto index = registry_index(registry, "multiarch-test/user", "1.0");
  EXPECT_EQ(index.digest, digest);
  // Provenance is off: no attestation manifests (unknown/unknown) next to the platforms.
  EXPECT_EQ(index.platforms, three_platforms()) << index.json.dump(2);
  EXPECT_TRUE(index.attestations.empty()) << index.json.dump(2);

  EXPECT_NE(pull_and_print_platform(reference, "linux/arm64")
                .find("GOARCH=arm64 GOARM64=v8.0 platform=linux/arm64 version=test"),
            std::string::npos);
  EXPECT_NE(pull_and_print_platform(reference, "linux/arm/v7")
                .find("GOARCH=arm GOARM=7 platform=linux/arm/v7 version=test"),
            std::string::npos);

  // Same binaries, same settings: the same index digest (staged mtimes and created are fixed).
  auto again = run_multiarch(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(trimmed(again.out), digest);

  // With multiarch's attestations (the default) the builder exports a layout in one call,
  // multiarch attests it and its registry client pushes it.
  const std::string attested_reference = registry.host() + "/multiarch-test/user:attested";
  std::vector<std::string> attested_args(args.begin(), args.end() - 2);
  for (auto& arg : attested_args)
    if (arg == reference) arg = attested_reference;
  auto attested = run_multiarch(attested_args);
  ASSERT_EQ(attested.exit_code, 0) << attested.err << builder.log();
  EXPECT_NE(attested.err.find("strategy multi-platform: builder \"" + builder.name() +
                              "\" (driver remote)"),
            std::string::npos)
      << attested.err;
  EXPECT_NE(attested.err.find("pushed by multiarch's registry client"), std::string::npos)
      << attested.err;
  auto attested_index = registry_index(registry, "multiarch-test/user", "attested");
  EXPECT_EQ(attested_index.digest, trimmed(attested.out));
  EXPECT_EQ(attested_index.platforms, three_platforms()) << attested_index.json.dump(2);
  EXPECT_EQ(attested_index.attestations.size(), 3u) << attested_index.json.dump(2);
}

TEST(BuildxRemote, UserDockerfileToAnOciLayoutThatSkopeoVerifies) {
  MULTIARCH_REQUIRE_BUILDX(true);
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  BuildkitBuilder builder;
  ASSERT_TRUE(builder.start());
  TempDir dir;
  atomic_write_file(dir / "Dockerfile",
                    "FROM scratch\n"
                    "ARG TARGETOS\n"
                    "ARG TARGETARCH\n"
                    "ARG TARGETVARIANT\n"
                    "COPY ${TARGETOS}_${TARGETARCH}${TARGETVARIANT:+_${TARGETVARIANT}}/order "
                    "/app/service\n"
                    "COPY rootfs/ /\n"
                    "ENTRYPOINT [\"/app/service\"]\n");
  atomic_write_file(dir / "config.yaml", "port: 8080\n");
  auto layout = dir / "layout";
  auto built = run_multiarch({"buildx", "--dockerfile", (dir / "Dockerfile").string(),
                              "--binaries-dir", binaries.string(), "--name", "order", "--builder",
                              builder.name(), "--tag", "example.com/team/order:2.0", "--file",
                              (dir / "config.yaml").string() + ":/etc/order.yaml",
                              "--output-layout", layout.string()});
  ASSERT_EQ(built.exit_code, 0) << built.err << builder.log();
  EXPECT_EQ(layout_platforms(layout, "2.0"), three_platforms());
  // buildx's multi-platform index, rewritten by multiarch with its attestations (issue 13).
  EXPECT_NE(built.err.find("attestations: multiarch's SBOM and provenance"), std::string::npos)
      << built.err;
  auto inspect = run_multiarch({"image", "inspect", "--layout", layout.string(), "--json"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  // Named: a range-for over a member of a temporary would read it after it is destroyed.
  auto inspected = nlohmann::json::parse(inspect.out);
  for (const auto& p : inspected["images"][0]["platforms"])
    EXPECT_EQ(p["attestations"].size(), 2u) << p.dump();
  auto entry = index_entry(layout);
  EXPECT_EQ(entry["digest"], trimmed(built.out));
  EXPECT_EQ(entry["annotations"]["io.containerd.image.name"], "example.com/team/order:2.0");

  auto copied = skopeo_verify(layout, "2.0", dir / "copy");
  EXPECT_EQ(copied.exit_code, 0) << copied.err;
  // The declared file went through the staged context into a layer (gzip tars in blobs/).
  int layers_with_config = 0;
  for (const auto& blob : std::filesystem::directory_iterator(layout / "blobs" / "sha256")) {
    auto listed = run({"tar", "-tzf", blob.path().string()});
    if (listed.ok() && listed.out.find("etc/order.yaml") != std::string::npos) ++layers_with_config;
  }
  EXPECT_GE(layers_with_config, 1);
}

}  // namespace
}  // namespace multiarch::test
