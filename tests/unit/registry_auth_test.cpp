// Credentials from Docker's config.json (auths, credsStore, credHelpers through a scripted
// docker-credential-* program), REGISTRY_AUTH_FILE first, and WWW-Authenticate parsing.
#include "publish/registry_auth.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "buildx_test_support.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {
namespace fs = std::filesystem;
using test::ScriptedRunner;
using test::write_file;

class RegistryAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("multiarch-registry-auth-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "home/.docker");
    env_.home = (dir_ / "home").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  CredentialEnvironment env_;
  ScriptedRunner runner_;
};

TEST_F(RegistryAuthTest, AuthsEntryIsBase64UserColonPassword) {
  // "alice:s3:cret" (a password may contain ':').
  write_file(dir_ / "home/.docker/config.json",
             R"({"auths":{"reg.example:5000":{"auth":"YWxpY2U6czM6Y3JldA=="}}})");
  auto found = lookup_credentials("reg.example:5000", env_, runner_).credentials;
  ASSERT_TRUE(found);
  EXPECT_EQ(found->username, "alice");
  EXPECT_EQ(found->password, "s3:cret");
  EXPECT_FALSE(lookup_credentials("other.example", env_, runner_).credentials);
}

TEST_F(RegistryAuthTest, RegistryAuthFileComesFirst) {
  write_file(dir_ / "home/.docker/config.json",
             R"({"auths":{"reg.example":{"auth":"YWxpY2U6ZG9ja2Vy"}}})");  // alice:docker
  write_file(dir_ / "auth.json", R"({"auths":{"reg.example":{"auth":"Ym9iOnBvZG1hbg=="}}})");
  env_.registry_auth_file = (dir_ / "auth.json").string();
  auto found = lookup_credentials("reg.example", env_, runner_).credentials;
  ASSERT_TRUE(found);
  EXPECT_EQ(found->username, "bob");
  EXPECT_EQ(found->password, "podman");
}

// Found by trying it as a user: the JSON library's parse error quotes the text it stopped at,
// which in a cut-off config.json is the base64 of USER:PASSWORD. And a broken config.json
// must not block anonymous registries: Docker warns and goes on, so does the lookup.
TEST_F(RegistryAuthTest, ABrokenDockerConfigIsSkippedAndNamedWithoutQuotingItsContent) {
  write_file(dir_ / "home/.docker/config.json",
             R"({"auths":{"reg.example":{"auth":"YWxpY2U6czNjcjN0LVBAc3M=)");
  CredentialLookup lookup = lookup_credentials("reg.example", env_, runner_);
  EXPECT_FALSE(lookup.credentials);
  EXPECT_NE(lookup.skipped.find("config.json: not valid JSON (at byte"), std::string::npos)
      << lookup.skipped;
  EXPECT_EQ(lookup.skipped.find("YWxpY2U6"), std::string::npos) << lookup.skipped;
}

TEST_F(RegistryAuthTest, ABrokenRegistryAuthFileIsAnError) {
  write_file(dir_ / "auth.json", R"({"auths":{"reg.example":{"auth":"YWxpY2U6czNjcjN0LVBAc3M=)");
  env_.registry_auth_file = (dir_ / "auth.json").string();
  try {
    lookup_credentials("reg.example", env_, runner_);
    FAIL() << "a broken REGISTRY_AUTH_FILE, named by the user, must be an error";
  } catch (const RuntimeError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("auth.json: not valid JSON (at byte"), std::string::npos) << message;
    EXPECT_EQ(message.find("YWxpY2U6"), std::string::npos) << message;
  }
}

TEST_F(RegistryAuthTest, CredentialHelpersGetTheHostOnStdin) {
  fs::create_directories(dir_ / "bin");
  write_file(dir_ / "bin/docker-credential-pass", "#!/bin/sh\n");
  fs::permissions(dir_ / "bin/docker-credential-pass", fs::perms::owner_all);
  std::string old_path = std::getenv("PATH");
  setenv("PATH", (dir_ / "bin").c_str(), 1);
  write_file(dir_ / "home/.docker/config.json",
             R"({"credsStore":"pass","credHelpers":{"helped.example":"pass"},
                 "auths":{"stored.example":{}}})");
  runner_.on({"docker-credential-pass", "get"}, [](const ProcessSpec& spec) {
    if (spec.stdin_data == "helped.example")
      return test::ok(R"({"ServerURL":"helped.example","Username":"ci","Secret":"tok"})");
    return ProcessResult{1, "credentials not found in native keychain\n", "", {}};
  });
  auto helped = lookup_credentials("helped.example", env_, runner_).credentials;
  auto stored = lookup_credentials("stored.example", env_, runner_).credentials;
  setenv("PATH", old_path.c_str(), 1);
  ASSERT_TRUE(helped);
  EXPECT_EQ(helped->username, "ci");
  EXPECT_EQ(helped->password, "tok");
  EXPECT_EQ(helped->source, "docker-credential-pass");
  EXPECT_FALSE(stored);
  ASSERT_EQ(runner_.calls.size(), 2u);
  for (const auto& call : runner_.calls)
    EXPECT_EQ(call.argv, (std::vector<std::string>{"docker-credential-pass", "get"}))
        << "the secret's host goes on stdin, nothing else in argv";
}

TEST_F(RegistryAuthTest, MissingHelperIsNamed) {
  write_file(dir_ / "home/.docker/config.json", R"({"credHelpers":{"x.example":"nope-helper"}})");
  try {
    lookup_credentials("x.example", env_, runner_);
    FAIL();
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("docker-credential-nope-helper is not on PATH"),
              std::string::npos);
  }
}

TEST(RegistryAuth, UserPasswordLines) {
  auto c = parse_user_password("me:pw\n", "--creds -");
  EXPECT_EQ(c.username, "me");
  EXPECT_EQ(c.password, "pw");
  EXPECT_THROW(parse_user_password("nocolon", "--creds -"), InputError);
  EXPECT_THROW(parse_user_password(":pw", "--creds -"), InputError);
  EXPECT_EQ(base64_decode(base64_encode("a:bc"), "x"), "a:bc");
  EXPECT_EQ(base64_decode(base64_encode("a:b"), "x"), "a:b");
  EXPECT_THROW(base64_decode("abc", "x"), RuntimeError);
}

TEST(RegistryAuth, ChallengeParameters) {
  auto bearer = parse_auth_challenge(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push")");
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->scheme, "bearer");
  EXPECT_EQ(bearer->params["realm"], "https://auth.example/token");
  EXPECT_EQ(bearer->params["service"], "registry.example");
  EXPECT_EQ(bearer->params["scope"], "repository:a/b:pull,push");
  auto basic = parse_auth_challenge("Basic realm=\"Registry Realm\"");
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->scheme, "basic");
  EXPECT_EQ(basic->params["realm"], "Registry Realm");
  EXPECT_FALSE(parse_auth_challenge(""));
}

}  // namespace
}  // namespace multiarch
