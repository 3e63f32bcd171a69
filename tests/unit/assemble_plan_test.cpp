// plan_image_assembly: `multiarch image assemble`'s options become a request, without the CLI:
// binaries found in go-build's folder, tag and name, settings, epoch and annotations, and git
// asked at most once (a scripted runner stands in for git).
#include "image/assemble_plan.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/scripted_runner.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;
using test::ok;
using test::ScriptedRunner;

const Platform kHost{"linux", "amd64", ""};

std::vector<std::string> git_log(const fs::path& dir) {
  return {"git", "-C", dir.string(), "log", "-1", "--format=%ct %H"};
}

class AssemblePlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.output = dir_ / "oci";
    options_.source_date_epoch = "1000";
  }
  /// DIR/<slug>/<name><suffix>, executable, as go-build leaves it.
  fs::path binary(const std::string& slug, const std::string& file) {
    fs::path path = dir_ / "out" / slug / file;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "binary";
    fs::permissions(path, fs::perms::owner_all);
    return path;
  }
  std::string error_of(const AssembleOptions& options) {
    try {
      plan_image_assembly(options, runner_, kHost);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(accepted)";
  }
  test::TempDir dir_;
  ScriptedRunner runner_;
  AssembleOptions options_;
};

TEST_F(AssemblePlanTest, EverySlugFolderOfTheBinariesDirInSlugOrder) {
  binary("linux_arm64", "user");
  binary("linux_amd64", "user");
  binary("windows_amd64", "user.exe");
  fs::create_directories(dir_ / "out" / "not-a-platform");
  options_.binaries_dir = dir_ / "out";
  auto plan = plan_image_assembly(options_, runner_, kHost);
  EXPECT_EQ(plan.name, "user");
  ASSERT_EQ(plan.request.binaries.size(), 3u);
  EXPECT_EQ(plan.request.binaries[0].platform.str(), "linux/amd64");
  EXPECT_EQ(plan.request.binaries[1].platform.str(), "linux/arm64");
  EXPECT_EQ(plan.request.binaries[2].path, dir_ / "out" / "windows_amd64" / "user.exe");
  EXPECT_EQ(plan.request.image_name, "user:latest");
}

TEST_F(AssemblePlanTest, PlatformsSelectFromTheBinariesDir) {
  binary("linux_arm64", "user");
  binary("linux_amd64", "user");
  options_.binaries_dir = dir_ / "out";
  options_.platform_specs = {"linux/arm64"};
  auto plan = plan_image_assembly(options_, runner_, kHost);
  ASSERT_EQ(plan.request.binaries.size(), 1u);
  EXPECT_EQ(plan.request.binaries[0].path, dir_ / "out" / "linux_arm64" / "user");
}

TEST_F(AssemblePlanTest, BinaryPairsNameTheServiceAfterTheFirstFile) {
  options_.binary_specs = {"linux/arm/v7=" + (dir_ / "svc").string()};
  auto plan = plan_image_assembly(options_, runner_, kHost);
  EXPECT_EQ(plan.name, "svc");
  EXPECT_EQ(plan.request.binaries.at(0).platform.str(), "linux/arm/v7");
}

TEST_F(AssemblePlanTest, LayerStoresAreKeyedByTheNormalizedPlatform) {
  options_.binary_specs = {"linux/arm64=" + (dir_ / "a").string()};
  options_.layer_stores = {"aarch64=" + (dir_ / "store").string()};
  auto plan = plan_image_assembly(options_, runner_, kHost);
  ASSERT_EQ(plan.request.layer_stores.size(), 1u);
  EXPECT_EQ(plan.request.layer_stores.at("linux/arm64"), dir_ / "store");

  options_.layer_stores.push_back("linux/arm64/v8=" + (dir_ / "other").string());
  EXPECT_EQ(error_of(options_), "--layer-store: linux/arm64 is given twice");
  options_.layer_stores = {"no-equals-sign"};
  EXPECT_NE(error_of(options_).find("--layer-store"), std::string::npos);
}

TEST_F(AssemblePlanTest, BadInputNamesTheOption) {
  AssembleOptions none = options_;
  EXPECT_NE(error_of(none).find("no binaries"), std::string::npos);
  AssembleOptions both = options_;
  both.binaries_dir = dir_.path();
  both.binary_specs = {"linux/amd64=x"};
  EXPECT_NE(error_of(both).find("either --binaries-dir or --binary"), std::string::npos);
  AssembleOptions platform = options_;
  platform.binary_specs = {"linux/amd64=x"};
  platform.platform_specs = {"linux/arm64"};
  EXPECT_NE(error_of(platform).find("--platform selects from --binaries-dir"), std::string::npos);
  AssembleOptions missing = options_;
  missing.binaries_dir = dir_ / "nowhere";
  EXPECT_NE(error_of(missing).find("no such folder"), std::string::npos);
  AssembleOptions empty = options_;
  empty.binaries_dir = dir_.path();
  EXPECT_NE(error_of(empty).find("no platform folders"), std::string::npos);
  AssembleOptions name = options_;
  name.name = "a/b";
  EXPECT_NE(error_of(name).find("--name \"a/b\""), std::string::npos);
  AssembleOptions output = options_;
  output.output.clear();
  EXPECT_NE(error_of(output).find("--output DIR is required"), std::string::npos);
  AssembleOptions jobs = options_;
  jobs.binary_specs = {"linux/amd64=x"};
  jobs.jobs = 0;
  EXPECT_NE(error_of(jobs).find("--jobs"), std::string::npos);
  AssembleOptions digest = options_;
  digest.binary_specs = {"linux/amd64=x"};
  digest.tag = "r.example/u@sha256:" + std::string(64, 'a');
  EXPECT_NE(error_of(digest).find("needs a tag and no digest"), std::string::npos);
}

TEST_F(AssemblePlanTest, AFullReferenceTagNamesTheImage) {
  options_.binary_specs = {"linux/amd64=" + (dir_ / "user").string()};
  options_.tag = "registry.example.com/team/user:1.0";
  auto plan = plan_image_assembly(options_, runner_, kHost);
  EXPECT_EQ(plan.request.tag, "1.0");
  EXPECT_EQ(plan.request.image_name, "registry.example.com/team/user:1.0");
}

TEST_F(AssemblePlanTest, ABinaryNameThatIsNoRepositoryLeavesTheLayoutUnnamed) {
  options_.binary_specs = {"linux/amd64=" + (dir_ / "User_Service").string()};
  auto plan = plan_image_assembly(options_, runner_, kHost);
  EXPECT_EQ(plan.request.tag, "latest");
  EXPECT_EQ(plan.request.image_name, "");
}

TEST_F(AssemblePlanTest, SettingsAndAnnotations) {
  options_.binary_specs = {"linux/amd64=" + (dir_ / "user").string()};
  options_.binary_path = "/srv/user";
  options_.env = {"A=1", "B=2", "A=3"};
  options_.labels = {"team=core"};
  options_.ports = {"8080"};
  options_.version = "v1.2";
  options_.source = "https://example.com/src";
  options_.annotations = {"org.opencontainers.image.version=v9", "x=y"};
  options_.revision = "";  // given empty: no revision annotation, no git
  auto plan = plan_image_assembly(options_, runner_, kHost);
  const auto& settings = plan.request.settings;
  EXPECT_EQ(settings.entrypoint, std::vector<std::string>{"/srv/user"});
  ASSERT_EQ(settings.env.size(), 2u);
  EXPECT_EQ(settings.env[0], (std::pair<std::string, std::string>{"A", "3"}));
  EXPECT_EQ(settings.labels.at("team"), "core");
  EXPECT_EQ(settings.ports, std::vector<std::string>{"8080/tcp"});
  EXPECT_EQ(settings.epoch, 1000);
  EXPECT_EQ(plan.request.layer.mtime, 1000);
  const auto& a = plan.request.annotations;
  EXPECT_EQ(a.at("org.opencontainers.image.created"), "1970-01-01T00:16:40Z");
  EXPECT_EQ(a.at("org.opencontainers.image.title"), "user");
  EXPECT_EQ(a.at("org.opencontainers.image.version"), "v9") << "--annotation wins";
  EXPECT_EQ(a.at("org.opencontainers.image.source"), "https://example.com/src");
  EXPECT_EQ(a.at("x"), "y");
  EXPECT_EQ(a.count("org.opencontainers.image.revision"), 0u);
  EXPECT_TRUE(runner_.calls.empty());
}

TEST_F(AssemblePlanTest, OneGitCallGivesEpochAndRevision) {
  binary("linux_amd64", "user");
  options_.binaries_dir = dir_ / "out";
  options_.source_date_epoch.reset();
  runner_.on(git_log(dir_ / "out"), ok("1700000000 0123abcd\n"));
  auto plan = plan_image_assembly(options_, runner_, kHost);
  EXPECT_EQ(plan.epoch.seconds, 1700000000);
  EXPECT_EQ(plan.epoch.source, "last commit in " + (dir_ / "out").string());
  EXPECT_EQ(plan.request.annotations.at("org.opencontainers.image.revision"), "0123abcd");
  EXPECT_EQ(runner_.calls.size(), 1u);
}

TEST_F(AssemblePlanTest, AFixedEpochStillTakesTheRevisionFromTheModuleDir) {
  options_.binary_specs = {"linux/amd64=" + (dir_ / "bin" / "user").string()};
  options_.module_dir = dir_ / "src";
  runner_.on(git_log(dir_ / "src"), ok("1700000000 feed\n"));
  auto plan = plan_image_assembly(options_, runner_, kHost);
  EXPECT_EQ(plan.epoch.seconds, 1000);
  EXPECT_EQ(plan.request.annotations.at("org.opencontainers.image.revision"), "feed");
  EXPECT_EQ(runner_.calls.size(), 1u);
}

TEST_F(AssemblePlanTest, TheModuleDirDefaultsToTheBinariesFolder) {
  AssembleOptions options;
  EXPECT_EQ(module_dir_for(options, {}), fs::path("."));
  options.binaries_dir = "out";
  EXPECT_EQ(module_dir_for(options, {}), fs::path("out"));
  options.binaries_dir.clear();
  EXPECT_EQ(module_dir_for(options, {{kHost, "bin/user"}}), fs::path("bin"));
  EXPECT_EQ(module_dir_for(options, {{kHost, "user"}}), fs::path("."));
  options.module_dir = "src";
  EXPECT_EQ(module_dir_for(options, {{kHost, "bin/user"}}), fs::path("src"));
}

TEST_F(AssemblePlanTest, CompressionAndJobs) {
  options_.binary_specs = {"linux/amd64=x"};
  options_.compression = "zstd";
  options_.jobs = 3;
  auto plan = plan_image_assembly(options_, runner_, kHost);
  EXPECT_EQ(plan.request.layer.compression, Compression::zstd);
  EXPECT_EQ(plan.request.layer.level, 3);
  EXPECT_EQ(plan.request.jobs, 3u);
  options_.compression_level = 30;
  EXPECT_THROW(plan_image_assembly(options_, runner_, kHost), InputError);
}

}  // namespace
}  // namespace multiarch
