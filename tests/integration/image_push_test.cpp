// `multiarch image push` to a real registry (Debian's docker-registry on 127.0.0.1, started by
// the fixture) with multiarch's own client: the index keeps its digest, the registry serves
// it, `image pull` brings back the same bytes, and Docker pulls and runs the arm64 image from
// it under QEMU. `--pusher skopeo` still works. With htpasswd over TLS (a CA made here with
// openssl), credentials and the CA are required, and refusals are one line naming the registry.
#include <gtest/gtest.h>
#include <unistd.h>

#include "buildx_support.hpp"
#include "image_test_support.hpp"
#include "oci/oci_descriptor.hpp"
#include "registry.hpp"
#include "util/process.hpp"

namespace multiarch::test {
namespace {

constexpr const char* kIndexType = "application/vnd.oci.image.index.v1+json";

std::filesystem::path assembled_layout(const TempDir& dir, const std::filesystem::path& binaries,
                                       const std::string& name = "layout") {
  auto layout = dir / name;
  auto made =
      run_multiarch({"image", "assemble", "--binaries-dir", binaries.string(), "--name", "user",
                     "--output", layout.string(), "--tag", "1.0", "--source-date-epoch", "4"});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  return layout;
}

/// Lines of --json output whose "event" is `type`.
size_t count_events(const std::string& out, const std::string& type) {
  size_t n = 0;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (line.find("\"event\":\"" + type + "\"") != std::string::npos) ++n;
  return n;
}

TEST(ImagePush, IndexDigestIsPreservedPulledBackAndDockerRunsArm64) {
  MULTIARCH_REQUIRE_REGISTRY();
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = assembled_layout(dir, binaries);
  std::string digest = index_entry(layout)["digest"];
  Registry registry;
  ASSERT_TRUE(registry.start());
  std::string repository = registry.host() + "/multiarch-test/user";
  std::map<std::string, std::string> env = {{"HOME", dir.path().string()}};

  auto pushed = run_multiarch(
      {"image", "push", "--layout", layout.string(), "--to", repository + ":1.0"}, {}, env);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err << registry.log();
  EXPECT_EQ(pushed.out, repository + ":1.0@" + digest + "\n");
  EXPECT_EQ(pushed.err.find("\033["), std::string::npos) << "no progress redraws in a log";

  // The registry serves the very same index bytes under the tag.
  auto response = registry.get("/v2/multiarch-test/user/manifests/1.0", kIndexType);
  ASSERT_EQ(response.status, 200) << response.headers;
  EXPECT_NE(response.headers.find("Docker-Content-Digest: " + digest), std::string::npos)
      << response.headers;
  EXPECT_EQ(sha256_digest(response.body), digest);

  // Pushed again: the tag already names the index, so one HEAD of it is the whole push and
  // nothing at all is sent.
  auto again = run_multiarch(
      {"image", "push", "--layout", layout.string(), "--to", repository + ":1.0", "--json"}, {},
      env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(count_events(again.out, "up-to-date"), 1u) << again.out;
  EXPECT_EQ(count_events(again.out, "blob-pushed"), 0u) << again.out;
  EXPECT_EQ(count_events(again.out, "blob-exists"), 0u) << again.out;
  EXPECT_EQ(count_events(again.out, "manifest-pushed"), 0u) << again.out;

  // Pulled back into a new layout: the same index digest and the same platforms.
  auto pulled_layout = dir / "pulled";
  auto pulled = run_multiarch(
      {"image", "pull", repository + ":1.0", "--layout", pulled_layout.string()}, {}, env);
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_EQ(index_entry(pulled_layout)["digest"], digest);
  auto inspect_a = run_multiarch({"image", "inspect", "--layout", layout.string()});
  auto inspect_b = run_multiarch({"image", "inspect", "--layout", pulled_layout.string()});
  EXPECT_EQ(inspect_a.out.substr(inspect_a.out.find('\n')),
            inspect_b.out.substr(inspect_b.out.find('\n')));
  // A second pull finds every blob in the layout.
  auto repull = run_multiarch({"image", "pull", repository + "@" + digest, "--layout",
                               pulled_layout.string(), "--tag", "again", "--json"},
                              {}, env);
  ASSERT_EQ(repull.exit_code, 0) << repull.err;
  auto repull_json = nlohmann::json::parse(repull.out);
  EXPECT_EQ(repull_json["blobsFetched"], 0);
  EXPECT_EQ(repull_json["digest"], digest);

  if (std::getenv("MULTIARCH_SKIP_DOCKER") &&
      std::string(std::getenv("MULTIARCH_SKIP_DOCKER")) == "1")
    GTEST_SKIP() << "MULTIARCH_SKIP_DOCKER=1: not pulling with docker";
  MULTIARCH_REQUIRE_TOOL("docker", "install Docker Engine", "MULTIARCH_SKIP_DOCKER");
  MULTIARCH_REQUIRE_TOOL("qemu-aarch64-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  std::string reference = repository + ":1.0";
  auto docker_pulled = run({"docker", "pull", "--platform", "linux/arm64", reference});
  ASSERT_EQ(docker_pulled.exit_code, 0) << docker_pulled.out << docker_pulled.err;
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

TEST(ImagePush, SkopeoPusherStaysAvailable) {
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
  auto dry = run_multiarch({"image", "push", "--pusher", "skopeo", "--layout", layout.string(),
                            "--to", repository + ":1.0", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out,
            "skopeo copy --all --preserve-digests --digestfile=DIGESTFILE "
            "--dest-tls-verify=false oci:" +
                layout.string() + ":1.0 docker://" + repository + ":1.0\n");
  auto pushed = run_multiarch({"image", "push", "--pusher", "skopeo", "--layout", layout.string(),
                               "--to", repository + ":1.0"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err << registry.log();
  EXPECT_EQ(pushed.out, repository + ":1.0@" + digest + "\n");
}

// Issue 17 item 14 with --pusher skopeo: the real skopeo, run through a wrapper that records
// its own /proc/PID/cmdline (what `ps` shows every user) and the auth file it was handed.
TEST(ImagePush, SkopeoPusherGetsCredentialsInAPrivateFileNeverInItsArgv) {
  MULTIARCH_REQUIRE_IMAGE_TOOL("skopeo", "skopeo");
  MULTIARCH_REQUIRE_REGISTRY();
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = assembled_layout(dir, binaries);
  std::string digest = index_entry(layout)["digest"];
  Registry registry;
  ASSERT_TRUE(registry.start(RegistryCredentials{"pusher", "p4ss-word"}));
  std::string to = registry.host() + "/private/user:1.0";
  atomic_write_file(dir / "creds", "pusher:p4ss-word\n",
                    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
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
  std::map<std::string, std::string> env = {{"RECORD_DIR", dir.path().string()},
                                            {"REGISTRY_AUTH_FILE", (dir / "none.json").string()},
                                            {"DOCKER_CONFIG", (dir / "no-docker").string()}};
  auto pushed = run_multiarch(
      {"image", "push", "--pusher", "skopeo", "--skopeo", wrapper.string(), "--layout",
       layout.string(), "--to", to, "--creds-file", (dir / "creds").string()},
      {}, env);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err << registry.log();
  EXPECT_EQ(pushed.out, to + "@" + digest + "\n");
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
}

/// A CA and a certificate for 127.0.0.1 signed by it, made with the openssl program.
struct TestCa {
  std::filesystem::path ca_cert, cert, key;
};
::testing::AssertionResult make_ca(const std::filesystem::path& dir, TestCa& ca) {
  auto sh = [&](std::vector<std::string> argv) {
    auto r = run(argv, dir.string());
    if (!r.ok()) ADD_FAILURE() << display_command(argv) << ": " << r.err;
    return r.ok();
  };
  ca.ca_cert = dir / "ca.pem";
  ca.cert = dir / "server.pem";
  ca.key = dir / "server.key";
  atomic_write_file(dir / "san.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  bool ok = sh({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
                "-out", "ca.pem", "-days", "2", "-subj", "/CN=multiarch test CA"}) &&
            sh({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
                "server.csr", "-subj", "/CN=127.0.0.1"}) &&
            sh({"openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext"});
  return ok ? ::testing::AssertionSuccess() : ::testing::AssertionFailure() << "openssl failed";
}

TEST(ImagePush, HtpasswdOverTlsNeedsTheCaAndCredentials) {
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("htpasswd", "apt-get install apache2-utils", "MULTIARCH_SKIP_REGISTRY");
  MULTIARCH_REQUIRE_TOOL("openssl", "apt-get install openssl", "MULTIARCH_SKIP_REGISTRY");
  auto binaries = example_binaries();
  ASSERT_FALSE(binaries.empty());
  TempDir dir;
  auto layout = assembled_layout(dir, binaries);
  std::string digest = index_entry(layout)["digest"];
  TestCa ca;
  ASSERT_TRUE(make_ca(dir.path(), ca));
  Registry registry;
  RegistryOptions options;
  options.credentials = RegistryCredentials{"pusher", "p4ss-word"};
  options.tls = RegistryTls{ca.cert, ca.key};
  ASSERT_TRUE(registry.start(options));
  std::string to = registry.host() + "/private/user:1.0";
  // No ambient credentials from the machine running the tests.
  std::map<std::string, std::string> env = {{"REGISTRY_AUTH_FILE", (dir / "no-auth.json").string()},
                                            {"DOCKER_CONFIG", (dir / "no-docker").string()},
                                            {"HOME", dir.path().string()}};
  atomic_write_file(dir / "good", "pusher:p4ss-word\n",
                    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  atomic_write_file(dir / "bad", "pusher:nope\n",
                    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::vector<std::string> push = {"image", "push", "--layout",  layout.string(),
                                   "--to",  to,     "--ca-file", ca.ca_cert.string()};
  auto with = [&](std::vector<std::string> extra) {
    auto argv = push;
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_multiarch(argv, {}, env);
  };
  // The error is the last line of stderr, and one line (progress lines may come before it).
  auto last_line_says = [](const std::string& err, const std::string& message) {
    size_t at = err.find(message);
    if (at == std::string::npos) return false;
    size_t start = err.rfind('\n', at);
    std::string line = err.substr(start == std::string::npos ? 0 : start + 1);
    return std::count(line.begin(), line.end(), '\n') == 1;
  };

  auto anonymous = with({});
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find("registry " + registry.host() + " needs credentials"),
            std::string::npos)
      << anonymous.err;
  EXPECT_TRUE(last_line_says(anonymous.err, "registry " + registry.host() + " needs credentials"))
      << anonymous.err;

  auto wrong = with({"--creds-file", (dir / "bad").string()});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("registry " + registry.host() +
                           " refused the credentials from "
                           "--creds-file " +
                           (dir / "bad").string()),
            std::string::npos)
      << wrong.err;

  // Without the CA the certificate is not trusted (and plain HTTP is no way around it).
  auto untrusted = run_multiarch({"image", "push", "--layout", layout.string(), "--to", to,
                                  "--creds-file", (dir / "good").string(), "--retries", "1"},
                                 {}, env);
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_NE(untrusted.err.find("certificate"), std::string::npos) << untrusted.err;
  // With the default retry budget too, an untrusted certificate is not retried: it answered.
  // (--json reports each retry as an event on stdout.)
  auto untrusted_default = run_multiarch({"image", "push", "--layout", layout.string(), "--to", to,
                                          "--creds-file", (dir / "good").string(), "--json"},
                                         {}, env);
  EXPECT_EQ(untrusted_default.exit_code, 1);
  EXPECT_EQ(untrusted_default.out.find("\"retry\""), std::string::npos) << untrusted_default.out;
  EXPECT_NE(untrusted_default.err.find("give its CA with --ca-file"), std::string::npos)
      << untrusted_default.err;
  // doctor says the registry is there, with a certificate this machine does not trust.
  auto doctor = run_multiarch({"doctor", "--registry", to}, {}, env);
  EXPECT_NE(doctor.out.find("it answers, but its TLS certificate is not trusted"),
            std::string::npos)
      << doctor.out << doctor.err;
  EXPECT_NE(doctor.out.find("--ca-file"), std::string::npos) << doctor.out;

  auto argv_password = with({"--creds", "pusher:p4ss-word"});
  EXPECT_EQ(argv_password.exit_code, 2);
  EXPECT_EQ(argv_password.err.find("p4ss-word"), std::string::npos) << argv_password.err;
  EXPECT_EQ(registry.log().find("p4ss-word"), std::string::npos);

  auto good = with({"--creds-file", (dir / "good").string()});
  ASSERT_EQ(good.exit_code, 0) << good.err << registry.log();
  EXPECT_EQ(good.out, to + "@" + digest + "\n");

  // --creds - reads the password from stdin.
  SystemProcessRunner runner;
  ProcessSpec spec;
  spec.argv = {multiarch_binary().string(),
               "image",
               "push",
               "--layout",
               layout.string(),
               "--to",
               registry.host() + "/private/user:stdin",
               "--ca-file",
               ca.ca_cert.string(),
               "--creds",
               "-"};
  spec.env_overrides = env;
  spec.stdin_data = "pusher:p4ss-word\n";
  auto from_stdin = runner.run(spec);
  EXPECT_EQ(from_stdin.exit_code, 0) << from_stdin.err;

  // A config.json cut off mid-way is skipped, as Docker does, and named when credentials
  // were needed.
  atomic_write_file(dir / "docker/config.json", "{\"auths\":{\"" + registry.host() + "\":{");
  env["DOCKER_CONFIG"] = (dir / "docker").string();
  auto broken_config =
      run_multiarch({"image", "push", "--layout", layout.string(), "--to",
                     registry.host() + "/private/user:2.0", "--ca-file", ca.ca_cert.string()},
                    {}, env);
  EXPECT_EQ(broken_config.exit_code, 1);
  EXPECT_NE(broken_config.err.find("needs credentials"), std::string::npos) << broken_config.err;
  EXPECT_NE(broken_config.err.find("none were read from " + (dir / "docker/config.json").string() +
                                   ": not valid JSON"),
            std::string::npos)
      << broken_config.err;

  // Docker's config.json (auths, base64 USER:PASSWORD) through DOCKER_CONFIG.
  atomic_write_file(dir / "docker/config.json",
                    "{\"auths\":{\"" + registry.host() +
                        "\":{\"auth\":\"cHVzaGVyOnA0c3Mtd29yZA==\"}}}");  // pusher:p4ss-word
  env["DOCKER_CONFIG"] = (dir / "docker").string();
  auto from_config =
      run_multiarch({"image", "push", "--layout", layout.string(), "--to",
                     registry.host() + "/private/user:2.0", "--ca-file", ca.ca_cert.string()},
                    {}, env);
  EXPECT_EQ(from_config.exit_code, 0) << from_config.err;

  // Pulled back over TLS with the same credentials: the same index.
  auto pulled = run_multiarch({"image", "pull", to, "--layout", (dir / "pulled").string(),
                               "--ca-file", ca.ca_cert.string()},
                              {}, env);
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_EQ(index_entry(dir / "pulled")["digest"], digest);
}

}  // namespace
}  // namespace multiarch::test
