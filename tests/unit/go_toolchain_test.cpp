// cached_go_toolchain(): what `go env` and `go tool dist list` say, asked once per toolchain
// and build folder (tests/support's ScriptedRunner plays go, FakeFileStatter ages it).
#include "go/go_toolchain.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/fake_file_statter.hpp"
#include "support/scripted_runner.hpp"
#include "support/temp_dir.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

using test::FakeFileStatter;
using test::ScriptedRunner;

class GoToolchainCache : public ::testing::Test {
 protected:
  void SetUp() override {
    go_ = (dir_ / "go").string();
    std::ofstream(go_) << "#!/bin/sh\n";
    fs::permissions(go_, fs::perms::owner_all);
    fs::create_directories(module_);
    runner_.on({go_, "env", "GOVERSION", "GOROOT", "GOWORK"},
               test::ok("go1.26.8\n/opt/go\n/w/go.work\n"));
    runner_.on({go_, "tool", "dist", "list"}, test::ok("linux/amd64\nlinux/arm64\n"));
  }
  GoToolchainInfo facts() { return cached_go_toolchain(runner_, go_, module_, cache_, files_); }
  size_t asked(const std::string& verb) { return runner_.calls_to({go_, verb}).size(); }

  test::TempDir dir_;
  fs::path cache_ = dir_ / "build" / "multiarch" / "toolchain";
  fs::path module_ = dir_ / "src" / "m";
  std::string go_;
  ScriptedRunner runner_;
  FakeFileStatter files_;
};

TEST_F(GoToolchainCache, SecondAskRunsNoGo) {
  auto first = facts();
  EXPECT_EQ(first.version.str(), "go1.26.8");
  EXPECT_EQ(first.goroot, "/opt/go");
  EXPECT_EQ(first.dist_pairs, (std::set<std::string>{"linux/amd64", "linux/arm64"}));
  EXPECT_EQ(first.go_work, "/w/go.work");
  EXPECT_EQ(asked("env"), 1u);
  EXPECT_EQ(runner_.calls_to({go_, "env"}).at(0).cwd, module_.string())
      << "GOWORK is the module folder's";
  EXPECT_EQ(asked("tool"), 1u);

  auto second = facts();
  EXPECT_EQ(asked("env"), 1u) << "the cached answer runs no `go env`";
  EXPECT_EQ(asked("tool"), 1u) << "nor `go tool dist list`";
  EXPECT_EQ(second.version, first.version);
  EXPECT_EQ(second.goroot, first.goroot);
  EXPECT_EQ(second.dist_pairs, first.dist_pairs);
  EXPECT_EQ(second.go_work, first.go_work);
}

TEST_F(GoToolchainCache, ChangedToolchainAsksAgain) {
  facts();
  // An upgraded go: same path, another stamp; and it now says another version.
  files_.set_mtime(go_, 42);
  runner_.on({go_, "env", "GOVERSION", "GOROOT", "GOWORK"}, test::ok("go1.27.1\n/opt/go\n\n"));
  EXPECT_EQ(facts().version.str(), "go1.27.1");
  EXPECT_EQ(asked("env"), 2u);
  EXPECT_EQ(asked("tool"), 2u);
  facts();
  EXPECT_EQ(asked("env"), 2u) << "the new answer is cached in turn";
}

TEST_F(GoToolchainCache, ChangedGoModOrNewGoWorkAsksAgain) {
  // A `toolchain` line in go.mod makes go switch, a go.work above it changes GOWORK: the
  // nearest of both are part of the key.
  std::ofstream(dir_ / "src" / "go.mod") << "module example.com/m\n";
  facts();
  files_.set_mtime(dir_ / "src" / "go.mod", 42);
  facts();
  EXPECT_EQ(asked("env"), 2u);
  std::ofstream(dir_ / "go.work") << "go 1.26\n";
  facts();
  EXPECT_EQ(asked("env"), 3u);
  facts();
  EXPECT_EQ(asked("env"), 3u);
}

TEST_F(GoToolchainCache, AnotherModuleFolderHasItsOwnEntry) {
  facts();
  fs::create_directories(dir_ / "other");
  cached_go_toolchain(runner_, go_, dir_ / "other", cache_, files_);
  facts();
  cached_go_toolchain(runner_, go_, dir_ / "other", cache_, files_);
  EXPECT_EQ(asked("env"), 2u);
}

TEST_F(GoToolchainCache, UnreadableCacheIsAskedAgainAndRewritten) {
  facts();
  ASSERT_EQ(std::distance(fs::directory_iterator(cache_), fs::directory_iterator()), 1);
  auto file = fs::directory_iterator(cache_)->path();
  std::ofstream(file) << "{\"key\": ";  // half a file, as no atomic write leaves it
  facts();
  EXPECT_EQ(asked("env"), 2u);
  facts();
  EXPECT_EQ(asked("env"), 2u) << "rewritten whole";
}

TEST_F(GoToolchainCache, MissingGoSaysHowToInstallIt) {
  ScriptedRunner none;
  none.missing("/nonexistent/go");
  try {
    cached_go_toolchain(none, "/nonexistent/go", module_, cache_, files_);
    FAIL() << "no go, no facts";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("install Go"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(cache_));
}

TEST_F(GoToolchainCache, FailingGoIsNotCached) {
  runner_.on({go_, "tool", "dist", "list"}, test::failed("broken"));
  EXPECT_THROW(facts(), RuntimeError);
  runner_.on({go_, "tool", "dist", "list"}, test::ok("linux/amd64\n"));
  EXPECT_EQ(facts().dist_pairs.size(), 1u);
  EXPECT_EQ(asked("env"), 2u);
}

}  // namespace
}  // namespace multiarch
