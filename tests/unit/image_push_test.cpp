// The exact skopeo argv of `image push`, and credentials kept out of displays.
#include "publish/image_push.hpp"

#include <gtest/gtest.h>

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

TEST(ImagePush, LoopbackAndInsecureSkipTlsAndCredentialsAreRedacted) {
  PushOptions o;
  o.layout = "out";
  o.destination = parse_image_reference("127.0.0.1:5000/user:2");
  o.credentials = "me:secret";
  o.authfile = "/a.json";
  auto argv = skopeo_push_argv(o);
  EXPECT_EQ(argv, (std::vector<std::string>{"skopeo", "copy", "--all", "--preserve-digests",
                                            "--dest-tls-verify=false", "--dest-creds=me:secret",
                                            "--authfile=/a.json", "oci:out",
                                            "docker://127.0.0.1:5000/user:2"}));
  auto shown = redact_credentials(argv);
  EXPECT_EQ(shown[5], "--dest-creds=me:***");

  o.destination = parse_image_reference("registry.internal/user:2");
  o.credentials.clear();
  o.authfile.clear();
  EXPECT_EQ(skopeo_push_argv(o)[4], "oci:out");
  o.insecure = true;
  EXPECT_EQ(skopeo_push_argv(o)[4], "--dest-tls-verify=false");
}

}  // namespace
}  // namespace multiarch
