// Layer planning: order, implicit parents, conflicts, path rules.
#include "image/layer_contents.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace multiarch {
namespace {

LayerFile file(const std::string& path, uint32_t mode = 0644) {
  LayerFile f;
  f.path = path;
  f.mode = mode;
  f.content = "x";
  return f;
}

std::vector<std::string> paths(const LayerPlan& plan) {
  std::vector<std::string> result;
  for (const auto& e : plan.entries)
    result.push_back(e.path + (e.type == TarEntry::Type::directory ? "/" : ""));
  return result;
}

TEST(LayerContents, SortedWithParentsFirst) {
  auto plan = plan_layer({file("/usr/share/zoneinfo/Asia/Shanghai"), file("/app/service", 0755),
                          file("/app-config.yaml"), file("/etc/ssl/certs/ca-certificates.crt")});
  EXPECT_EQ(paths(plan), (std::vector<std::string>{
                             "/app/", "/app/service", "/app-config.yaml", "/etc/", "/etc/ssl/",
                             "/etc/ssl/certs/", "/etc/ssl/certs/ca-certificates.crt", "/usr/",
                             "/usr/share/", "/usr/share/zoneinfo/", "/usr/share/zoneinfo/Asia/",
                             "/usr/share/zoneinfo/Asia/Shanghai"}));
  EXPECT_EQ(plan.entries[0].mode, 0755u);
  // Input order does not matter.
  auto again = plan_layer({file("/etc/ssl/certs/ca-certificates.crt"), file("/app-config.yaml"),
                           file("/app/service", 0755), file("/usr/share/zoneinfo/Asia/Shanghai")});
  EXPECT_EQ(paths(again), paths(plan));
}

TEST(LayerContents, ExplicitDirectoriesKeepTheirMode) {
  LayerFile dir;
  dir.path = "/data";
  dir.type = TarEntry::Type::directory;
  dir.mode = 0700;
  auto plan = plan_layer({file("/data/x"), dir});
  ASSERT_EQ(plan.entries.size(), 2u);
  EXPECT_EQ(plan.entries[0].mode, 0700u);
}

TEST(LayerContents, Conflicts) {
  EXPECT_THROW(plan_layer({file("/app/service"), file("/app//service")}), InputError);
  EXPECT_THROW(plan_layer({file("/app"), file("/app/service")}), InputError);
}

TEST(LayerContents, ImagePaths) {
  EXPECT_EQ(normalize_image_path("/etc//app/", "p"), "/etc/app");
  EXPECT_THROW(normalize_image_path("etc/app", "p"), InputError);
  EXPECT_THROW(normalize_image_path("/etc/../app", "p"), InputError);
  EXPECT_THROW(normalize_image_path("/./app", "p"), InputError);
  EXPECT_THROW(normalize_image_path("/", "p"), InputError);
  EXPECT_THROW(normalize_image_path("", "p"), InputError);
  EXPECT_EQ(tar_path("/app/service"), "app/service");
}

}  // namespace
}  // namespace multiarch
