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

}  // namespace
}  // namespace multiarch
