// The one SOURCE_DATE_EPOCH rule of image assemble and buildx: flag, environment, the last
// commit of the module, 0; with git faked by a scripted runner.
#include "go/source_date_epoch.hpp"

#include <gtest/gtest.h>

#include "support/scripted_runner.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

using test::ok;
using test::ScriptedRunner;

const std::vector<std::string> kGitLog = {"git", "-C", "/src/m", "log", "-1", "--format=%ct %H"};

TEST(SourceDateEpoch, TheFlagWinsAndAsksNoGit) {
  ScriptedRunner runner;
  runner.on(kGitLog, ok("1700000000 abc\n"));
  auto epoch = resolve_source_date_epoch(runner, {"42", "7", "/src/m"});
  EXPECT_EQ(epoch.seconds, 42);
  EXPECT_EQ(epoch.source, "--source-date-epoch");
  EXPECT_FALSE(epoch.asked_git);
  EXPECT_TRUE(runner.calls.empty());
}

TEST(SourceDateEpoch, TheEnvironmentComesNext) {
  ScriptedRunner runner;
  runner.on(kGitLog, ok("1700000000 abc\n"));
  auto epoch = resolve_source_date_epoch(runner, {std::nullopt, "7", "/src/m"});
  EXPECT_EQ(epoch.seconds, 7);
  EXPECT_EQ(epoch.source, "SOURCE_DATE_EPOCH");
  EXPECT_TRUE(runner.calls.empty());
}

TEST(SourceDateEpoch, AnEmptyVariableCountsAsUnset) {
  ScriptedRunner runner;
  runner.on(kGitLog, ok("1700000000 0123abcd\n"));
  auto epoch = resolve_source_date_epoch(runner, {std::nullopt, "", "/src/m"});
  EXPECT_EQ(epoch.seconds, 1700000000);
  EXPECT_EQ(epoch.source, "last commit in /src/m");
}

TEST(SourceDateEpoch, ThenTheLastCommitOfTheModule) {
  ScriptedRunner runner;
  runner.on(kGitLog, ok("1700000000 0123abcd\n"));
  auto epoch = resolve_source_date_epoch(runner, {std::nullopt, std::nullopt, "/src/m"});
  EXPECT_EQ(epoch.seconds, 1700000000);
  EXPECT_EQ(epoch.source, "last commit in /src/m");
  ASSERT_TRUE(epoch.commit);
  EXPECT_EQ(epoch.commit->hash, "0123abcd");
  ASSERT_EQ(runner.calls.size(), 1u);
  EXPECT_EQ(runner.calls[0].argv, kGitLog);
}

TEST(SourceDateEpoch, ThenZeroWithoutHistory) {
  ScriptedRunner runner;
  runner.on(kGitLog, test::failed("fatal: not a git repository", 128));
  auto epoch = resolve_source_date_epoch(runner, {std::nullopt, std::nullopt, "/src/m"});
  EXPECT_EQ(epoch.seconds, 0);
  EXPECT_EQ(epoch.source, "default (no SOURCE_DATE_EPOCH, no git history)");
  EXPECT_TRUE(epoch.asked_git);
  EXPECT_FALSE(epoch.commit);
}

TEST(SourceDateEpoch, ZeroWithoutGitInstalled) {
  ScriptedRunner runner;
  runner.missing("git");
  auto epoch = resolve_source_date_epoch(runner, {std::nullopt, std::nullopt, "/src/m"});
  EXPECT_EQ(epoch.seconds, 0);
  EXPECT_FALSE(epoch.commit);
}

TEST(SourceDateEpoch, ZeroWithoutAModuleAsksNoGit) {
  ScriptedRunner runner;
  auto epoch = resolve_source_date_epoch(runner, {std::nullopt, std::nullopt, ""});
  EXPECT_EQ(epoch.seconds, 0);
  EXPECT_FALSE(epoch.asked_git);
  EXPECT_TRUE(runner.calls.empty());
}

TEST(SourceDateEpoch, MalformedGitOutputIsNoHistory) {
  ScriptedRunner runner;
  runner.on(kGitLog, ok("yesterday abc\n"));
  EXPECT_EQ(resolve_source_date_epoch(runner, {std::nullopt, std::nullopt, "/src/m"}).seconds, 0);
  runner.on(kGitLog, ok("\n"));
  EXPECT_FALSE(last_git_commit(runner, "/src/m"));
}

TEST(SourceDateEpoch, AMalformedValueIsRefusedNotSkipped) {
  ScriptedRunner runner;
  runner.on(kGitLog, ok("1700000000 abc\n"));
  try {
    resolve_source_date_epoch(runner, {"yesterday", std::nullopt, "/src/m"});
    FAIL() << "accepted --source-date-epoch yesterday";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--source-date-epoch \"yesterday\""), std::string::npos)
        << e.what();
  }
  try {
    resolve_source_date_epoch(runner, {std::nullopt, "-1", "/src/m"});
    FAIL() << "accepted SOURCE_DATE_EPOCH=-1";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("SOURCE_DATE_EPOCH \"-1\""), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(runner.calls.empty());
}

TEST(SourceDateEpoch, SecondsAreOneToTwelveDigits) {
  EXPECT_EQ(parse_epoch_seconds("0", "x"), 0);
  EXPECT_EQ(parse_epoch_seconds("999999999999", "x"), 999999999999);
  EXPECT_THROW(parse_epoch_seconds("", "x"), InputError);
  EXPECT_THROW(parse_epoch_seconds("1000000000000", "x"), InputError);
  EXPECT_THROW(parse_epoch_seconds("1.5", "x"), InputError);
  EXPECT_THROW(parse_epoch_seconds(" 1", "x"), InputError);
}

}  // namespace
}  // namespace multiarch
