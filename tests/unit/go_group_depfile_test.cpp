// The union depfiles of a go-build group: sharded by a stable hash, every shard written, bad
// templates refused before anything is built.
#include "go/go_group_depfile.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/temp_dir.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

const Platform kArm64{"linux", "arm64", ""};

TEST(GoGroupDepfile, TheShardOfAPathIsStableAndSpreadsPaths) {
  EXPECT_EQ(go_group_shard_of("/src/a.go", 1), 0u);
  // FNV-1a 64 of "/src/a.go", computed independently: the same on every machine and run.
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : std::string("/src/a.go")) hash = (hash ^ c) * 1099511628211ull;
  EXPECT_EQ(go_group_shard_of("/src/a.go", 16), hash % 16);
  std::vector<int> counts(16);
  for (int i = 0; i < 1600; ++i)
    ++counts[go_group_shard_of("/src/pkg" + std::to_string(i) + "/file.go", 16)];
  for (int count : counts) {
    EXPECT_GT(count, 50) << "no shard is starved";
    EXPECT_LT(count, 150) << "no shard takes a large part";
  }
}

TEST(GoGroupDepfile, TheUnionIsSplitOverEveryShard) {
  test::TempDir dir;
  GoGroupDepfiles depfiles;
  depfiles.path = (dir.path() / "inputs/{slug}-{shard}.d").string();
  depfiles.target = "multiarch/inputs/{slug}-{shard}.stamp";
  depfiles.shards = 4;
  std::vector<std::string> user = {"/m/go.mod", "/m/cmd/user/main.go", "/m/shared/s.go"};
  std::vector<std::string> order = {"/m/go.mod", "/m/cmd/order/main.go", "/m/shared/s.go"};
  write_go_group_depfiles(depfiles, kArm64, {user, order});

  std::vector<std::string> all;
  for (unsigned shard = 0; shard < 4; ++shard) {
    fs::path file = dir.path() / ("inputs/linux_arm64-" + std::to_string(shard) + ".d");
    ASSERT_TRUE(fs::exists(file)) << "every shard is written, an empty one too: " << file;
    std::string text = read_file(file);
    std::string target = "multiarch/inputs/linux_arm64-" + std::to_string(shard) + ".stamp:";
    EXPECT_EQ(text.rfind(target, 0), 0u) << text;
    for (const std::string path :
         {"/m/go.mod", "/m/cmd/user/main.go", "/m/cmd/order/main.go", "/m/shared/s.go"})
      if (text.find(" " + path) != std::string::npos) {
        EXPECT_EQ(go_group_shard_of(path, 4), shard) << path;
        all.push_back(path);
      }
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::string>{"/m/cmd/order/main.go", "/m/cmd/user/main.go",
                                           "/m/go.mod", "/m/shared/s.go"}))
      << "each input once, shared ones too";
}

TEST(GoGroupDepfile, BadTemplatesAreRefused) {
  GoGroupDepfiles depfiles;
  depfiles.path = "g/{slug}.d";
  EXPECT_THROW(check_go_group_depfiles(depfiles, 2), InputError) << "no target";
  depfiles.target = "g/{slug}.stamp";
  EXPECT_NO_THROW(check_go_group_depfiles(depfiles, 2));
  depfiles.shards = 8;
  EXPECT_THROW(check_go_group_depfiles(depfiles, 2), InputError) << "shards need {shard}";
  depfiles.path = "g/{slug}-{shard}.d";
  depfiles.target = "g/{slug}-{shard}.stamp";
  EXPECT_NO_THROW(check_go_group_depfiles(depfiles, 2));
  depfiles.path = "g/{shard}.d";
  EXPECT_THROW(check_go_group_depfiles(depfiles, 2), InputError) << "platforms need {slug}";
  EXPECT_NO_THROW(check_go_group_depfiles(depfiles, 1)) << "one platform needs no {slug}";
  depfiles.shards = 0;
  EXPECT_THROW(check_go_group_depfiles(depfiles, 1), InputError);
}

}  // namespace
}  // namespace multiarch
