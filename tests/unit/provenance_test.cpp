// SLSA provenance v1 predicates and in-toto statements / attestation manifest pieces.
#include "image/provenance.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "oci/attestation_manifest.hpp"

namespace multiarch {
namespace {

ProvenanceInput sample() {
  ProvenanceInput in;
  in.platform = Platform{"linux", "arm", "v7"};
  in.binary_path = "/app/service";
  in.go = parse_go_module_info("go1.26.8",
                               "path\texample.com/user/cmd/user\n"
                               "mod\texample.com/user\t(devel)\t\n"
                               "build\t-ldflags=-s -w\n"
                               "build\t-tags=netgo\n"
                               "build\t-trimpath=true\n"
                               "build\tCGO_ENABLED=0\n"
                               "build\tGOARCH=arm\n"
                               "build\tGOARM=7\n"
                               "build\tGOOS=linux\n");
  in.image_references = {"registry.example.com/team/user:1.4.2"};
  in.source_uri = "https://git.example.com/team/user";
  in.source_revision = "0123456789abcdef0123456789abcdef01234567";
  in.base = SbomBaseImage{"base-oci:12", "sha256:" + std::string(64, 'b')};
  in.cgo_compilers = {{"CC", "arm-linux-gnueabihf-gcc"}};
  return in;
}

TEST(Provenance, SlsaV1Fields) {
  auto p = nlohmann::json::parse(slsa_provenance_json(sample()));
  const auto& def = p["buildDefinition"];
  EXPECT_EQ(def["buildType"], kMultiarchBuildType);
  EXPECT_EQ(def["externalParameters"]["platform"], "linux/arm/v7");
  EXPECT_EQ(def["externalParameters"]["package"], "example.com/user/cmd/user");
  EXPECT_EQ(def["externalParameters"]["ldflags"], "-s -w");
  EXPECT_EQ(def["externalParameters"]["buildTags"], "netgo");
  EXPECT_EQ(def["externalParameters"]["goFlags"]["-trimpath"], "true");
  EXPECT_FALSE(def["externalParameters"]["goFlags"].contains("-ldflags"));
  EXPECT_EQ(def["externalParameters"]["imageReferences"][0],
            "registry.example.com/team/user:1.4.2");
  EXPECT_EQ(def["internalParameters"]["goVersion"], "go1.26.8");
  EXPECT_EQ(def["internalParameters"]["environment"]["GOARM"], "7");
  EXPECT_EQ(def["internalParameters"]["environment"]["CGO_ENABLED"], "0");
  EXPECT_EQ(def["internalParameters"]["cgoCompilers"]["CC"], "arm-linux-gnueabihf-gcc");
  const auto& deps = def["resolvedDependencies"];
  ASSERT_EQ(deps.size(), 3u);
  EXPECT_EQ(deps[0]["uri"], "git+https://git.example.com/team/user");
  EXPECT_EQ(deps[0]["digest"]["gitCommit"], "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(deps[1]["digest"]["sha256"], std::string(64, 'b'));
  EXPECT_EQ(p["runDetails"]["builder"]["id"], kMultiarchBuilderId);
  EXPECT_TRUE(p["runDetails"]["builder"]["version"].contains("multiarch"));
  EXPECT_EQ(slsa_provenance_json(sample()), slsa_provenance_json(sample()));
}

TEST(Provenance, BuildxImagesSayTheirBuildType) {
  auto in = sample();
  in.build_type = kMultiarchBuildxBuildType;
  auto p = nlohmann::json::parse(slsa_provenance_json(in));
  EXPECT_EQ(p["buildDefinition"]["buildType"], "urn:multiarch:buildtype:buildx:v1");
}

TEST(Provenance, VcsRevisionFromTheBinaryWins) {
  ProvenanceInput in = sample();
  in.go->settings["vcs.revision"] = "fedcba";
  in.go->settings["vcs.modified"] = "true";
  auto p = nlohmann::json::parse(slsa_provenance_json(in));
  const auto& source = p["buildDefinition"]["resolvedDependencies"][0];
  EXPECT_EQ(source["digest"]["gitCommit"], "fedcba");
  EXPECT_EQ(source["annotations"]["vcs.modified"], "true");
}

TEST(Provenance, NoSourceNoBase) {
  ProvenanceInput in = sample();
  in.source_revision.clear();
  in.base.reset();
  auto p = nlohmann::json::parse(slsa_provenance_json(in));
  ASSERT_EQ(p["buildDefinition"]["resolvedDependencies"].size(), 1u);  // the Go toolchain
  EXPECT_EQ(p["buildDefinition"]["resolvedDependencies"][0]["uri"], "pkg:golang/stdlib@1.26.8");
  in = sample();
  in.source_uri.clear();
  auto q = nlohmann::json::parse(slsa_provenance_json(in));
  EXPECT_EQ(q["buildDefinition"]["resolvedDependencies"][0]["name"], "source");
  EXPECT_FALSE(q["buildDefinition"]["resolvedDependencies"][0].contains("uri"));
}

TEST(Attestation, InTotoStatementV1) {
  std::string s =
      in_toto_statement({{"pkg:docker/user@1.0?platform=linux%2Famd64", std::string(64, 'c')}},
                        predicate_type::kSlsaProvenanceV1, R"({"b":1,"a":2})");
  EXPECT_EQ(s, R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/)"
               R"(provenance/v1","subject":[{"name":"pkg:docker/user@1.0?platform=linux%2Famd64",)"
               R"("digest":{"sha256":")" +
                   std::string(64, 'c') + R"("}}],"predicate":{"b":1,"a":2}})");
}

TEST(Attestation, ConfigAndIndexEntryInBuildKitsLayout) {
  Descriptor layer{std::string(kInTotoMediaType), "sha256:" + std::string(64, 'd'), 10, {}, {}};
  EXPECT_EQ(attestation_config_json({layer}),
            R"({"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers",)"
            R"("diff_ids":["sha256:)" +
                std::string(64, 'd') + R"("]}})");
  Descriptor manifest{
      std::string(media_type::kOciManifest), "sha256:" + std::string(64, 'e'), 500, {}, {}};
  Descriptor entry = attestation_index_entry(manifest, "sha256:" + std::string(64, 'f'));
  EXPECT_EQ(descriptor_json(entry).dump(),
            R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
                std::string(64, 'e') +
                R"(","size":500,"platform":{"architecture":"unknown","os":"unknown"},)"
                R"("annotations":{"vnd.docker.reference.digest":"sha256:)" +
                std::string(64, 'f') + R"(","vnd.docker.reference.type":"attestation-manifest"}})");
  EXPECT_TRUE(is_attestation_manifest(entry));
  EXPECT_FALSE(is_attestation_manifest(manifest));
}

}  // namespace
}  // namespace multiarch
