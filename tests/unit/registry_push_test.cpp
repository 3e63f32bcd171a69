// The registry client and push against an in-memory registry behind the HttpClient seam:
// blobs before manifests, the tag last, HEAD skips, chunks, mounts, retries, corruption,
// Basic and Bearer auth.
#include "publish/registry_push.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "fake_registry.hpp"
#include "oci/oci_manifest.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {
namespace fs = std::filesystem;
using test::FakeRegistry;

struct Layout {
  fs::path root;
  Descriptor index;
  std::vector<Descriptor> layers;
};

/// Two platforms sharing a layer, each with its own layer and config.
Layout make_layout(const fs::path& root, size_t big_layer = 3000) {
  OciLayout layout(root);
  LayoutTransaction tx(layout);
  auto shared = tx.put_blob("application/vnd.oci.image.layer.v1.tar", std::string(big_layer, 's'));
  std::vector<Descriptor> manifests;
  std::vector<Descriptor> layers = {shared};
  for (std::string arch : {"amd64", "arm64"}) {
    auto own = tx.put_blob("application/vnd.oci.image.layer.v1.tar", "layer of " + arch);
    layers.push_back(own);
    auto config =
        tx.put_blob(media_type::kOciConfig, R"({"architecture":")" + arch + R"(","os":"linux"})");
    auto manifest = tx.put_blob(media_type::kOciManifest, manifest_json(config, {shared, own}, {}));
    manifest.platform = DescriptorPlatform{arch, "linux", "", ""};
    manifests.push_back(manifest);
  }
  auto index = tx.put_blob(media_type::kOciIndex, index_json(manifests, {}));
  tx.write_index_json(index_json({index}, {}));
  tx.commit();
  return {root, index, layers};
}

class RegistryPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("multiarch-registry-push-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    layout_ = make_layout(dir_ / "layout");
    options_.destination = parse_image_reference("fake.test/team/user:1.0");
  }
  void TearDown() override { fs::remove_all(dir_); }

  RegistryClient client(std::optional<RegistryCredentials> credentials = std::nullopt) {
    RegistryClientOptions o;
    o.host = "fake.test";
    o.credentials = credentials;
    o.backoff = std::chrono::milliseconds(0);
    o.max_attempts = 4;
    o.on_retry = [this](const std::string& what, int, const std::string& reason) {
      retries_.push_back(what + ": " + reason);
    };
    return RegistryClient(fake_, o);
  }

  RegistryPushResult push(RegistryClient& c) {
    c.ping();
    return push_layout_image(c, OciLayout(layout_.root), layout_.index, options_);
  }

  fs::path dir_;
  Layout layout_;
  FakeRegistry fake_;
  RegistryPushOptions options_;
  std::vector<std::string> retries_;
};

TEST_F(RegistryPushTest, BlobsFirstThenManifestsThenTheTagLast) {
  std::vector<PushEvent> events;
  options_.on_event = [&](const PushEvent& e) { events.push_back(e); };
  auto c = client();
  auto result = push(c);
  EXPECT_EQ(result.digest, layout_.index.digest);
  EXPECT_EQ(result.blobs_total, 5u);  // shared layer, two own layers, two configs
  EXPECT_EQ(result.blobs_pushed, 5u);
  EXPECT_EQ(result.manifests_total, 3u);
  EXPECT_EQ(result.manifests_pushed, 3u);
  for (const auto& layer : layout_.layers)
    EXPECT_TRUE(fake_.blobs.count("team/user@" + layer.digest));
  EXPECT_EQ(sha256_digest(fake_.manifests.at("team/user:1.0")), layout_.index.digest);
  EXPECT_EQ(fake_.manifest_types.at("team/user@" + layout_.index.digest), media_type::kOciIndex);

  size_t last_blob_put = 0, first_manifest_put = fake_.log.size(), tag_put = 0;
  for (size_t i = 0; i < fake_.log.size(); ++i) {
    const auto& l = fake_.log[i];
    if (l.method != "PUT") continue;
    if (l.path.find("/blobs/uploads/") != std::string::npos) last_blob_put = i;
    if (l.path.find("/manifests/") != std::string::npos)
      first_manifest_put = std::min(first_manifest_put, i);
    if (l.path == "/v2/team/user/manifests/1.0") tag_put = i;
  }
  EXPECT_LT(last_blob_put, first_manifest_put);
  EXPECT_EQ(tag_put, fake_.log.size() - 1) << "the tag is the very last request";
  size_t tag_heads = 0;
  for (const auto& l : fake_.log)
    if (l.method == "HEAD" && l.path == "/v2/team/user/manifests/1.0") tag_heads++;
  EXPECT_EQ(tag_heads, 1u) << "the tag is asked about once, before anything is sent";
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().type, "plan");
  EXPECT_EQ(events.front().bytes, 5u);
}

TEST_F(RegistryPushTest, ARePushOfTheSameImageIsOneHead) {
  auto c = client();
  push(c);
  size_t requests = fake_.log.size();
  std::vector<PushEvent> events;
  options_.on_event = [&](const PushEvent& e) { events.push_back(e); };
  auto again = push(c);
  EXPECT_EQ(again.digest, layout_.index.digest);
  EXPECT_EQ(again.blobs_pushed, 0u);
  EXPECT_EQ(again.blobs_existing, 5u);
  EXPECT_EQ(again.manifests_pushed, 0u);
  // ping (GET /v2/) and one HEAD of the tag.
  ASSERT_EQ(fake_.log.size() - requests, 2u);
  EXPECT_EQ(fake_.log.back().method, "HEAD");
  EXPECT_EQ(fake_.log.back().path, "/v2/team/user/manifests/1.0");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type, "up-to-date");

  // By digest: the same, with the digest as the reference.
  options_.by_digest = true;
  requests = fake_.log.size();
  push(c);
  EXPECT_EQ(fake_.log.size() - requests, 2u);
  EXPECT_EQ(fake_.log.back().path, "/v2/team/user/manifests/" + layout_.index.digest);
}

TEST_F(RegistryPushTest, ARerunSendsOnlyWhatIsMissing) {
  auto c = client();
  push(c);
  // As if a push was killed after the first blobs: the tag was never moved (it is put last)
  // and the registry lacks one layer.
  fake_.manifests.erase("team/user:1.0");
  fake_.blobs.erase("team/user@" + layout_.layers[1].digest);
  size_t posts = fake_.count("POST", "/blobs/uploads/");
  auto again = push(c);
  EXPECT_EQ(again.blobs_pushed, 1u);
  EXPECT_EQ(again.blobs_existing, 4u);
  EXPECT_EQ(again.manifests_pushed, 1u) << "the manifests exist; only the tag is put";
  EXPECT_EQ(fake_.count("POST", "/blobs/uploads/") - posts, 1u);

  // The tag moved elsewhere meanwhile (another push): the index is put under it again.
  fake_.manifests["team/user:1.0"] = "{\"schemaVersion\":2}";
  size_t puts = fake_.count("PUT", "/manifests/1.0");
  auto moved = push(c);
  EXPECT_EQ(moved.manifests_pushed, 1u);
  EXPECT_EQ(fake_.count("PUT", "/manifests/1.0") - puts, 1u);
}

TEST_F(RegistryPushTest, LargeBlobsGoInChunks) {
  options_.chunk_threshold = 1000;
  options_.chunk_size = 1024;
  auto c = client();
  push(c);
  // 3000 bytes in 1024-byte chunks: three PATCHes, then a PUT closing the upload.
  EXPECT_EQ(fake_.count("PATCH", "/blobs/uploads/"), 3u);
  EXPECT_EQ(fake_.blobs.at("team/user@" + layout_.layers[0].digest), std::string(3000, 's'));
}

TEST_F(RegistryPushTest, MountsFromAnotherRepository) {
  auto c = client();
  push(c);
  options_.destination = parse_image_reference("fake.test/team/copy:1.0");
  options_.mount_from = {"team/user"};
  auto result = push(c);
  EXPECT_EQ(result.blobs_mounted, 5u);
  EXPECT_EQ(result.blobs_pushed, 0u);
  EXPECT_EQ(fake_.count("PUT", "/v2/team/copy/blobs/"), 0u);
  EXPECT_TRUE(fake_.blobs.count("team/copy@" + layout_.layers[0].digest));
}

TEST_F(RegistryPushTest, RetriesServerErrorsRateLimitsAndDroppedConnections) {
  int seen = 0;
  auto every_third = [&seen](const HttpRequest&) { return ++seen % 3 == 0; };
  fake_.faults = {{every_third, 503}, {every_third, 429}, {every_third, 0}, {every_third, 500}};
  auto c = client();
  auto result = push(c);
  EXPECT_EQ(result.digest, layout_.index.digest);
  EXPECT_EQ(retries_.size(), 4u);
  EXPECT_EQ(sha256_digest(fake_.manifests.at("team/user:1.0")), layout_.index.digest);
}

TEST_F(RegistryPushTest, GivesUpAfterTheRetryBudgetNamingTheRegistry) {
  for (int i = 0; i < 10; ++i)
    fake_.faults.push_back({[](const HttpRequest& r) { return r.method == "PUT"; }, 502});
  auto c = client();
  options_.jobs = 1;
  try {
    push(c);
    FAIL() << "expected a failure";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("registry fake.test:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("after 4 attempts"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fake_.manifests.count("team/user:1.0"), 0u) << "no tag without its blobs";
}

// Found by trying it: a mistyped registry name cost 6 attempts and ~6 s of backoff.
TEST_F(RegistryPushTest, AHostThatDoesNotResolveOrAnUntrustedCertificateIsNotRetried) {
  for (const std::string error :
       {"Could not resolve host: fake.test",
        "SSL certificate problem: unable to get local issuer certificate"}) {
    retries_.clear();
    fake_.faults = {{[](const HttpRequest&) { return true; }, 0, error}};
    auto c = client();
    try {
      c.ping();
      FAIL() << "expected a failure";
    } catch (const TransientError& e) {
      FAIL() << "retried: " << e.what();
    } catch (const RuntimeError& e) {
      EXPECT_NE(std::string(e.what()).find(error), std::string::npos) << e.what();
    }
    EXPECT_TRUE(retries_.empty()) << retries_.front();
  }
}

TEST_F(RegistryPushTest, ABlobDamagedInFlightIsReportedAndSentAgain) {
  fake_.corrupt_once.insert(layout_.layers[0].digest);
  auto c = client();
  push(c);
  ASSERT_EQ(retries_.size(), 1u);
  EXPECT_NE(retries_[0].find("digest check failed"), std::string::npos) << retries_[0];
  EXPECT_EQ(fake_.blobs.at("team/user@" + layout_.layers[0].digest), std::string(3000, 's'));
}

TEST_F(RegistryPushTest, ByDigestLeavesNoTag) {
  options_.destination = parse_image_reference("fake.test/team/user");
  options_.by_digest = true;
  auto c = client();
  push(c);
  EXPECT_EQ(fake_.manifests.count("team/user:1.0"), 0u);
  EXPECT_TRUE(fake_.manifests.count("team/user@" + layout_.index.digest));
}

TEST_F(RegistryPushTest, BasicAuth) {
  fake_.auth = FakeRegistry::Auth::kBasic;
  auto anonymous = client();
  anonymous.ping();
  try {
    push_layout_image(anonymous, OciLayout(layout_.root), layout_.index, options_);
    FAIL();
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("registry fake.test needs credentials"), std::string::npos)
        << e.what();
  }
  auto wrong = client(RegistryCredentials{"alice", "nope", "--creds-file f"});
  try {
    push(wrong);
    FAIL();
  } catch (const RuntimeError& e) {
    EXPECT_EQ(std::string(e.what()),
              "registry fake.test refused the credentials from --creds-file f; check the "
              "USER:PASSWORD there (or the account's push rights on this repository)");
  }
  auto right = client(RegistryCredentials{"alice", "secret", "test"});
  EXPECT_EQ(push(right).digest, layout_.index.digest);
}

TEST_F(RegistryPushTest, BearerTokenOncePerScopeForTheRun) {
  fake_.auth = FakeRegistry::Auth::kBearer;
  auto c = client(RegistryCredentials{"alice", "secret", "test"});
  push(c);
  ASSERT_EQ(fake_.tokens_issued.size(), 1u);
  EXPECT_EQ(fake_.tokens_issued[0], "service=fake&scope=repository%3Ateam%2Fuser%3Apull%2Cpush");
  for (const auto& l : fake_.log) {
    if (l.path.rfind("/v2/team", 0) == 0 && l.method == "PUT") {
      EXPECT_EQ(l.authorization, "Bearer token-1");
    }
  }

  auto wrong = client(RegistryCredentials{"alice", "nope", "config.json"});
  EXPECT_THROW(push(wrong), RuntimeError);
}

}  // namespace
}  // namespace multiarch
