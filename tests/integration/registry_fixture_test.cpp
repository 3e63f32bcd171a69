// The registry fixture itself: it serves the distribution API and enforces auth when asked,
// so image and buildx tests that push to it can trust it.
#include <gtest/gtest.h>

#include "registry.hpp"

namespace multiarch::test {
namespace {

TEST(RegistryFixture, ServesTheDistributionApiOnLoopback) {
  MULTIARCH_REQUIRE_REGISTRY();
  Registry registry;
  ASSERT_TRUE(registry.start());
  EXPECT_EQ(registry.host(), "127.0.0.1:" + std::to_string(registry.port()));
  auto response = registry.get("/v2/");
  EXPECT_EQ(response.status, 200) << response.headers << registry.log();
  EXPECT_EQ(registry.get("/v2/no/such/manifests/latest").status, 404);
  registry.stop();
  EXPECT_EQ(registry.get("/v2/").status, 0) << "still answering after stop()";
}

TEST(RegistryFixture, HtpasswdAuthRefusesAnonymousRequests) {
  MULTIARCH_REQUIRE_REGISTRY();
  MULTIARCH_REQUIRE_TOOL("htpasswd", "apt-get install apache2-utils", "MULTIARCH_SKIP_REGISTRY");
  Registry registry;
  ASSERT_TRUE(registry.start(RegistryCredentials{"alice", "s3cret-pass"}));
  EXPECT_EQ(registry.get("/v2/", {}, false).status, 401);
  EXPECT_EQ(registry.get("/v2/").status, 200) << registry.log();
}

}  // namespace
}  // namespace multiarch::test
