// cosign command lines (argv only; the password only in the environment), the password file
// rules, and the metadata file's JSON.
#include "publish/image_signing.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "image/image_metadata.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

using Argv = std::vector<std::string>;

TEST(CosignCommands, SignEveryDigestThenAttest) {
  CosignOptions options;
  options.key = "/keys/cosign.key";
  options.password = "s3cret";
  options.plain_http = true;
  auto commands =
      cosign_sign_commands(options, "127.0.0.1:5000/team/user", {"sha256:aa", "sha256:ii"},
                           {{"sha256:aa", "spdxjson", "/tmp/p/sbom.json"}});
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[0].argv,
            (Argv{"cosign", "sign", "--key", "/keys/cosign.key", "--tlog-upload=false", "--yes",
                  "--allow-http-registry=true", "--allow-insecure-registry=true",
                  "127.0.0.1:5000/team/user@sha256:aa"}));
  EXPECT_EQ(commands[1].argv.back(), "127.0.0.1:5000/team/user@sha256:ii");
  EXPECT_EQ(
      commands[2].argv,
      (Argv{"cosign", "attest", "--key", "/keys/cosign.key", "--type", "spdxjson", "--predicate",
            "/tmp/p/sbom.json", "--tlog-upload=false", "--yes", "--allow-http-registry=true",
            "--allow-insecure-registry=true", "127.0.0.1:5000/team/user@sha256:aa"}));
  for (const auto& spec : commands) {
    EXPECT_EQ(spec.env_overrides.at("COSIGN_PASSWORD"), "s3cret");
    for (const auto& arg : spec.argv) EXPECT_EQ(arg.find("s3cret"), std::string::npos);
  }
}

TEST(CosignCommands, VerifyAndVerifyAttestation) {
  CosignOptions options;
  options.key = "cosign.pub";
  auto commands = cosign_verify_commands(options, "reg.example.com/u@sha256:aa",
                                         {"spdxjson", "slsaprovenance1"});
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[0].argv, (Argv{"cosign", "verify", "--key", "cosign.pub",
                                    "--insecure-ignore-tlog=true", "reg.example.com/u@sha256:aa"}));
  EXPECT_EQ(commands[2].argv, (Argv{"cosign", "verify-attestation", "--key", "cosign.pub", "--type",
                                    "slsaprovenance1", "--insecure-ignore-tlog=true",
                                    "reg.example.com/u@sha256:aa"}));
  EXPECT_EQ(cosign_predicate_type("https://spdx.dev/Document"), "spdxjson");
  EXPECT_EQ(cosign_predicate_type("https://slsa.dev/provenance/v1"), "slsaprovenance1");
  EXPECT_EQ(cosign_predicate_type("https://example.com/other"), "");
}

TEST(CosignPassword, FileMustBePrivateAndWinsOverTheEnvironment) {
  namespace fs = std::filesystem;
  test::TempDir temp;
  const fs::path& dir = temp.path();
  atomic_write_file(dir / "pw", "hunter2\n", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(cosign_password(dir / "pw"), "hunter2");
  atomic_write_file(dir / "open", "hunter2\n");  // 0644
  EXPECT_THROW(cosign_password(dir / "open"), InputError);
  EXPECT_THROW(cosign_password(dir / "missing"), InputError);
  // Without a file: the environment, else no password. With one: the file, whatever the
  // environment says.
  const char* saved = std::getenv("COSIGN_PASSWORD");
  std::string previous = saved ? saved : "";
  ::unsetenv("COSIGN_PASSWORD");
  EXPECT_EQ(cosign_password(""), "");
  ::setenv("COSIGN_PASSWORD", "from-env", 1);
  EXPECT_EQ(cosign_password(""), "from-env");
  EXPECT_EQ(cosign_password(dir / "pw"), "hunter2");
  if (saved)
    ::setenv("COSIGN_PASSWORD", previous.c_str(), 1);
  else
    ::unsetenv("COSIGN_PASSWORD");
}

TEST(ImageMetadata, OneFormatForMergeAndBuildxReadersAndAtomicWrite) {
  ImageMetadata m;
  m.name = "reg/team/user";
  m.tag = "1.0";
  m.index = Descriptor{"application/vnd.oci.image.index.v1+json", "sha256:ii", 321, {}, {}};
  m.platforms = {{"linux/arm64", "sha256:aa", 1000, "sha256:at"},
                 {"linux/amd64", "sha256:bb", 900, ""}};
  m.pushed = {"reg/team/user:1.0@sha256:ii"};
  auto j = nlohmann::json::parse(image_metadata_json(m));
  // What `image merge --metadata-file` reads, and what image push wrote before.
  EXPECT_EQ(j["name"], "reg/team/user");
  EXPECT_EQ(j["tag"], "1.0");
  EXPECT_EQ(j["digest"], "sha256:ii");
  EXPECT_EQ(j["mediaType"], "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(j["size"], 321);
  EXPECT_EQ(j["platforms"], nlohmann::json::array({"linux/arm64", "linux/amd64"}));
  EXPECT_EQ(j["manifests"][0]["digest"], "sha256:aa");
  EXPECT_EQ(j["manifests"][0]["attestation"], "sha256:at");
  EXPECT_FALSE(j["manifests"][1].contains("attestation"));
  EXPECT_EQ(j["pushed"][0], "reg/team/user:1.0@sha256:ii");
  // docker buildx build --metadata-file's keys.
  EXPECT_EQ(j["image.name"], "reg/team/user:1.0");
  EXPECT_EQ(j["containerimage.digest"], "sha256:ii");
  EXPECT_EQ(j["containerimage.descriptor"]["size"], 321);
  // By digest: no tag; several references: buildx's comma list.
  ImageMetadata by_digest = m;
  by_digest.tag.clear();
  by_digest.pushed.clear();
  auto d = nlohmann::json::parse(image_metadata_json(by_digest));
  EXPECT_FALSE(d.contains("tag"));
  EXPECT_FALSE(d.contains("pushed"));
  EXPECT_EQ(d["image.name"], "reg/team/user");
  by_digest.references = {"reg/team/user:1.0", "reg/team/user:latest"};
  EXPECT_EQ(nlohmann::json::parse(image_metadata_json(by_digest))["image.name"],
            "reg/team/user:1.0,reg/team/user:latest");
  namespace fs = std::filesystem;
  test::TempDir temp;
  const fs::path& dir = temp.path();
  write_image_metadata(dir / "sub" / "meta.json", m);
  EXPECT_EQ(read_file(dir / "sub" / "meta.json"), image_metadata_json(m));
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "sub")) ++files;
  EXPECT_EQ(files, 1u);  // no temporary left behind
}

}  // namespace
}  // namespace multiarch
