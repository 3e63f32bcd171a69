// Which strategy `multiarch buildx` picks for each builder, output and platform count.
#include "buildx/buildx_strategy.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

namespace multiarch {
namespace {

BuildEnvironment environment(std::string driver, bool containerd_store = false,
                             bool engine = true) {
  BuildEnvironment env;
  env.docker_client_version = "28.2.2";
  if (engine)
    env.engine = EngineInfo{"20.10.24", "overlay2", "linux", "x86_64", containerd_store};
  else
    env.engine_error = "Cannot connect to the Docker daemon";
  env.buildx_version = "v0.38.2";
  BuilderInfo builder;
  builder.name = driver == "docker" ? "default" : "ci";
  builder.driver = std::move(driver);
  env.builder = builder;
  return env;
}

BuildEnvironment without_buildx(bool engine = true) {
  BuildEnvironment env = environment("docker", false, engine);
  env.buildx_version.clear();
  env.builder.reset();
  return env;
}

std::string error_of(const BuildEnvironment& env, OutputKind output, size_t count,
                     const std::string& builder = {}) {
  try {
    choose_build_strategy(env, output, count, builder);
  } catch (const RuntimeError& e) {
    return e.what();
  }
  return "no error";
}

struct Case {
  const char* name;
  BuildEnvironment env;
  OutputKind output;
  size_t platforms;
  BuildStrategy expected;
};

TEST(ChooseBuildStrategy, Table) {
  const Case cases[] = {
      {"remote push", environment("remote"), OutputKind::push, 3, BuildStrategy::multi_platform},
      {"remote layout", environment("remote"), OutputKind::layout, 3,
       BuildStrategy::multi_platform},
      {"remote layout, no engine", environment("remote", false, false), OutputKind::layout, 3,
       BuildStrategy::multi_platform},
      {"docker-container push", environment("docker-container"), OutputKind::push, 2,
       BuildStrategy::multi_platform},
      {"docker driver + containerd store", environment("docker", true), OutputKind::push, 3,
       BuildStrategy::multi_platform},
      {"docker driver + containerd store load", environment("docker", true), OutputKind::load, 3,
       BuildStrategy::multi_platform},
      {"remote load, one platform", environment("remote"), OutputKind::load, 1,
       BuildStrategy::multi_platform},
      {"remote load, containerd store", environment("remote", true), OutputKind::load, 3,
       BuildStrategy::multi_platform},
      {"docker driver push", environment("docker"), OutputKind::push, 3,
       BuildStrategy::per_platform_push},
      {"docker driver layout", environment("docker"), OutputKind::layout, 3,
       BuildStrategy::per_platform_merge},
      {"docker driver layout, one platform", environment("docker"), OutputKind::layout, 1,
       BuildStrategy::per_platform_merge},
      {"docker driver push, one platform", environment("docker"), OutputKind::push, 1,
       BuildStrategy::multi_platform},
      {"docker driver load, one platform", environment("docker"), OutputKind::load, 1,
       BuildStrategy::multi_platform},
      {"no buildx push", without_buildx(), OutputKind::push, 3, BuildStrategy::docker_build},
      {"no buildx layout", without_buildx(), OutputKind::layout, 3, BuildStrategy::docker_build},
      {"no buildx load", without_buildx(), OutputKind::load, 1, BuildStrategy::docker_build},
  };
  for (const auto& c : cases) {
    auto choice = choose_build_strategy(c.env, c.output, c.platforms, "");
    EXPECT_EQ(strategy_name(choice.strategy), strategy_name(c.expected)) << c.name;
    EXPECT_FALSE(choice.reason.empty()) << c.name;
  }
}

TEST(ChooseBuildStrategy, ReasonsNameTheBuilderAndWhy) {
  auto choice = choose_build_strategy(environment("docker"), OutputKind::push, 3, "");
  EXPECT_NE(choice.reason.find("builder \"default\" (driver docker)"), std::string::npos);
  EXPECT_NE(choice.reason.find("containerd image store"), std::string::npos);
  EXPECT_NE(choice.reason.find("imagetools create"), std::string::npos);
  auto legacy = choose_build_strategy(without_buildx(), OutputKind::push, 3, "");
  EXPECT_NE(legacy.reason.find("docker buildx is not installed"), std::string::npos);
  EXPECT_NE(legacy.reason.find("TARGET*"), std::string::npos);
}

TEST(ChooseBuildStrategy, ImpossibleCombinationsSayHowToFixThem) {
  EXPECT_NE(error_of(environment("docker"), OutputKind::load, 3).find("--load of 3 platforms"),
            std::string::npos);
  EXPECT_NE(error_of(environment("docker"), OutputKind::load, 3).find("containerd-snapshotter"),
            std::string::npos);
  EXPECT_NE(error_of(environment("remote"), OutputKind::load, 2)
                .find("the engine without the containerd image store"),
            std::string::npos);
  EXPECT_NE(error_of(without_buildx(), OutputKind::load, 2).find("legacy `docker build`"),
            std::string::npos);
  EXPECT_NE(error_of(without_buildx(false), OutputKind::push, 2).find("systemctl start docker"),
            std::string::npos);
  EXPECT_NE(
      error_of(environment("docker", false, false), OutputKind::push, 2).find("not reachable"),
      std::string::npos);
  EXPECT_NE(error_of(environment("remote", false, false), OutputKind::load, 2).find("--load"),
            std::string::npos);
  EXPECT_NE(error_of(without_buildx(), OutputKind::push, 2, "ci").find("--builder ci"),
            std::string::npos);

  BuildEnvironment no_docker;
  EXPECT_NE(error_of(no_docker, OutputKind::push, 1).find("apt-get install docker.io"),
            std::string::npos);
  BuildEnvironment unknown_builder = environment("remote");
  unknown_builder.builder.reset();
  unknown_builder.builder_error = "ERROR: no builder \"ci\" found";
  auto message = error_of(unknown_builder, OutputKind::push, 2, "ci");
  EXPECT_NE(message.find("no builder \"ci\" found"), std::string::npos);
  EXPECT_NE(message.find("docker buildx create"), std::string::npos);
}

BuildEnvironment with_buildkit(std::string driver, std::string version) {
  BuildEnvironment env = environment(std::move(driver));
  BuilderNode node;
  node.name = "n0";
  node.buildkit_version = std::move(version);
  env.builder->nodes.push_back(node);
  return env;
}

// Issue 17 item 5: Docker 20.10's default builder (BuildKit 0.8) ignores SOURCE_DATE_EPOCH.
TEST(EpochLimitation, SaidPlainlyWhereTheBuilderIgnoresTheEpoch) {
  auto old_docker = with_buildkit("docker", "v0.8+unknown");
  auto push = choose_build_strategy(old_docker, OutputKind::push, 2, "");
  ASSERT_EQ(push.strategy, BuildStrategy::per_platform_push);
  auto said = epoch_limitation(old_docker, push, OutputKind::push);
  EXPECT_NE(said.find("builder \"default\" (driver docker) runs BuildKit v0.8+unknown"),
            std::string::npos)
      << said;
  EXPECT_NE(said.find("--output-layout"), std::string::npos) << said;
  auto one = choose_build_strategy(old_docker, OutputKind::load, 1, "");
  EXPECT_FALSE(epoch_limitation(old_docker, one, OutputKind::load).empty());
  // Merged into a layout by multiarch, which writes the times itself: fine.
  auto merge = choose_build_strategy(old_docker, OutputKind::layout, 2, "");
  ASSERT_EQ(merge.strategy, BuildStrategy::per_platform_merge);
  EXPECT_EQ(epoch_limitation(old_docker, merge, OutputKind::layout), "");
  // The legacy builder: only its pushes and loads.
  auto legacy = choose_build_strategy(without_buildx(), OutputKind::push, 2, "");
  EXPECT_NE(epoch_limitation(without_buildx(), legacy, OutputKind::push).find("legacy"),
            std::string::npos);
  auto legacy_layout = choose_build_strategy(without_buildx(), OutputKind::layout, 2, "");
  EXPECT_EQ(epoch_limitation(without_buildx(), legacy_layout, OutputKind::layout), "");
  // BuildKit >= 0.11 honours it; an unreadable version is given the benefit of the doubt.
  for (const char* version : {"v0.11.0", "v0.34.2", "", "unknown"}) {
    auto recent = with_buildkit("remote", version);
    auto choice = choose_build_strategy(recent, OutputKind::push, 2, "");
    EXPECT_EQ(epoch_limitation(recent, choice, OutputKind::push), "") << version;
  }
  EXPECT_FALSE(epoch_limitation(with_buildkit("remote", "v0.10.6"),
                                choose_build_strategy(with_buildkit("remote", "v0.10.6"),
                                                      OutputKind::push, 2, ""),
                                OutputKind::push)
                   .empty());
}

TEST(ParseBuildkitVersion, Shapes) {
  EXPECT_EQ(parse_buildkit_version("v0.8+unknown"), std::make_pair(0, 8));
  EXPECT_EQ(parse_buildkit_version("v0.34.2"), std::make_pair(0, 34));
  EXPECT_EQ(parse_buildkit_version("0.11.6"), std::make_pair(0, 11));
  EXPECT_FALSE(parse_buildkit_version(""));
  EXPECT_FALSE(parse_buildkit_version("unknown"));
  EXPECT_FALSE(parse_buildkit_version("v1"));
}

}  // namespace
}  // namespace multiarch
