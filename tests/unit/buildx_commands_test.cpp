// The exact argv of every docker command `multiarch buildx` runs.
#include "buildx/buildx_commands.hpp"

#include <gtest/gtest.h>

namespace multiarch {
namespace {

using Argv = std::vector<std::string>;

BuildxRequest request() {
  BuildxRequest r;
  r.context = "/tmp/work/context";
  r.dockerfile = "/src/Dockerfile";
  r.platforms = {{"linux", "amd64", ""}, {"linux", "arm64", ""}, {"linux", "arm", "v7"}};
  r.tags = {"127.0.0.1:5000/team/user:1.0", "127.0.0.1:5000/team/user:latest"};
  r.epoch = 1700000000;
  return r;
}

TEST(BuildxBuildCommand, MultiPlatformPush) {
  auto r = request();
  r.builder = "ci";
  r.build_args = {{"VERSION", "1.0"}};
  r.cache_from = {"type=registry,ref=cache"};
  r.cache_to = {"type=inline"};
  auto spec = buildx_build_command(r, r.platforms, tagged_output_flags(r.tags, "--push"),
                                   "/tmp/work/metadata.json");
  EXPECT_EQ(spec.argv, (Argv{"docker",
                             "buildx",
                             "build",
                             "--builder",
                             "ci",
                             "--platform",
                             "linux/amd64,linux/arm64,linux/arm/v7",
                             "--file",
                             "/src/Dockerfile",
                             "--provenance=false",
                             "--build-arg",
                             "VERSION=1.0",
                             "--build-arg",
                             "SOURCE_DATE_EPOCH=1700000000",
                             "--cache-from",
                             "type=registry,ref=cache",
                             "--cache-to",
                             "type=inline",
                             "--metadata-file",
                             "/tmp/work/metadata.json",
                             "--tag",
                             "127.0.0.1:5000/team/user:1.0",
                             "--tag",
                             "127.0.0.1:5000/team/user:latest",
                             "--push",
                             "/tmp/work/context"}));
  // buildx's progress goes to the user's terminal, not into memory.
  EXPECT_FALSE(spec.capture_stdout);
  EXPECT_FALSE(spec.capture_stderr);
}

TEST(BuildxBuildCommand, OciLayoutOutputOnePlatformUserEpochAndProvenance) {
  auto r = request();
  r.provenance = "mode=max";
  r.sbom = "true";
  r.build_args = {{"SOURCE_DATE_EPOCH", "5"}};
  auto spec = buildx_build_command(r, {r.platforms[2]}, oci_output_flags("/tmp/work/oci"),
                                   "/tmp/work/m.json");
  EXPECT_EQ(spec.argv,
            (Argv{"docker", "buildx", "build", "--platform", "linux/arm/v7", "--file",
                  "/src/Dockerfile", "--provenance=mode=max", "--sbom=true", "--build-arg",
                  "SOURCE_DATE_EPOCH=5", "--metadata-file", "/tmp/work/m.json", "--output",
                  "type=oci,dest=/tmp/work/oci,tar=false", "/tmp/work/context"}));
}

TEST(ImagetoolsCreateCommand, EveryTagAndSource) {
  auto r = request();
  r.builder = "default";
  auto spec = imagetools_create_command(
      r, {"127.0.0.1:5000/team/user@sha256:aa", "127.0.0.1:5000/team/user@sha256:bb"},
      "/tmp/work/index.json");
  EXPECT_EQ(spec.argv,
            (Argv{"docker", "buildx", "imagetools", "create", "--builder", "default",
                  "--metadata-file", "/tmp/work/index.json", "--tag",
                  "127.0.0.1:5000/team/user:1.0", "--tag", "127.0.0.1:5000/team/user:latest",
                  "127.0.0.1:5000/team/user@sha256:aa", "127.0.0.1:5000/team/user@sha256:bb"}));
}

TEST(LegacyBuildCommand, PassesTargetAndBuildArgsWithoutBuildKit) {
  auto r = request();
  r.build_args = {{"TARGETVARIANT", "v7"}, {"VERSION", "1.0"}};
  r.cache_from = {"127.0.0.1:5000/team/user:cache"};
  r.cache_to = {"type=inline"};  // the legacy builder cannot export a cache: not passed
  auto spec = legacy_build_command(r, r.platforms[2], {"linux", "amd64", ""}, {"x:1", "x:2"});
  EXPECT_EQ(spec.env_overrides.at("DOCKER_BUILDKIT"), "0");
  EXPECT_EQ(spec.argv, (Argv{"docker",
                             "build",
                             "--platform",
                             "linux/arm/v7",
                             "--file",
                             "/src/Dockerfile",
                             "--build-arg",
                             "TARGETPLATFORM=linux/arm/v7",
                             "--build-arg",
                             "TARGETOS=linux",
                             "--build-arg",
                             "TARGETARCH=arm",
                             "--build-arg",
                             "BUILDPLATFORM=linux/amd64",
                             "--build-arg",
                             "BUILDOS=linux",
                             "--build-arg",
                             "BUILDARCH=amd64",
                             "--build-arg",
                             "BUILDVARIANT=",
                             "--build-arg",
                             "TARGETVARIANT=v7",
                             "--build-arg",
                             "VERSION=1.0",
                             "--cache-from",
                             "127.0.0.1:5000/team/user:cache",
                             "--tag",
                             "x:1",
                             "--tag",
                             "x:2",
                             "/tmp/work/context"}));
  EXPECT_EQ(display_spec(spec).rfind("DOCKER_BUILDKIT=0 docker build --platform linux/arm/v7", 0),
            0u);
}

TEST(ManifestCommands, InsecureOnlyWhenAsked) {
  auto r = request();
  EXPECT_EQ(
      manifest_create_command(r, "h/r:1", {"h/r@sha256:aa"}, true).argv,
      (Argv{"docker", "manifest", "create", "--amend", "--insecure", "h/r:1", "h/r@sha256:aa"}));
  EXPECT_EQ(manifest_push_command(r, "h/r:1", false).argv,
            (Argv{"docker", "manifest", "push", "--purge", "h/r:1"}));
}

TEST(DisplaySpec, QuotesWhatAShellWouldSplit) {
  ProcessSpec spec;
  spec.argv = {"docker", "build", "--build-arg", "MESSAGE=hello world", "."};
  EXPECT_EQ(display_spec(spec), "docker build --build-arg 'MESSAGE=hello world' .");
}

}  // namespace
}  // namespace multiarch
