// The exact skopeo argv of `image push`, and credentials kept out of every argv.
#include "publish/image_push.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "util/fs.hpp"

namespace multiarch {
namespace {

TEST(ImagePush, ArgvForARemoteRegistry) {
  PushOptions o;
  o.layout = "/work/out";
  o.source_tag = "1.0";
  o.destination = parse_image_reference("registry.example.com/team/user:1.0");
  o.digest_file = "/tmp/d";
  EXPECT_EQ(skopeo_push_argv(o),
            (std::vector<std::string>{"skopeo", "copy", "--all", "--preserve-digests",
                                      "--digestfile=/tmp/d", "oci:/work/out:1.0",
                                      "docker://registry.example.com/team/user:1.0"}));
}

// Issue 17 item 14: the password is never an argument (ps, /proc/PID/cmdline); skopeo reads
// it from a private auth file.
TEST(ImagePush, CredentialsGoThroughAPrivateAuthFileNeverArgv) {
  PushOptions o;
  o.layout = "out";
  o.destination = parse_image_reference("127.0.0.1:5000/user:2");
  o.credentials = "me:s3cret-pw";
  o.authfile = "/a.json";
  EXPECT_THROW(skopeo_push_argv(o), std::logic_error);  // no file written yet: refuse
  std::filesystem::path path;
  {
    auto file = write_credentials_file(o);
    ASSERT_TRUE(file);
    path = file->path();
    EXPECT_EQ(o.dest_authfile, path);
    auto argv = skopeo_push_argv(o);
    EXPECT_EQ(argv, (std::vector<std::string>{"skopeo", "copy", "--all", "--preserve-digests",
                                              "--dest-tls-verify=false", "--authfile=/a.json",
                                              "--dest-authfile=" + path.string(), "oci:out",
                                              "docker://127.0.0.1:5000/user:2"}));
    for (const auto& arg : argv) EXPECT_EQ(arg.find("s3cret"), std::string::npos) << arg;
    struct stat file_stat {
    }, dir_stat{};
    ASSERT_EQ(::stat(path.c_str(), &file_stat), 0);
    ASSERT_EQ(::stat(path.parent_path().c_str(), &dir_stat), 0);
    EXPECT_EQ(file_stat.st_mode & 0777, 0600u);
    EXPECT_EQ(dir_stat.st_mode & 0777, 0700u);
    auto json = nlohmann::json::parse(read_file(path));
    // base64("me:s3cret-pw")
    EXPECT_EQ(json["auths"]["127.0.0.1:5000"]["auth"], "bWU6czNjcmV0LXB3");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path.parent_path()));
}

TEST(ImagePush, NoCredentialsNoAuthFileAndInsecureSkipsTls) {
  PushOptions o;
  o.layout = "out";
  o.destination = parse_image_reference("registry.internal/user:2");
  EXPECT_EQ(write_credentials_file(o), nullptr);
  EXPECT_EQ(skopeo_push_argv(o)[4], "oci:out");
  o.insecure = true;
  EXPECT_EQ(skopeo_push_argv(o)[4], "--dest-tls-verify=false");
}

TEST(RegistryAuthJson, Base64OfUserColonPassword) {
  EXPECT_EQ(registry_auth_json("docker.io", "a:b"), R"({"auths":{"docker.io":{"auth":"YTpi"}}})");
}

}  // namespace
}  // namespace multiarch
