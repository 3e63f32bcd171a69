#include "buildx/buildx_strategy.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace multiarch {
namespace {

constexpr const char* kContainerdStoreFix =
    "turn on the containerd image store (Docker >= 24: \"features\": "
    "{\"containerd-snapshotter\": true} in /etc/docker/daemon.json, then restart dockerd)";

std::string builder_label(const BuildEnvironment& env) {
  return fmt::format("builder \"{}\" (driver {})", env.builder->name, env.builder->driver);
}

void require_engine(const BuildEnvironment& env, std::string_view why) {
  if (env.engine) return;
  throw RuntimeError(fmt::format(
      "the Docker engine is not reachable ({}), and {} needs it; start it (systemctl start "
      "docker) or check DOCKER_HOST",
      env.engine_error.empty() ? "docker info failed" : env.engine_error, why));
}

void refuse_multi_platform_load(size_t platform_count, std::string_view who) {
  throw RuntimeError(fmt::format(
      "--load of {} platforms: {} stores one platform per tag; pass a single --platform, use "
      "--output-layout DIR or --push, or {}",
      platform_count, who, kContainerdStoreFix));
}

}  // namespace

std::string_view strategy_name(BuildStrategy strategy) {
  switch (strategy) {
    case BuildStrategy::multi_platform:
      return "multi-platform";
    case BuildStrategy::per_platform_merge:
      return "per-platform-merge";
    case BuildStrategy::per_platform_push:
      return "per-platform-push";
    case BuildStrategy::docker_build:
      return "docker-build";
  }
  return "unknown";
}

StrategyChoice choose_build_strategy(const BuildEnvironment& env, OutputKind output,
                                     size_t platform_count, const std::string& builder_flag) {
  if (!env.has_docker())
    throw RuntimeError(
        "the docker CLI is not installed: apt-get install docker.io (or Docker's docker-ce-cli)");

  if (!env.has_buildx()) {
    if (!builder_flag.empty())
      throw RuntimeError(fmt::format(
          "--builder {}: docker buildx is not installed; install it (scripts/install-buildx, or "
          "apt-get install docker-buildx) or drop --builder",
          builder_flag));
    require_engine(env, "`docker build`");
    if (output == OutputKind::load && platform_count > 1)
      refuse_multi_platform_load(platform_count, "the legacy `docker build`");
    return {BuildStrategy::docker_build,
            "docker buildx is not installed, so each platform is built with the legacy "
            "`docker build` and the TARGET* values passed as build args (install buildx: "
            "scripts/install-buildx, or apt-get install docker-buildx)"};
  }

  if (!env.builder) {
    // An unreachable engine explains a failed builder inspect: say that, not the symptom.
    if (!env.engine && !env.engine_error.empty()) require_engine(env, "the builder");
    std::string name = builder_flag.empty() ? "the current builder" : "\"" + builder_flag + "\"";
    throw RuntimeError(fmt::format(
        "builder {} cannot be used: {}; list builders with `docker buildx ls`, or create one "
        "(`docker buildx create --name NAME --driver remote unix:///run/buildkit/buildkitd.sock`)",
        name, env.builder_error.empty() ? "docker buildx inspect failed" : env.builder_error));
  }

  if (env.builder_exports_multi_platform()) {
    if (env.builder->driver == "docker") require_engine(env, "the docker driver");
    if (output == OutputKind::load) {
      require_engine(env, "--load");
      // The builder can make the index, but a classic image store cannot hold it.
      if (platform_count > 1 && !env.engine->containerd_image_store)
        refuse_multi_platform_load(platform_count, "the engine without the containerd image store");
    }
    std::string why = env.builder->driver == "docker"
                          ? fmt::format(
                                "{} on an engine with the containerd image store exports "
                                "multi-platform images, so one buildx call builds every platform",
                                builder_label(env))
                          : fmt::format(
                                "{} exports multi-platform images, so one buildx call builds every "
                                "platform",
                                builder_label(env));
    return {BuildStrategy::multi_platform, why};
  }

  // The docker driver on the classic image store: one platform per image, no OCI export.
  require_engine(env, "the docker driver");
  if (platform_count == 1 && output != OutputKind::layout) {
    return {BuildStrategy::multi_platform,
            fmt::format("one platform: {} builds and {} it in one call", builder_label(env),
                        output == OutputKind::push ? "pushes" : "loads")};
  }
  switch (output) {
    case OutputKind::load:
      refuse_multi_platform_load(
          platform_count, fmt::format("{} without the containerd image store", builder_label(env)));
      break;
    case OutputKind::push:
      return {BuildStrategy::per_platform_push,
              fmt::format("{} cannot export a multi-platform image without the containerd "
                          "image store, so each platform is pushed on its own and `docker "
                          "buildx imagetools create` writes the index of their digests",
                          builder_label(env))};
    case OutputKind::layout:
      break;
  }
  return {BuildStrategy::per_platform_merge,
          fmt::format("{} cannot export OCI layouts or multi-platform images without the "
                      "containerd image store, so each platform is loaded into the engine, "
                      "saved, and multiarch merges them into one OCI index",
                      builder_label(env))};
}

std::optional<std::pair<int, int>> parse_buildkit_version(std::string_view text) {
  if (!text.empty() && text.front() == 'v') text.remove_prefix(1);
  auto number = [&text]() -> std::optional<int> {
    size_t digits = 0;
    while (digits < text.size() && digits < 6 && text[digits] >= '0' && text[digits] <= '9')
      ++digits;
    if (digits == 0) return std::nullopt;
    int value = std::stoi(std::string(text.substr(0, digits)));
    text.remove_prefix(digits);
    return value;
  };
  auto major = number();
  if (!major || text.empty() || text.front() != '.') return std::nullopt;
  text.remove_prefix(1);
  auto minor = number();
  if (!minor) return std::nullopt;
  return std::make_pair(*major, *minor);
}

std::string epoch_limitation(const BuildEnvironment& env, const StrategyChoice& choice,
                             OutputKind output) {
  constexpr const char* kFix =
      "for a digest that follows the epoch write a layout (--output-layout DIR: multiarch sets "
      "the times itself; then `multiarch image push`) or use a builder with BuildKit >= 0.11 "
      "(`docker buildx create --driver remote ...`, see docs/buildx.md)";
  bool merged_by_multiarch =
      choice.strategy == BuildStrategy::per_platform_merge ||
      (choice.strategy == BuildStrategy::docker_build && output == OutputKind::layout);
  if (merged_by_multiarch) return {};
  if (choice.strategy == BuildStrategy::docker_build)
    return fmt::format(
        "the legacy `docker build` ignores SOURCE_DATE_EPOCH: the image's created times, and "
        "so its digest, follow the build's clock; {}",
        kFix);
  if (!env.builder) return {};
  for (const auto& node : env.builder->nodes) {
    auto version = parse_buildkit_version(node.buildkit_version);
    if (!version || *version >= std::make_pair(0, 11)) continue;
    return fmt::format(
        "{} runs BuildKit {}, which ignores SOURCE_DATE_EPOCH (BuildKit >= 0.11 honours it): "
        "the image's created times, and so its digest, follow the build's clock or cache; {}",
        builder_label(env), node.buildkit_version, kFix);
  }
  return {};
}

}  // namespace multiarch
