// Carrying out each strategy against a scripted docker: the commands in order, the merge of
// per-platform images, the digest reported, and clean-up on failure.
#include "buildx/buildx_run.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "buildx/build_context.hpp"
#include "buildx/buildx_build.hpp"
#include "buildx_test_support.hpp"
#include "oci/attestation_manifest.hpp"
#include "oci/oci_layout.hpp"
#include "oci/oci_manifest.hpp"
#include "support/fake_binaries.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {
namespace fs = std::filesystem;
using test::docker_save;
using test::failed;
using test::flag_value;
using test::ok;
using test::ScriptedRunner;

const Platform kAmd64{"linux", "amd64", ""};
const Platform kArmV7{"linux", "arm", "v7"};
const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');
const std::string kDigestC = "sha256:" + std::string(64, 'c');

class BuildxRunTest : public ::testing::Test {
 protected:
  BuildxJob job(OutputKind output) {
    BuildxJob j;
    j.output = output;
    j.host = kAmd64;
    j.work_dir = work_.path();
    j.layout_dir = work_.path() / "layout";
    j.request.context = work_.path() / "context";
    j.request.dockerfile = work_.path() / "Dockerfile";
    j.request.platforms = {kAmd64, kArmV7};
    j.request.tags = {"127.0.0.1:5000/team/user:1.0"};
    j.legacy_dockerfile = [this](const Platform& p) {
      return work_.path() / ("Dockerfile." + p.slug());
    };
    return j;
  }
  /// buildx writes `digest` into its --metadata-file, as the real one does.
  static ScriptedRunner::Action write_metadata(
      std::function<std::string(const ProcessSpec&)> digest) {
    return [digest](const ProcessSpec& spec) {
      test::write_file(flag_value(spec, "--metadata-file"),
                       "{\"containerimage.digest\": \"" + digest(spec) + "\"}");
      return ok();
    };
  }
  /// The docker commands of the per-platform-merge strategy: `buildx build --load` and
  /// `image rm` succeed, `docker save` gives an archive of the platform it was asked for.
  static void script_per_platform_merge(ScriptedRunner& runner) {
    runner.on({"docker", "buildx", "build"}, ok());
    runner.on({"docker", "save"}, [](const ProcessSpec& spec) {
      bool arm = spec.argv[2].find("linux_arm_v7") != std::string::npos;
      return ok(arm ? docker_save("linux", "arm", "v7") : docker_save("linux", "amd64", ""));
    });
    runner.on({"docker", "image", "rm"}, ok());
  }
  /// multiarch's SBOM and provenance on, from fake Go binaries with build info.
  void attest(BuildxJob& j) {
    j.attest.options.sbom = true;
    j.attest.options.provenance = true;
    j.attest.options.references = {"user:1.0"};
    j.attest.platforms = j.request.platforms;
    j.attest.image_name = "user:1.0";
    j.attest.epoch = 10;
    for (const auto& [platform, goarch] : {std::pair{kAmd64, "amd64"}, {kArmV7, "arm"}}) {
      fs::path binary = work_.path() / "context" / platform.slug() / "user";
      test::write_file(binary, test::elf_for(goarch) + std::string(64, '\0') +
                                   test::go_build_info_blob("go1.26.8",
                                                            "path\texample.com/shop/cmd/user\n"
                                                            "mod\texample.com/shop\t(devel)\t\n"
                                                            "build\tGOARCH=" +
                                                                std::string(goarch) + "\n"));
      j.attest.binaries.push_back(binary);
    }
  }
  /// The index tagged in the job's layout: its manifests, checked to be two images followed
  /// by their two attestation manifests; returns the SPDX statement of the second platform.
  static std::string check_attested_index(const BuildxJob& j, const BuildxOutcome& outcome) {
    OciLayout result(j.layout_dir);
    auto entries = result.index_entries();
    EXPECT_EQ(entries.size(), 1u);
    if (entries.empty()) return {};
    EXPECT_EQ(entries[0].digest, outcome.digest);
    auto manifests = parse_index(result.read_blob(entries[0]), "index");
    EXPECT_EQ(manifests.size(), 4u);
    if (manifests.size() != 4) return {};
    EXPECT_EQ(outcome.attestation_digests.size(), 2u);
    std::string sbom;
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_FALSE(is_attestation_manifest(manifests[i]));
      EXPECT_TRUE(is_attestation_manifest(manifests[2 + i]));
      EXPECT_EQ(manifests[2 + i].annotations.at(kReferenceDigestAnnotation), manifests[i].digest);
      if (i < outcome.attestation_digests.size()) {
        EXPECT_EQ(outcome.attestation_digests[i], manifests[2 + i].digest);
      }
      auto attestation = parse_manifest(result.read_blob(manifests[2 + i]), "attestation");
      EXPECT_EQ(attestation.layers.size(), 2u);  // SBOM and provenance
      if (!attestation.layers.empty()) sbom = result.read_blob(attestation.layers[0]);
    }
    return sbom;
  }
  BuildxOutcome run(ScriptedRunner& runner, const BuildxJob& j, BuildStrategy strategy) {
    return run_buildx_job(runner, {strategy, "because"}, j, log_);
  }
  WorkDir work_;
  std::ostringstream log_;
};

TEST_F(BuildxRunTest, MultiPlatformPushReportsTheDigestFromTheMetadataFile) {
  ScriptedRunner runner;
  runner.on({"docker", "buildx", "build"},
            write_metadata([](const ProcessSpec&) { return kDigestA; }));
  auto outcome = run(runner, job(OutputKind::push), BuildStrategy::multi_platform);
  EXPECT_EQ(outcome.digest, kDigestA);
  ASSERT_EQ(runner.calls.size(), 1u);
  EXPECT_EQ(flag_value(runner.calls[0], "--platform"), "linux/amd64,linux/arm/v7");
  EXPECT_EQ(runner.calls[0].argv[runner.calls[0].argv.size() - 2], "--push");
  EXPECT_NE(log_.str().find("+ docker buildx build"), std::string::npos);
}

TEST_F(BuildxRunTest, MultiPlatformLayoutTakesOverTheBuildersLayoutUnderTheTag) {
  ScriptedRunner runner;
  std::string index_digest;
  runner.on({"docker", "buildx", "build"}, [&](const ProcessSpec& spec) {
    std::string output = flag_value(spec, "--output");  // type=oci,dest=DIR,tar=false
    fs::path dest =
        output.substr(output.find("dest=") + 5, output.find(",tar") - output.find("dest=") - 5);
    OciLayout layout(dest);
    LayoutTransaction transaction(layout);
    auto config = transaction.put_blob(media_type::kOciConfig, "{}");
    auto manifest = transaction.put_blob(media_type::kOciManifest, manifest_json(config, {}, {}));
    manifest.platform = descriptor_platform(kAmd64);
    auto index = transaction.put_blob(media_type::kOciIndex, index_json({manifest}, {}));
    index_digest = index.digest;
    index.annotations["org.opencontainers.image.created"] = "1970-01-01T00:00:00Z";
    transaction.write_index_json(index_json({index}, {}));
    transaction.commit();
    return ok();
  });
  auto j = job(OutputKind::layout);
  j.layout_tag = "1.0";
  auto outcome = run(runner, j, BuildStrategy::multi_platform);
  EXPECT_EQ(outcome.digest, index_digest);
  OciLayout result(j.layout_dir);
  auto entries = result.index_entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].digest, index_digest);
  EXPECT_EQ(entries[0].annotations.at("org.opencontainers.image.ref.name"), "1.0");
  EXPECT_EQ(entries[0].annotations.count("org.opencontainers.image.created"), 0u);
  EXPECT_EQ(reachable_descriptors(result, entries).size(), 3u);  // index, manifest, config
}

TEST_F(BuildxRunTest, PerPlatformMergeLoadsSavesMergesAndRemovesTheStagingImages) {
  ScriptedRunner runner;
  script_per_platform_merge(runner);
  auto j = job(OutputKind::layout);
  auto outcome = run(runner, j, BuildStrategy::per_platform_merge);

  auto loads = runner.calls_to({"docker", "buildx", "build"});
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_EQ(flag_value(loads[1], "--platform"), "linux/arm/v7");
  EXPECT_EQ(loads[1].argv[loads[1].argv.size() - 2], "--load");
  std::string staging = flag_value(loads[1], "--tag");
  EXPECT_EQ(staging.rfind("multiarch-buildx-staging:linux_arm_v7-", 0), 0u);
  auto removed = runner.calls_to({"docker", "image", "rm"});
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_EQ(removed[1].argv.back(), staging);

  OciLayout result(j.layout_dir);
  auto entries = result.index_entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].digest, outcome.digest);
  auto manifests = parse_index(result.read_blob(entries[0]), "index");
  ASSERT_EQ(manifests.size(), 2u);
  EXPECT_EQ(manifests[1].platform->architecture, "arm");
  EXPECT_EQ(manifests[1].platform->variant, "v7");
  ASSERT_EQ(outcome.platform_digests.size(), 2u);
  EXPECT_EQ(outcome.platform_digests[1].second, manifests[1].digest);
}

TEST_F(BuildxRunTest, PerPlatformMergeAttachesMultiarchsAttestationsReproducibly) {
  ScriptedRunner runner;
  script_per_platform_merge(runner);
  auto j = job(OutputKind::layout);
  attest(j);
  auto outcome = run(runner, j, BuildStrategy::per_platform_merge);
  std::string sbom = check_attested_index(j, outcome);
  EXPECT_NE(sbom.find("https://spdx.dev/Document"), std::string::npos) << sbom;
  EXPECT_NE(sbom.find("example.com/shop"), std::string::npos) << sbom;
  EXPECT_NE(sbom.find("/app/service"), std::string::npos) << sbom;
  EXPECT_NE(sbom.find("platform=linux%2Farm%2Fv7"), std::string::npos) << sbom;

  // The same inputs give the same index, attestations included.
  auto again = run(runner, j, BuildStrategy::per_platform_merge);
  EXPECT_EQ(again.digest, outcome.digest);
  EXPECT_EQ(again.attestation_digests, outcome.attestation_digests);

  auto metadata = buildx_metadata(j, outcome);
  EXPECT_EQ(metadata.index.size,
            OciLayout(j.layout_dir).index_entries()[0].size);  // as image assemble's says
  EXPECT_GT(metadata.index.size, 0u);
  ASSERT_EQ(metadata.platforms.size(), 2u);
  EXPECT_EQ(metadata.platforms[1].platform, "linux/arm/v7");
  EXPECT_EQ(metadata.platforms[1].attestation, outcome.attestation_digests[1]);
  EXPECT_NE(image_metadata_json(metadata).find("\"attestation\": \"" +
                                               outcome.attestation_digests[0] + "\""),
            std::string::npos);
}

TEST_F(BuildxRunTest, MultiPlatformLayoutGetsANewIndexWithAttestationsKeepingAnnotations) {
  ScriptedRunner runner;
  std::string builder_index;
  runner.on({"docker", "buildx", "build"}, [&](const ProcessSpec& spec) {
    std::string output = flag_value(spec, "--output");
    fs::path dest =
        output.substr(output.find("dest=") + 5, output.find(",tar") - output.find("dest=") - 5);
    OciLayout layout(dest);
    LayoutTransaction transaction(layout);
    std::vector<Descriptor> manifests;
    for (const auto& platform : {kAmd64, kArmV7}) {
      auto config =
          transaction.put_blob(media_type::kOciConfig, "{\"os\":\"" + platform.str() + "\"}");
      auto manifest = transaction.put_blob(media_type::kOciManifest, manifest_json(config, {}, {}));
      manifest.platform = descriptor_platform(platform);
      manifests.push_back(manifest);
    }
    auto index = transaction.put_blob(
        media_type::kOciIndex,
        index_json(manifests, {{"org.opencontainers.image.created", "1970-01-01T00:00:10Z"}}));
    builder_index = index.digest;
    transaction.write_index_json(index_json({index}, {}));
    transaction.commit();
    return ok();
  });
  auto j = job(OutputKind::layout);
  attest(j);
  auto outcome = run(runner, j, BuildStrategy::multi_platform);
  EXPECT_NE(outcome.digest, builder_index);
  check_attested_index(j, outcome);
  OciLayout result(j.layout_dir);
  auto index = nlohmann::json::parse(result.read_blob(result.index_entries()[0]));
  EXPECT_EQ(index["annotations"]["org.opencontainers.image.created"], "1970-01-01T00:00:10Z");
  EXPECT_FALSE(fs::exists(j.layout_dir / "blobs" / "sha256" / builder_index.substr(7)))
      << "buildx's own index stays behind";
  ASSERT_EQ(outcome.platform_digests.size(), 2u);
  EXPECT_EQ(outcome.platform_digests[1].first, kArmV7);
}

TEST_F(BuildxRunTest, AManifestForAPlatformNotStagedCannotBeAttested) {
  ScriptedRunner runner;
  runner.on({"docker", "buildx", "build"}, ok());
  runner.on({"docker", "save"}, ok(docker_save("linux", "amd64", "")));
  runner.on({"docker", "image", "rm"}, ok());
  auto j = job(OutputKind::layout);
  j.request.platforms = {kAmd64};
  attest(j);
  j.attest.platforms = {kArmV7};
  EXPECT_THROW(run(runner, j, BuildStrategy::per_platform_merge), RuntimeError);
  EXPECT_FALSE(fs::exists(j.layout_dir / "index.json"));
}

TEST_F(BuildxRunTest, PerPlatformMergeFailureLeavesNoLayoutAndStillRemovesImages) {
  ScriptedRunner runner;
  runner.on({"docker", "buildx", "build"}, ok());
  runner.on({"docker", "save"}, [](const ProcessSpec& spec) {
    // The engine recorded amd64 for the arm/v7 build: refused.
    (void)spec;
    return ok(docker_save("linux", "amd64", ""));
  });
  runner.on({"docker", "image", "rm"}, ok());
  auto j = job(OutputKind::layout);
  try {
    run(runner, j, BuildStrategy::per_platform_merge);
    FAIL() << "an amd64 image was accepted for linux/arm/v7";
  } catch (const RuntimeError& e) {
    EXPECT_STREQ(e.what(), "docker built an image for linux/amd64, not linux/arm/v7");
  }
  EXPECT_EQ(runner.calls_to({"docker", "image", "rm"}).size(), 2u);
  EXPECT_FALSE(fs::exists(j.layout_dir));
}

TEST_F(BuildxRunTest, FailedCommandNamesItAndShowsItsLastLines) {
  ScriptedRunner runner;
  runner.on({"docker", "buildx", "build"}, failed("line1\nline2\nERROR: failed to build: boom\n"));
  try {
    run(runner, job(OutputKind::push), BuildStrategy::multi_platform);
    FAIL();
  } catch (const RuntimeError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("`docker buildx build"), std::string::npos) << message;
    EXPECT_NE(message.find("failed (exit 1)"), std::string::npos) << message;
    EXPECT_NE(message.find("ERROR: failed to build: boom"), std::string::npos) << message;
  }
}

TEST_F(BuildxRunTest, PerPlatformPushJoinsTheDigestsWithImagetools) {
  ScriptedRunner runner;
  runner.on({"docker", "buildx", "build"}, write_metadata([](const ProcessSpec& spec) {
              return flag_value(spec, "--platform") == "linux/amd64" ? kDigestA : kDigestB;
            }));
  runner.on({"docker", "buildx", "imagetools", "create"}, [](const ProcessSpec& spec) {
    test::write_file(flag_value(spec, "--metadata-file"),
                     "{\"containerimage.descriptor\": {\"mediaType\": \"" +
                         std::string(media_type::kDockerManifestList) + "\", \"digest\": \"" +
                         kDigestC + "\", \"size\": 987}}");
    return ok();
  });
  runner.on({"docker", "image", "rm"}, ok());
  auto j = job(OutputKind::push);
  auto outcome = run(runner, j, BuildStrategy::per_platform_push);
  EXPECT_EQ(outcome.digest, kDigestC);
  // The metadata file gives the index as the registry has it (trial of issue 13: it said an
  // OCI index of size 0).
  auto metadata = buildx_metadata(j, outcome);
  EXPECT_EQ(metadata.index.media_type, media_type::kDockerManifestList);
  EXPECT_EQ(metadata.index.size, 987u);
  auto create = runner.calls_to({"docker", "buildx", "imagetools", "create"});
  ASSERT_EQ(create.size(), 1u);
  std::vector<std::string> tail(create[0].argv.end() - 4, create[0].argv.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--tag", "127.0.0.1:5000/team/user:1.0",
                                            "127.0.0.1:5000/team/user@" + kDigestA,
                                            "127.0.0.1:5000/team/user@" + kDigestB}));
  // Each platform went to its own staging tag, never to the release tag.
  auto builds = runner.calls_to({"docker", "buildx", "build"});
  ASSERT_EQ(builds.size(), 2u);
  EXPECT_EQ(flag_value(builds[0], "--tag"),
            "127.0.0.1:5000/team/user:multiarch-staging-linux_amd64-1.0");
  EXPECT_EQ(flag_value(builds[1], "--tag"),
            "127.0.0.1:5000/team/user:multiarch-staging-linux_arm_v7-1.0");
  // Only the staging images (the docker driver's copies in the engine) are removed, after the
  // index exists; the user's local image under the release tag is not ours to remove.
  auto removed = runner.calls_to({"docker", "image", "rm"});
  ASSERT_EQ(removed.size(), 2u);
  for (const auto& call : removed)
    EXPECT_NE(call.argv.back().find(":multiarch-staging-"), std::string::npos) << call.argv.back();
  EXPECT_EQ(runner.calls[2].argv[2], "imagetools");
}

// Issue 17 item 6: a platform that fails leaves the release tag where it was.
TEST_F(BuildxRunTest, PerPlatformPushFailureNeverTouchesTheReleaseTag) {
  ScriptedRunner runner;
  runner.on({"docker", "buildx", "build"}, [](const ProcessSpec& spec) {
    if (flag_value(spec, "--platform") == "linux/arm/v7")
      return failed("ERROR: failed to compute cache key: \"/only-amd64.txt\": not found\n");
    test::write_file(flag_value(spec, "--metadata-file"),
                     "{\"containerimage.digest\": \"" + kDigestA + "\"}");
    return ok();
  });
  runner.on({"docker", "image", "rm"}, ok());
  EXPECT_THROW(run(runner, job(OutputKind::push), BuildStrategy::per_platform_push), RuntimeError);
  EXPECT_TRUE(runner.calls_to({"docker", "buildx", "imagetools"}).empty());
  for (const auto& call : runner.calls) {
    for (const auto& arg : call.argv)
      EXPECT_NE(arg, "127.0.0.1:5000/team/user:1.0") << display_command(call.argv);
  }
  EXPECT_EQ(runner.calls_to({"docker", "image", "rm"}).size(), 2u);  // the staging ones
}

TEST_F(BuildxRunTest, LegacyPushFailureNeverTouchesTheReleaseTag) {
  ScriptedRunner runner;
  runner.on({"docker", "build"}, [](const ProcessSpec& spec) {
    return flag_value(spec, "--platform") == "linux/arm/v7" ? failed("COPY failed\n") : ok();
  });
  runner.on({"docker", "push"}, ok("x: digest: " + kDigestA + " size: 528\n"));
  runner.on({"docker", "image", "rm"}, ok());
  EXPECT_THROW(run(runner, job(OutputKind::push), BuildStrategy::docker_build), RuntimeError);
  EXPECT_TRUE(runner.calls_to({"docker", "manifest"}).empty());
  for (const auto& call : runner.calls) {
    for (const auto& arg : call.argv)
      EXPECT_NE(arg, "127.0.0.1:5000/team/user:1.0") << display_command(call.argv);
  }
}

TEST(StagingReference, PerPlatformAndWithinTheTagLimit) {
  EXPECT_EQ(staging_reference("127.0.0.1:5000/demo/hello:1.0", {"linux", "arm", "v6"}),
            "127.0.0.1:5000/demo/hello:multiarch-staging-linux_arm_v6-1.0");
  EXPECT_EQ(staging_reference("demo/hello", {"linux", "amd64", ""}),
            "demo/hello:multiarch-staging-linux_amd64-latest");
  std::string long_tag(128, 'x');
  auto staged = staging_reference("r.example/a:" + long_tag, {"linux", "amd64", ""});
  EXPECT_EQ(staged.size(), std::string("r.example/a:").size() + 128);
}

TEST_F(BuildxRunTest, LegacyPushUsesPerPlatformDockerfilesAndDockerManifest) {
  ScriptedRunner runner;
  int pushes = 0;
  runner.on({"docker", "build"}, ok());
  runner.on({"docker", "push"}, [&](const ProcessSpec&) {
    return ok(std::string("1.0: digest: ") + (pushes++ == 0 ? kDigestA : kDigestB) +
              " size: 528\n");
  });
  runner.on({"docker", "manifest", "create"}, ok("Created manifest list\n"));
  runner.on({"docker", "manifest", "push"}, ok(kDigestC + "\n"));
  runner.on({"docker", "image", "rm"}, ok());
  auto outcome = run(runner, job(OutputKind::push), BuildStrategy::docker_build);
  EXPECT_EQ(outcome.digest, kDigestC);
  auto builds = runner.calls_to({"docker", "build"});
  ASSERT_EQ(builds.size(), 2u);
  EXPECT_EQ(builds[1].env_overrides.at("DOCKER_BUILDKIT"), "0");
  EXPECT_EQ(flag_value(builds[1], "--file"), (work_.path() / "Dockerfile.linux_arm_v7").string());
  auto create = runner.calls_to({"docker", "manifest", "create"});
  ASSERT_EQ(create.size(), 1u);
  EXPECT_EQ(create[0].argv, (std::vector<std::string>{"docker", "manifest", "create", "--amend",
                                                      "--insecure", "127.0.0.1:5000/team/user:1.0",
                                                      "127.0.0.1:5000/team/user@" + kDigestA,
                                                      "127.0.0.1:5000/team/user@" + kDigestB}));
}

TEST_F(BuildxRunTest, DryRunPrintsEveryCommandAndRunsNone) {
  ScriptedRunner runner;
  auto j = job(OutputKind::layout);
  j.dry_run = true;
  run(runner, j, BuildStrategy::per_platform_merge);
  EXPECT_TRUE(runner.calls.empty());
  std::string log = log_.str();
  EXPECT_NE(log.find("+ docker buildx build --platform linux/arm/v7"), std::string::npos) << log;
  EXPECT_NE(log.find("+ docker save multiarch-buildx-staging:linux_amd64-"), std::string::npos);
  EXPECT_NE(log.find("# multiarch: merge 2 images into one index"), std::string::npos);
  EXPECT_NE(log.find("+ docker image rm --force multiarch-buildx-staging:linux_arm_v7-"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(j.layout_dir));
}

// --push through a layout: the strategy builds into the layout (attested) and the log ends
// with one "multiarch: push LAYOUT to REF" step per tag, which the CLI then carries out.
TEST_F(BuildxRunTest, PushThroughALayoutDryRunPrintsTheBuildsThenAPushPerTag) {
  for (auto strategy : {BuildStrategy::per_platform_merge, BuildStrategy::multi_platform,
                        BuildStrategy::docker_build}) {
    SCOPED_TRACE(std::string(strategy_name(strategy)));
    log_.str("");
    ScriptedRunner runner;
    auto j = job(OutputKind::push);
    j.push_layout = true;
    j.request.tags.push_back("127.0.0.1:5000/team/user:latest");
    j.dry_run = true;
    run(runner, j, strategy);
    EXPECT_TRUE(runner.calls.empty());
    std::string log = log_.str();
    std::string layout = j.layout_dir.string();
    auto first = log.find("# multiarch: push " + layout + " to 127.0.0.1:5000/team/user:1.0\n");
    auto second = log.find("# multiarch: push " + layout + " to 127.0.0.1:5000/team/user:latest\n");
    ASSERT_NE(first, std::string::npos) << log;
    ASSERT_NE(second, std::string::npos) << log;
    EXPECT_LT(first, second);
    // Nothing goes to the registry through docker: no --push, imagetools or docker push.
    EXPECT_EQ(log.find("--push"), std::string::npos) << log;
    EXPECT_EQ(log.find("imagetools"), std::string::npos) << log;
    EXPECT_EQ(log.find("docker push"), std::string::npos) << log;
    EXPECT_EQ(log.find("docker manifest"), std::string::npos) << log;
    EXPECT_LT(log.rfind("+ docker "), first) << log;
  }
}

TEST_F(BuildxRunTest, PushThroughALayoutWritesTheAttestedIndexIntoTheLayout) {
  ScriptedRunner runner;
  script_per_platform_merge(runner);
  auto j = job(OutputKind::push);
  j.push_layout = true;
  attest(j);
  auto outcome = run(runner, j, BuildStrategy::per_platform_merge);
  check_attested_index(j, outcome);
  for (const auto& call : runner.calls_to({"docker", "buildx", "build"}))
    EXPECT_NE(std::find(call.argv.begin(), call.argv.end(), "--load"), call.argv.end());
  EXPECT_NE(log_.str().find("multiarch: push " + j.layout_dir.string() +
                            " to 127.0.0.1:5000/team/user:1.0"),
            std::string::npos)
      << log_.str();
}

TEST(PushesAttestedLayout, OnlyPushWithMultiarchsOwnAttestationsToANamedRegistry) {
  const std::vector<std::string> local = {"127.0.0.1:5000/team/user:1"};
  AttestationChoice own = choose_attestations(std::nullopt, std::nullopt);
  EXPECT_TRUE(pushes_attested_layout(own, OutputKind::push, local));
  EXPECT_TRUE(pushes_attested_layout(choose_attestations("false", std::nullopt), OutputKind::push,
                                     {"registry.example.com/team/user:1"}));
  EXPECT_TRUE(pushes_attested_layout(own, OutputKind::push,
                                     {"127.0.0.1:5000/team/user:1", "localhost:5000/user:2"}));
  // No attestations of multiarch's, or BuildKit's: buildx pushes as before.
  EXPECT_FALSE(
      pushes_attested_layout(choose_attestations("false", "false"), OutputKind::push, local));
  EXPECT_FALSE(pushes_attested_layout(choose_attestations(std::nullopt, "mode=max"),
                                      OutputKind::push, local));
  EXPECT_FALSE(pushes_attested_layout(choose_attestations("buildkit", std::nullopt),
                                      OutputKind::push, local));
  // Docker Hub (no registry in the tag, or docker.io) stays with buildx.
  EXPECT_FALSE(pushes_attested_layout(own, OutputKind::push, {"team/user:1"}));
  EXPECT_FALSE(pushes_attested_layout(own, OutputKind::push, {"docker.io/team/user:1"}));
  EXPECT_FALSE(pushes_attested_layout(own, OutputKind::push, {local[0], "team/user:1"}));
  // Other outputs never push.
  EXPECT_FALSE(pushes_attested_layout(own, OutputKind::load, local));
  EXPECT_FALSE(pushes_attested_layout(own, OutputKind::layout, local));
}

TEST(ChooseJobStrategy, PushThroughALayoutBuildsLikeALayoutAndSaysSo) {
  BuildEnvironment env;
  env.docker_client_version = "20.10.24";
  env.engine = EngineInfo{"20.10.24", "overlay2", "linux", "x86_64", false};
  env.buildx_version = "v0.10.4";
  env.builder = BuilderInfo{};
  env.builder->name = "default";
  env.builder->driver = "docker";
  BuildxJob j;
  j.output = OutputKind::push;
  j.request.platforms = {kAmd64, kArmV7};
  EXPECT_EQ(choose_job_strategy(env, j).strategy, BuildStrategy::per_platform_push);
  j.push_layout = true;
  auto choice = choose_job_strategy(env, j);
  EXPECT_EQ(choice.strategy, BuildStrategy::per_platform_merge);
  EXPECT_NE(choice.reason.find("built into a layout, multiarch's attestations attached, pushed "
                               "by multiarch's registry client"),
            std::string::npos)
      << choice.reason;
  // One platform: still through the layout (the old path pushed it in one buildx call).
  j.request.platforms = {kAmd64};
  EXPECT_EQ(choose_job_strategy(env, j).strategy, BuildStrategy::per_platform_merge);
  env.builder->driver = "docker-container";
  EXPECT_EQ(choose_job_strategy(env, j).strategy, BuildStrategy::multi_platform);
}

TEST(MetadataDigest, BuildAndImagetoolsShapes) {
  EXPECT_EQ(metadata_digest(R"({"containerimage.digest":"sha256:1"})"), "sha256:1");
  EXPECT_EQ(metadata_digest(R"({"containerimage.descriptor":{"digest":"sha256:2"}})"), "sha256:2");
  EXPECT_EQ(metadata_digest(R"({"buildx.build.ref":"x"})"), "");
  EXPECT_EQ(metadata_digest("not json"), "");
  // imagetools create: the descriptor gives the index's kind and size for the metadata file.
  auto index = metadata_image(
      R"({"containerimage.descriptor":{"mediaType":"application/vnd.docker.distribution.)"
      R"(manifest.list.v2+json","digest":"sha256:3","size":987}})");
  EXPECT_EQ(index.digest, "sha256:3");
  EXPECT_EQ(index.media_type, "application/vnd.docker.distribution.manifest.list.v2+json");
  EXPECT_EQ(index.size, 987u);
  // A descriptor of another image than containerimage.digest says nothing about it.
  auto other = metadata_image(R"({"containerimage.digest":"sha256:4","containerimage.descriptor":)"
                              R"({"mediaType":"x","digest":"sha256:5","size":1}})");
  EXPECT_EQ(other.digest, "sha256:4");
  EXPECT_EQ(other.media_type, "");
  EXPECT_EQ(other.size, 0u);
}

TEST(PushedDigest, DockerPushAndManifestPushOutputs) {
  EXPECT_EQ(pushed_digest("The push refers to repository [h/r]\n1.0: digest: " + kDigestA +
                          " size: 528\n"),
            kDigestA);
  EXPECT_EQ(pushed_digest(kDigestB + "\n"), kDigestB);
  EXPECT_EQ(pushed_digest("sha256:short\n"), "");
}

}  // namespace
}  // namespace multiarch
