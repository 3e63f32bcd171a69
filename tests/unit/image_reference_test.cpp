// The distribution reference grammar: valid and invalid names, tags, digests, domains.
#include "oci/image_reference.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace multiarch {
namespace {

struct Valid {
  const char* text;
  const char* domain;
  const char* path;
  const char* tag;
};

TEST(ImageReference, ValidReferences) {
  const std::string digest =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const Valid cases[] = {
      {"user", "", "user", ""},
      {"user:1.0", "", "user", "1.0"},
      {"team/user:latest", "", "team/user", "latest"},
      {"registry.example.com/team/user:v1.2.3-rc_1", "registry.example.com", "team/user",
       "v1.2.3-rc_1"},
      {"127.0.0.1:5000/team/user:1", "127.0.0.1:5000", "team/user", "1"},
      {"localhost/user", "localhost", "user", ""},
      {"localhost:5000/user:x", "localhost:5000", "user", "x"},
      {"[::1]:5000/user:x", "[::1]:5000", "user", "x"},
      {"a.b/c__d/e-f---g/h.i:_tag", "a.b", "c__d/e-f---g/h.i", "_tag"},
      {"UPPER.example/user:TAG", "UPPER.example", "user", "TAG"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = parse_image_reference(c.text);
    EXPECT_EQ(r.domain, c.domain);
    EXPECT_EQ(r.path, c.path);
    EXPECT_EQ(r.tag, c.tag);
    EXPECT_EQ(r.str(), c.text);
  }
  auto with_digest = parse_image_reference("team/user:1@" + digest);
  EXPECT_EQ(with_digest.digest, digest);
  EXPECT_EQ(with_digest.tag, "1");
  EXPECT_EQ(with_digest.name(), "team/user");
}

TEST(ImageReference, InvalidReferencesNameTheProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty"},
      {"http://127.0.0.1:5000/team/user:1", "no scheme; drop \"http://\""},
      {"User", "lower-case"},
      {"team/User:1", "lower-case"},
      {"user:", "tag \"\""},
      {"user:-x", "tag \"-x\""},
      {"user:.x", "tag \".x\""},
      {"user:a/b", "port \"a\""},  // "user:a" before a "/" reads as host:port
      {"user:bad!tag", "tag \"bad!tag\""},
      {"team//user", "empty path component"},
      {"team/user/", "empty path component"},
      {"-team/user", "must start and end"},
      {"team/user-", "must start and end"},
      {"team/us..er", "not allowed"},
      {"team/us_-er", "not allowed"},
      {"bad_host.com/user", "not a valid registry host"},
      {"host.com:port/user", "port \"port\""},
      {"host.com:/user", "empty port"},
      {"user@sha256:abc", "too short"},
      {"user@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
       "lower-case"},
      {"user@md5", "algorithm:hex"},
  };
  for (const auto& [text, problem] : cases) {
    SCOPED_TRACE(text);
    try {
      parse_image_reference(text, "--to");
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      std::string message = e.what();
      EXPECT_EQ(message.rfind(std::string("--to \"") + text + "\"", 0), 0u) << message;
      EXPECT_NE(message.find(problem), std::string::npos) << message;
    }
  }
  EXPECT_THROW(parse_image_reference(std::string(256, 'a')), InputError);
}

TEST(ImageReference, Tags) {
  EXPECT_TRUE(is_valid_tag("latest"));
  EXPECT_TRUE(is_valid_tag("_"));
  EXPECT_TRUE(is_valid_tag("V1.0-rc.1_x"));
  EXPECT_TRUE(is_valid_tag(std::string(128, 'a')));
  EXPECT_FALSE(is_valid_tag(std::string(129, 'a')));
  EXPECT_FALSE(is_valid_tag(""));
  EXPECT_FALSE(is_valid_tag("-a"));
  EXPECT_FALSE(is_valid_tag(".a"));
  EXPECT_FALSE(is_valid_tag("a:b"));
  EXPECT_FALSE(is_valid_tag("a/b"));
  EXPECT_FALSE(is_valid_tag("a b"));
  EXPECT_THROW(check_tag("a b"), InputError);
  EXPECT_NO_THROW(check_repository_name("registry.example:443/a/b"));
  EXPECT_THROW(check_repository_name("A"), InputError);
}

TEST(ImageReference, SplitNameTagIsLexical) {
  using Split = std::pair<std::string, std::string>;
  EXPECT_EQ(split_name_tag("reg:5000/team/user:1.4"), (Split{"reg:5000/team/user", "1.4"}));
  EXPECT_EQ(split_name_tag("reg:5000/team/user"), (Split{"reg:5000/team/user", ""}));
  EXPECT_EQ(split_name_tag("user"), (Split{"user", ""}));
  EXPECT_EQ(split_name_tag("/tmp/base-oci:12"), (Split{"/tmp/base-oci", "12"}));  // --base DIR:TAG
  EXPECT_EQ(split_name_tag("/tmp/a:b/oci"), (Split{"/tmp/a:b/oci", ""}));
  EXPECT_EQ(split_name_tag(""), (Split{"", ""}));
}

TEST(ImageReference, LoopbackRegistries) {
  EXPECT_TRUE(is_loopback_domain("127.0.0.1:5000"));
  EXPECT_TRUE(is_loopback_domain("127.1.2.3"));
  EXPECT_TRUE(is_loopback_domain("localhost:1234"));
  EXPECT_TRUE(is_loopback_domain("[::1]:5000"));
  EXPECT_FALSE(is_loopback_domain("127.example.com"));
  EXPECT_FALSE(is_loopback_domain("registry.example.com"));
  EXPECT_FALSE(is_loopback_domain(""));
}

}  // namespace
}  // namespace multiarch
