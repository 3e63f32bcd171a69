// SBOM documents from Go build info: SPDX 2.3 and CycloneDX 1.5 fields, purls, hashes,
// relationships, determinism and the content-derived namespace.
#include "image/sbom.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "util/digest.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

SbomInput sample() {
  SbomInput in;
  in.image_name = "registry.example.com/team/user:1.4.2";
  in.platform = Platform{"linux", "arm", "v7"};
  in.binary_path = "/app/service";
  in.go = parse_go_module_info("go1.26.8",
                               "path\texample.com/user/cmd/user\n"
                               "mod\texample.com/user\t(devel)\t\n"
                               "dep\tgithub.com/go-kratos/kratos/v2\tv2.8.3\th1:47DEQpj8HBSa+/"
                               "TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
                               "dep\tgithub.com/pkg/old\tv1.0.0+incompatible\t\n"
                               "build\tGOOS=linux\n");
  in.files = {sbom_file_from_content("/app/service", "binary bytes"),
              sbom_file_from_content("/etc/ssl/certs/ca-certificates.crt", "certs")};
  in.base = SbomBaseImage{"base-oci:12", "sha256:" + std::string(64, 'a')};
  in.epoch = 1700000000;
  return in;
}

const nlohmann::json* package_named(const nlohmann::json& doc, const std::string& name) {
  for (const auto& p : doc["packages"])
    if (p["name"] == name) return &p;
  return nullptr;
}

TEST(Sbom, SpdxDocumentFields) {
  auto doc = nlohmann::json::parse(spdx_json(sample()));
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
  EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["creationInfo"]["created"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(doc["creationInfo"]["creators"][0].get<std::string>().rfind("Tool: multiarch-", 0), 0u);
  EXPECT_EQ(doc["name"], "registry.example.com/team/user:1.4.2 linux/arm/v7");

  auto* kratos = package_named(doc, "github.com/go-kratos/kratos/v2");
  ASSERT_TRUE(kratos);
  EXPECT_EQ((*kratos)["versionInfo"], "v2.8.3");
  EXPECT_EQ((*kratos)["checksums"][0]["algorithm"], "SHA256");
  EXPECT_EQ((*kratos)["checksums"][0]["checksumValue"],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ((*kratos)["externalRefs"][0]["referenceLocator"],
            "pkg:golang/github.com/go-kratos/kratos/v2@v2.8.3");
  EXPECT_EQ((*kratos)["comment"], "go.sum h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ((*kratos)["primaryPackagePurpose"], "LIBRARY");

  auto* old = package_named(doc, "github.com/pkg/old");
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->contains("checksums"));
  EXPECT_EQ((*old)["externalRefs"][0]["referenceLocator"],
            "pkg:golang/github.com/pkg/old@v1.0.0%2Bincompatible");

  auto* stdlib = package_named(doc, "stdlib");
  ASSERT_TRUE(stdlib);
  EXPECT_EQ((*stdlib)["versionInfo"], "go1.26.8");
  EXPECT_EQ((*stdlib)["externalRefs"][0]["referenceLocator"], "pkg:golang/stdlib@1.26.8");

  auto* main = package_named(doc, "example.com/user");
  ASSERT_TRUE(main);
  EXPECT_EQ((*main)["primaryPackagePurpose"], "APPLICATION");
  EXPECT_EQ((*main)["versionInfo"], "(devel)");
  EXPECT_EQ((*main)["externalRefs"][0]["referenceLocator"], "pkg:golang/example.com/user");

  auto* base = package_named(doc, "base-oci:12");
  ASSERT_TRUE(base);
  EXPECT_EQ((*base)["checksums"][0]["checksumValue"], std::string(64, 'a'));

  ASSERT_EQ(doc["files"].size(), 2u);
  EXPECT_EQ(doc["files"][0]["fileName"], "/app/service");
  EXPECT_EQ(doc["files"][0]["fileTypes"][0], "BINARY");
  EXPECT_EQ(doc["files"][0]["checksums"][1]["checksumValue"], sha256_hex("binary bytes"));

  // Every relationship names identifiers that exist.
  std::set<std::string> ids{"SPDXRef-DOCUMENT"};
  for (const auto& p : doc["packages"]) ids.insert(p["SPDXID"].get<std::string>());
  for (const auto& f : doc["files"]) ids.insert(f["SPDXID"].get<std::string>());
  EXPECT_EQ(ids.size(), doc["packages"].size() + doc["files"].size() + 1);
  int depends = 0;
  for (const auto& r : doc["relationships"]) {
    EXPECT_TRUE(ids.count(r["spdxElementId"].get<std::string>())) << r.dump();
    EXPECT_TRUE(ids.count(r["relatedSpdxElement"].get<std::string>())) << r.dump();
    if (r["relationshipType"] == "DEPENDS_ON") ++depends;
  }
  EXPECT_EQ(depends, 3);  // stdlib and the two modules
  for (const auto& id : ids)
    EXPECT_EQ(
        id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-", 8),
        std::string::npos)
        << id;
}

TEST(Sbom, DeterministicWithAContentDerivedNamespace) {
  std::string a = spdx_json(sample());
  EXPECT_EQ(a, spdx_json(sample()));
  SbomInput other = sample();
  other.files[0] = sbom_file_from_content("/app/service", "other bytes");
  std::string b = spdx_json(other);
  auto ns_a = nlohmann::json::parse(a)["documentNamespace"].get<std::string>();
  auto ns_b = nlohmann::json::parse(b)["documentNamespace"].get<std::string>();
  EXPECT_NE(ns_a, ns_b);
  EXPECT_EQ(ns_a.rfind("https://spdx.org/spdxdocs/multiarch/", 0), 0u);
  // The namespace ends in the digest of the document written without it.
  auto doc = nlohmann::ordered_json::parse(a);
  doc["documentNamespace"] = "";
  EXPECT_EQ(ns_a.substr(ns_a.size() - 64), sha256_hex(doc.dump()));
}

TEST(Sbom, WithoutGoBuildInfoListsFilesOnly) {
  SbomInput in = sample();
  in.go.reset();
  in.base.reset();
  auto doc = nlohmann::json::parse(spdx_json(in));
  EXPECT_EQ(doc["packages"].size(), 1u);  // the image
  EXPECT_EQ(doc["files"].size(), 2u);
}

TEST(Sbom, CycloneDxComponents) {
  auto bom = nlohmann::json::parse(cyclonedx_json(sample()));
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.5");
  EXPECT_EQ(bom["serialNumber"].get<std::string>().size(), std::string("urn:uuid:").size() + 36);
  EXPECT_EQ(bom["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
  bool kratos = false, stdlib = false;
  for (const auto& c : bom["components"]) {
    if (c["name"] == "github.com/go-kratos/kratos/v2") {
      kratos = true;
      EXPECT_EQ(c["purl"], "pkg:golang/github.com/go-kratos/kratos/v2@v2.8.3");
      EXPECT_EQ(c["hashes"][0]["alg"], "SHA-256");
    }
    if (c["name"] == "stdlib") {
      stdlib = true;
      EXPECT_EQ(c["purl"], "pkg:golang/stdlib@1.26.8");
    }
  }
  EXPECT_TRUE(kratos);
  EXPECT_TRUE(stdlib);
  EXPECT_EQ(bom["dependencies"][0]["dependsOn"].size(), 3u);
  EXPECT_EQ(cyclonedx_json(sample()), cyclonedx_json(sample()));
}

TEST(Sbom, FormatNames) {
  EXPECT_EQ(parse_sbom_format("spdx", "--sbom-format"), SbomFormat::spdx);
  EXPECT_EQ(parse_sbom_format("cyclonedx", "--sbom-format"), SbomFormat::cyclonedx);
  EXPECT_THROW(parse_sbom_format("syft", "--sbom-format"), InputError);
}

}  // namespace
}  // namespace multiarch
