// The records `image test --record` leaves and `image push --require-tested` reads.
#include "publish/test_record.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace multiarch {
namespace {
namespace fs = std::filesystem;

const Platform kHost{"linux", "amd64", ""};
const std::string kIndex = "sha256:" + std::string(64, 'a');
const std::string kOtherIndex = "sha256:" + std::string(64, 'b');

Descriptor manifest_for(const std::string& arch, const std::string& variant, char digit) {
  return Descriptor{"application/vnd.oci.image.manifest.v1+json",
                    "sha256:" + std::string(64, digit),
                    100,
                    DescriptorPlatform{arch, "linux", variant, {}},
                    {}};
}

LayoutImage image_with(const std::string& index) {
  LayoutImage image;
  image.entry.digest = index;
  image.manifests = {manifest_for("arm64", "", '1'), manifest_for("arm", "v6", '2')};
  Descriptor attestation = manifest_for("unknown", "", '3');
  attestation.platform->os = "unknown";
  image.manifests.push_back(attestation);
  return image;
}

PlatformTestResult result_for(const std::string& spec, char digit, bool passed) {
  PlatformTestResult result;
  result.platform = parse_platform(spec, kHost);
  result.manifest_digest = "sha256:" + std::string(64, digit);
  result.passed = passed;
  return result;
}

TEST(TestRecords, APushNeedsAPassOfEveryPlatformForThisIndex) {
  test::TempDir dir;
  fs::path records = dir / "tested";
  LayoutImage image = image_with(kIndex);
  EXPECT_EQ(
      untested_platforms(records, image, kHost),
      (std::vector<std::string>{"linux/arm64: no passing test", "linux/arm/v6: no passing test"}));

  ImageTestReport report{
      kIndex, {result_for("linux/arm64", '1', true), result_for("linux/arm/v6", '2', true)}};
  update_test_records(records, report);
  EXPECT_TRUE(fs::exists(records / "linux_arm_v6.json"));
  EXPECT_TRUE(untested_platforms(records, image, kHost).empty());

  // The same platforms rebuilt: the index changed, the old passes do not count.
  auto rebuilt = untested_platforms(records, image_with(kOtherIndex), kHost);
  ASSERT_EQ(rebuilt.size(), 2u);
  EXPECT_EQ(rebuilt[0], "linux/arm64: passed for index " + kIndex + ", not this one");

  // A later failure of one platform takes its pass back.
  update_test_records(records, ImageTestReport{kIndex, {result_for("linux/arm/v6", '2', false)}});
  EXPECT_FALSE(fs::exists(records / "linux_arm_v6.json"));
  EXPECT_EQ(untested_platforms(records, image, kHost),
            (std::vector<std::string>{"linux/arm/v6: no passing test"}));
}

}  // namespace
}  // namespace multiarch
