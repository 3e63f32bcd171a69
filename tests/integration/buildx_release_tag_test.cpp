// Docker 20.10's default builder (docker driver, BuildKit 0.8) against a real registry and
// engine: a failed per-platform push leaves the release tag and the user's local image alone
// (issue 17 item 6), and a layout's digest follows --source-date-epoch (item 5) with
// multiarch's attestations attached (issue 13).
#include <gtest/gtest.h>
#include <unistd.h>

#include "buildkitd.hpp"
#include "buildx_support.hpp"
#include "image_test_support.hpp"
#include "registry.hpp"

namespace multiarch::test {
namespace {

std::string image_id(const std::string& reference) {
  return trimmed(run({"docker", "image", "inspect", "--format", "{{.Id}}", reference}).out);
}

TEST(BuildxReleaseTag, AFailedPlatformLeavesTheTagAndTheLocalImageAlone) {
  MULTIARCH_REQUIRE_BUILDX(false);
  MULTIARCH_REQUIRE_REGISTRY();
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  Registry registry;
  ASSERT_TRUE(registry.start());
  const std::string reference = registry.host() + "/demo/hello:1.0";
  const std::vector<std::string> common = {"buildx",
                                           "--binaries-dir",
                                           binaries.string(),
                                           "--name",
                                           "user",
                                           "--builder",
                                           "default",
                                           "--platform",
                                           "linux/amd64,linux/arm64",
                                           "--tag",
                                           reference,
                                           "--push",
                                           "--sbom=false",
                                           "--provenance=false"};

  // The release as it is: a two-platform index, and a local image under the same name.
  auto args = common;
  args.push_back("--generate");
  auto released = run_multiarch(args);
  ASSERT_EQ(released.exit_code, 0) << released.err;
  auto before = registry_index(registry, "demo/hello", "1.0");
  ASSERT_EQ(before.digest, trimmed(released.out));
  ASSERT_EQ(before.platforms, (std::set<std::string>{"linux/amd64", "linux/arm64"}));
  auto pulled = run({"docker", "pull", "--platform", "linux/amd64", reference});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  struct RemoveLocal {
    std::string reference;
    ~RemoveLocal() { run({"docker", "image", "rm", "--force", reference}); }
  } remove_local{reference};
  std::string local_id = image_id(reference);
  ASSERT_FALSE(local_id.empty());

  // A Dockerfile whose arm64 build fails: it COPYs a file given only for amd64; the amd64
  // build (first) succeeds and is pushed. The empty ARG SUFFIX hides the source from
  // multiarch's own context check (an unknown ARG is not guessed), so BuildKit is the one to
  // fail, after amd64 was pushed.
  TempDir dir;
  atomic_write_file(dir / "only-amd64.txt", "amd64\n");
  atomic_write_file(dir / "Dockerfile",
                    "FROM scratch\n"
                    "ARG TARGETOS\n"
                    "ARG TARGETARCH\n"
                    "ARG SUFFIX\n"
                    "COPY ${TARGETOS}_${TARGETARCH}/user /app/service\n"
                    "COPY rootfs/only-${TARGETARCH}${SUFFIX}.txt /etc/\n");
  args = common;
  args.insert(args.end(), {"--dockerfile", (dir / "Dockerfile").string(), "--file",
                           (dir / "only-amd64.txt").string() + ":/only-amd64.txt"});
  auto failed = run_multiarch(args);
  ASSERT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_NE(failed.err.find("linux/arm64"), std::string::npos) << failed.err;
  // The strategy line names imagetools in prose; no imagetools command may run.
  EXPECT_EQ(failed.err.find("+ docker buildx imagetools create"), std::string::npos) << failed.err;

  auto after = registry_index(registry, "demo/hello", "1.0");
  EXPECT_EQ(after.digest, before.digest) << "the release tag moved:\n" << failed.err;
  EXPECT_EQ(after.platforms, before.platforms);
  EXPECT_EQ(image_id(reference), local_id) << "the user's local image was removed";
  EXPECT_EQ(failed.err.find("image rm --force " + reference + "\n"), std::string::npos)
      << failed.err;
  // What multiarch made in the engine (the staging image of the pushed platform) is gone.
  EXPECT_NE(run({"docker", "image", "inspect",
                 registry.host() + "/demo/hello:multiarch-staging-linux_amd64-1.0"})
                .exit_code,
            0);
}

nlohmann::json layout_config(const std::filesystem::path& layout, const std::string& digest,
                             const std::string& platform) {
  auto index = read_blob_json(layout, digest);
  for (const auto& m : index["manifests"]) {
    std::string p = m["platform"].value("os", "") + "/" + m["platform"].value("architecture", "");
    if (p != platform) continue;
    auto manifest = read_blob_json(layout, m["digest"]);
    return read_blob_json(layout, manifest["config"]["digest"]);
  }
  return {};
}

TEST(BuildxEpoch, LayoutDigestFollowsTheEpochOnTheDefaultBuilder) {
  MULTIARCH_REQUIRE_BUILDX(false);
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto build = [&](const std::string& epoch, const std::string& name) {
    auto layout = dir / name;
    auto built = run_multiarch(
        {"buildx", "--generate", "--binaries-dir", binaries.string(), "--name", "user", "--builder",
         "default", "--platform", "linux/amd64,linux/arm64", "--output-layout", layout.string(),
         "--source-date-epoch", epoch, "--metadata-file", (dir / (name + ".json")).string()});
    EXPECT_EQ(built.exit_code, 0) << built.err;
    EXPECT_NE(built.err.find("strategy per-platform-merge"), std::string::npos) << built.err;
    EXPECT_EQ(built.err.find("warning"), std::string::npos) << built.err;
    EXPECT_NE(built.err.find("attestations: multiarch's SBOM and provenance per platform"),
              std::string::npos)
        << built.err;
    return std::make_pair(trimmed(built.out), layout);
  };
  auto [first, first_layout] = build("1000", "a");
  auto [second, second_layout] = build("2000", "b");
  auto [again, again_layout] = build("1000", "c");
  ASSERT_FALSE(first.empty());
  for (const char* platform : {"linux/amd64", "linux/arm64"}) {
    SCOPED_TRACE(platform);
    auto config = layout_config(first_layout, first, platform);
    EXPECT_EQ(config.value("created", ""), "1970-01-01T00:16:40Z") << config.dump();
    for (const auto& step : config.value("history", nlohmann::json::array()))
      EXPECT_EQ(step.value("created", ""), "1970-01-01T00:16:40Z") << config.dump();
    EXPECT_EQ(layout_config(second_layout, second, platform).value("created", ""),
              "1970-01-01T00:33:20Z");
  }
  EXPECT_NE(first, second);
  EXPECT_EQ(first, again) << "the same inputs and epoch must give the same digest";

  // multiarch wrote the index, so it attached its own SBOM and provenance (by default), and
  // they are as reproducible as the images: `again`'s digest above covers them.
  auto inspect = run_multiarch({"image", "inspect", "--layout", first_layout.string(), "--json"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  auto image = nlohmann::json::parse(inspect.out)["images"][0];
  ASSERT_EQ(image["platforms"].size(), 2u) << image.dump(2);
  auto metadata = nlohmann::json::parse(read_file(first_layout.parent_path() / "a.json"));
  EXPECT_EQ(metadata["containerimage.digest"], first);
  for (size_t i = 0; i < 2; ++i) {
    const auto& p = image["platforms"][i];
    ASSERT_EQ(p["attestations"].size(), 2u) << p.dump();
    EXPECT_EQ(p["attestations"][0]["predicateType"], "https://spdx.dev/Document");
    EXPECT_EQ(p["attestations"][1]["predicateType"], "https://slsa.dev/provenance/v1");
    EXPECT_EQ(metadata["manifests"][i]["digest"], p["digest"]);
    EXPECT_EQ(metadata["manifests"][i]["attestation"], p["attestations"][0]["manifest"]);
  }
  auto sbom = run_multiarch(
      {"image", "sbom", "--layout", first_layout.string(), "--platform", "linux/arm64"});
  ASSERT_EQ(sbom.exit_code, 0) << sbom.err;
  auto spdx = nlohmann::json::parse(sbom.out);
  EXPECT_EQ(spdx["spdxVersion"], "SPDX-2.3");
  bool main_module = false;
  for (const auto& package : spdx["packages"])
    if (package.value("primaryPackagePurpose", "") == "APPLICATION" &&
        package.value("name", "") == "example.com/monorepo")
      main_module = true;
  EXPECT_TRUE(main_module) << sbom.out;
  auto provenance = run_multiarch(
      {"image", "provenance", "--layout", first_layout.string(), "--platform", "linux/arm64"});
  ASSERT_EQ(provenance.exit_code, 0) << provenance.err;
  EXPECT_EQ(nlohmann::json::parse(provenance.out)["buildDefinition"]["buildType"],
            "urn:multiarch:buildtype:buildx:v1");
  // `image load` takes the platform image and skips the attestation manifests.
  const std::string reference = "multiarch-test/buildx-attested:" + std::to_string(::getpid());
  auto loaded = run_multiarch({"image", "load", "--layout", first_layout.string(), "--platform",
                               "linux/amd64", "--tag", reference});
  run({"docker", "rmi", "--force", reference});
  EXPECT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_EQ(loaded.out, "Loaded image: " + reference + "\n");
}

TEST(BuildxEpoch, PushOnTheDefaultBuilderSaysItCannotBeforeBuilding) {
  MULTIARCH_REQUIRE_BUILDX(false);
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  std::vector<std::string> args = {"buildx",         "--generate",
                                   "--binaries-dir", binaries.string(),
                                   "--name",         "user",
                                   "--builder",      "default",
                                   "--platform",     "linux/amd64,linux/arm64",
                                   "--tag",          "127.0.0.1:9/demo/x:1",
                                   "--sbom=false",   "--provenance=false",
                                   "--push",         "--dry-run"};
  auto warned = run_multiarch(args);
  EXPECT_EQ(warned.exit_code, 0) << warned.err;
  auto warning = warned.err.find("warning: builder \"default\" (driver docker) runs BuildKit v0.");
  EXPECT_NE(warning, std::string::npos) << warned.err;
  EXPECT_LT(warning, warned.err.find("+ docker buildx build")) << warned.err;
  args.pop_back();
  args.insert(args.end(), {"--source-date-epoch", "1000"});
  auto refused = run_multiarch(args);
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("--source-date-epoch cannot be honoured"), std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find("+ docker buildx build"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace multiarch::test
