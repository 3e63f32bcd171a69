// `multiarch image push` to a real registry (Debian's docker-registry on 127.0.0.1, started by
// the fixture): the index keeps its digest, the registry serves it, and Docker pulls and runs
// the arm64 image from it under QEMU. With htpasswd auth, credentials are required.
#include <gtest/gtest.h>
#include <unistd.h>

#include "buildx_support.hpp"
#include "image_test_support.hpp"
#include "oci/oci_descriptor.hpp"
#include "registry.hpp"

namespace multiarch::test {
namespace {

constexpr const char* kIndexType = "application/vnd.oci.image.index.v1+json";

std::filesystem::path assembled_layout(const TempDir& dir, const std::filesystem::path& binaries) {
  auto layout = dir / "layout";
  auto made =
      run_multiarch({"image", "assemble", "--binaries-dir", binaries.string(), "--name", "user",
                     "--output", layout.string(), "--tag", "1.0", "--source-date-epoch", "4"});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  return layout;
}

TEST(ImagePush, IndexDigestIsPreservedAndDockerPullsArm64) {
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  MULTIARCH_REQUIRE_REGISTRY();
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = assembled_layout(dir, binaries);
  std::string digest = index_entry(layout)["digest"];
  Registry registry;
  ASSERT_TRUE(registry.start());
  std::string repository = registry.host() + "/multiarch-test/user";

  auto dry = run_multiarch(
      {"image", "push", "--layout", layout.string(), "--to", repository + ":1.0", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out,
            "skopeo copy --all --preserve-digests --digestfile=DIGESTFILE "
            "--dest-tls-verify=false oci:" +
                layout.string() + ":1.0 docker://" + repository + ":1.0\n");

  auto pushed =
      run_multiarch({"image", "push", "--layout", layout.string(), "--to", repository + ":1.0"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err << registry.log();
  EXPECT_EQ(pushed.out, repository + ":1.0@" + digest + "\n");

  // The registry serves the very same index bytes under the tag.
  auto response = registry.get("/v2/multiarch-test/user/manifests/1.0", kIndexType);
  ASSERT_EQ(response.status, 200) << response.headers;
  EXPECT_NE(response.headers.find("Docker-Content-Digest: " + digest), std::string::npos)
      << response.headers;
  EXPECT_EQ(sha256_digest(response.body), digest);

  if (std::getenv("MULTIARCH_SKIP_DOCKER") &&
      std::string(std::getenv("MULTIARCH_SKIP_DOCKER")) == "1")
    GTEST_SKIP() << "MULTIARCH_SKIP_DOCKER=1: not pulling with docker";
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER");
  MULTIARCH_REQUIRE_TOOL("qemu-aarch64-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  std::string reference = repository + ":1.0";
  auto pulled = run({"docker", "pull", "--platform", "linux/arm64", reference});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.out << pulled.err;
  auto ran =
      run({"docker", "run", "--rm", "--platform", "linux/arm64", reference, "-print-platform"});
  // By id: removing the tag alone would leave the pulled image behind under its digest.
  auto id = run({"docker", "image", "inspect", "--format", "{{.Id}}", reference});
  run({"docker", "rmi", "--force", id.out.substr(0, id.out.find('\n'))});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("GOARCH=arm64 GOARM64=v8.0 platform=linux/arm64 version=test"),
            std::string::npos)
      << ran.out;
}

TEST(ImagePush, HtpasswdRegistryNeedsCredentials) {
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("htpasswd", "apt-get install apache2-utils", "MULTIARCH_SKIP_REGISTRY");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = assembled_layout(dir, binaries);
  std::string digest = index_entry(layout)["digest"];
  Registry registry;
  ASSERT_TRUE(registry.start(RegistryCredentials{"pusher", "p4ss-word"}));
  std::string to = registry.host() + "/private/user:1.0";
  // No ambient credentials from the machine running the tests.
  std::map<std::string, std::string> env = {{"REGISTRY_AUTH_FILE", (dir / "no-auth.json").string()},
                                            {"XDG_RUNTIME_DIR", dir.path().string()},
                                            {"HOME", dir.path().string()}};

  auto anonymous =
      run_multiarch({"image", "push", "--layout", layout.string(), "--to", to}, {}, env);
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find("push to " + to + " failed"), std::string::npos) << anonymous.err;
  EXPECT_NE(anonymous.err.find("--creds USER:PASSWORD"), std::string::npos) << anonymous.err;
  EXPECT_EQ(registry.get("/v2/private/user/manifests/1.0", kIndexType).status, 404);

  auto wrong = run_multiarch(
      {"image", "push", "--layout", layout.string(), "--to", to, "--creds", "pusher:nope"}, {},
      env);
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out;

  auto dry = run_multiarch({"image", "push", "--layout", layout.string(), "--to", to, "--creds",
                            "pusher:p4ss-word", "--dry-run"},
                           {}, env);
  EXPECT_NE(dry.out.find("--dest-authfile=PRIVATE-0600-AUTHFILE-WITH-CREDS"), std::string::npos)
      << dry.out;
  EXPECT_EQ(dry.out.find("p4ss-word"), std::string::npos) << dry.out;
  EXPECT_EQ(dry.out.find("--dest-creds"), std::string::npos) << dry.out;

  // Issue 17 item 14: the real skopeo, run through a wrapper that records its own
  // /proc/PID/cmdline (what `ps` shows every user) and the auth file it was handed.
  auto wrapper = dir / "skopeo-recorder";
  atomic_write_file(
      wrapper,
      "#!/bin/sh\n"
      "tr '\\0' '\\n' < /proc/$$/cmdline > \"$RECORD_DIR/cmdline\"\n"
      "for a in \"$@\"; do case \"$a\" in --dest-authfile=*)\n"
      "  f=\"${a#--dest-authfile=}\"; echo \"$f\" > \"$RECORD_DIR/authfile\"\n"
      "  stat -c %a \"$f\" > \"$RECORD_DIR/mode\"; cp \"$f\" \"$RECORD_DIR/auth.json\";;\n"
      "esac; done\n"
      "exec skopeo \"$@\"\n");
  std::filesystem::permissions(wrapper, std::filesystem::perms::owner_all);
  auto record = env;
  record["RECORD_DIR"] = dir.path().string();
  auto with_creds = run_multiarch({"image", "push", "--layout", layout.string(), "--to", to,
                                   "--creds", "pusher:p4ss-word", "--skopeo", wrapper.string()},
                                  {}, record);
  ASSERT_EQ(with_creds.exit_code, 0) << with_creds.err << registry.log();
  EXPECT_EQ(with_creds.out, to + "@" + digest + "\n");
  EXPECT_EQ(registry.get("/v2/private/user/manifests/1.0", kIndexType).status, 200);
  std::string cmdline = read_file(dir / "cmdline");
  EXPECT_NE(cmdline.find("docker://" + to), std::string::npos) << cmdline;
  EXPECT_EQ(cmdline.find("p4ss-word"), std::string::npos) << cmdline;
  EXPECT_EQ(cmdline.find("--dest-creds"), std::string::npos) << cmdline;
  EXPECT_EQ(read_file(dir / "mode"), "600\n");
  EXPECT_NE(read_file(dir / "auth.json").find("cHVzaGVyOnA0c3Mtd29yZA=="), std::string::npos);
  std::string authfile = trimmed(read_file(dir / "authfile"));
  ASSERT_FALSE(authfile.empty());
  EXPECT_FALSE(std::filesystem::exists(authfile)) << "the private auth file must be removed";
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(authfile).parent_path()));

  // skopeo's own auth file works too (REGISTRY_AUTH_FILE), as documented.
  std::string auth = "{\"auths\":{\"" + registry.host() +
                     "\":{\"auth\":\"cHVzaGVyOnA0c3Mtd29yZA==\"}}}";  // pusher:p4ss-word
  atomic_write_file(dir / "auth.json", auth);
  env["REGISTRY_AUTH_FILE"] = (dir / "auth.json").string();
  auto with_file = run_multiarch(
      {"image", "push", "--layout", layout.string(), "--to", registry.host() + "/private/user:2.0"},
      {}, env);
  EXPECT_EQ(with_file.exit_code, 0) << with_file.err;
}

}  // namespace
}  // namespace multiarch::test
