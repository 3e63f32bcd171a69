#include "buildx/build_environment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace multiarch {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto newline = text.find('\n');
    lines.push_back(text.substr(0, newline));
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return lines;
}

std::string first_trimmed_line(std::string_view text) {
  for (auto line : lines_of(text)) {
    auto trimmed = trim(line);
    if (!trimmed.empty()) return std::string(trimmed);
  }
  return {};
}

/// "linux/amd64, linux/arm64*, linux/arm/v7" -> platforms; '*' marks platforms set by the
/// user in buildx output. Unknown entries are skipped (buildx may know newer ones).
std::vector<Platform> parse_platform_field(std::string_view value) {
  std::vector<Platform> platforms;
  const Platform linux_host{"linux", "amd64", ""};  // every entry names its OS: host unused
  while (!value.empty()) {
    auto comma = value.find(',');
    auto item = trim(value.substr(0, comma));
    if (!item.empty() && item.back() == '*') item.remove_suffix(1);
    if (!item.empty()) {
      try {
        Platform p = parse_platform(item, linux_host);
        if (std::find(platforms.begin(), platforms.end(), p) == platforms.end())
          platforms.push_back(p);
      } catch (const InputError&) {
      }
    }
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return platforms;
}

void query_engine(ProcessRunner& runner, const std::string& docker, BuildEnvironment& env) {
  auto info = run_if_installed(runner, {docker, "info", "--format", "{{json .}}"});
  if (info && info->ok()) {
    try {
      env.engine = parse_docker_info_json(info->out);
    } catch (const RuntimeError& e) {
      // Newer clients print the client half as JSON, exit 0 and say why on stderr
      // ("Cannot connect to the Docker daemon at unix:///...").
      std::string why = first_trimmed_line(info->err);
      env.engine_error = why.empty() ? e.what() : why;
    }
  } else {
    env.engine_error = info ? first_trimmed_line(info->err + info->out) : "docker did not start";
  }
}

std::vector<std::string> inspect_argv(const std::string& docker, const std::string& builder) {
  std::vector<std::string> argv = {docker, "buildx", "inspect"};
  if (!builder.empty()) argv.push_back(builder);
  return argv;
}

/// The value of a top-level "Error:" line of `docker buildx inspect`: buildx exits 0 and prints
/// "Name: default / Driver: (empty) / Error: failed to connect to the docker API ..." when the
/// engine behind the builder is unreachable.
std::string inspect_error_line(std::string_view text) {
  for (auto line : lines_of(text)) {
    if (line.rfind("Error:", 0) == 0) return std::string(trim(line.substr(6)));
  }
  return {};
}

void parse_inspect_result(const std::optional<ProcessResult>& inspected, BuildEnvironment& env) {
  if (inspected && inspected->ok()) {
    try {
      BuilderInfo info = parse_buildx_inspect(inspected->out);
      std::string error = inspect_error_line(inspected->out);
      if (error.empty() && info.driver.empty()) error = "buildx reports no driver for it";
      if (error.empty())
        env.builder = std::move(info);
      else
        env.builder_error = error;
    } catch (const RuntimeError& e) {
      env.builder_error = e.what();
    }
  } else {
    env.builder_error =
        inspected ? first_trimmed_line(inspected->err + inspected->out) : "no output";
  }
}

}  // namespace

std::vector<Platform> BuilderInfo::platforms() const {
  std::vector<Platform> all;
  for (const auto& node : nodes)
    for (const auto& p : node.platforms)
      if (std::find(all.begin(), all.end(), p) == all.end()) all.push_back(p);
  return all;
}

BuilderInfo parse_buildx_inspect(std::string_view text) {
  BuilderInfo info;
  bool in_nodes = false;
  bool saw_driver = false;
  for (auto line : lines_of(text)) {
    // Indented lines belong to sub-sections (Labels, GC Policy, Driver Options).
    if (line.empty() || line.front() == ' ' || line.front() == '\t') continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto key = trim(line.substr(0, colon));
    auto value = trim(line.substr(colon + 1));
    if (key == "Nodes") {
      in_nodes = true;
      continue;
    }
    if (!in_nodes) {
      if (key == "Name") info.name = value;
      if (key == "Driver") {
        info.driver = value;
        saw_driver = true;
      }
      continue;
    }
    if (key == "Name") {
      info.nodes.emplace_back();
      info.nodes.back().name = value;
      continue;
    }
    if (info.nodes.empty()) continue;
    auto& node = info.nodes.back();
    if (key == "Endpoint") node.endpoint = value;
    if (key == "Status") node.status = value;
    if (key == "BuildKit version" || key == "Buildkit" || key == "BuildKit") {
      node.buildkit_version = value;
    }
    if (key == "Platforms") node.platforms = parse_platform_field(value);
  }
  if (!saw_driver)
    throw RuntimeError(fmt::format("unexpected `docker buildx inspect` output (no Driver line): {}",
                                   first_trimmed_line(text)));
  return info;
}

std::vector<BuilderInfo> parse_buildx_ls_json(std::string_view text) {
  std::vector<BuilderInfo> builders;
  for (auto line : lines_of(text)) {
    if (trim(line).empty()) continue;
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw RuntimeError(fmt::format("`docker buildx ls --format json`: {}", e.what()));
    }
    if (!json.is_object())
      throw RuntimeError("`docker buildx ls --format json` printed something else than objects");
    BuilderInfo info;
    info.name = json.value("Name", "");
    info.driver = json.value("Driver", "");
    info.current = json.value("Current", false);
    if (auto nodes = json.find("Nodes"); nodes != json.end() && nodes->is_array()) {
      for (const auto& n : *nodes) {
        BuilderNode node;
        node.name = n.value("Name", "");
        node.endpoint = n.value("Endpoint", "");
        node.status = n.value("Status", "");
        node.buildkit_version = n.value("Version", "");
        std::string joined;
        if (auto platforms = n.find("Platforms"); platforms != n.end() && platforms->is_array())
          for (const auto& p : *platforms)
            if (p.is_string()) joined += (joined.empty() ? "" : ",") + p.get<std::string>();
        node.platforms = parse_platform_field(joined);
        info.nodes.push_back(std::move(node));
      }
    }
    builders.push_back(std::move(info));
  }
  return builders;
}

std::string parse_buildx_version(std::string_view text) {
  // "github.com/docker/buildx v0.38.2 rev" (also "docker/buildx-desktop v0.x ...").
  auto line = first_trimmed_line(text);
  auto space = line.find(' ');
  if (space == std::string::npos) return {};
  auto rest = std::string_view(line).substr(space + 1);
  auto version = rest.substr(0, rest.find(' '));
  if (version.size() < 2 || (version[0] != 'v' && (version[0] < '0' || version[0] > '9')))
    return {};
  return std::string(version);
}

EngineInfo parse_docker_info_json(std::string_view text) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw RuntimeError(fmt::format("`docker info` did not print JSON: {}", e.what()));
  }
  if (!json.is_object()) throw RuntimeError("`docker info` did not print a JSON object");
  auto string_field = [&](const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  EngineInfo info;
  info.server_version = string_field("ServerVersion");
  info.storage_driver = string_field("Driver");
  info.os_type = string_field("OSType");
  info.architecture = string_field("Architecture");
  auto status = json.find("DriverStatus");
  if (status != json.end() && status->is_array()) {
    for (const auto& pair : *status) {
      if (pair.is_array() && pair.size() == 2 && pair[0] == "driver-type" &&
          pair[1] == "io.containerd.snapshotter.v1")
        info.containerd_image_store = true;
    }
  }
  if (info.server_version.empty())
    throw RuntimeError("`docker info` printed no ServerVersion (is the daemon reachable?)");
  return info;
}

bool BuildEnvironment::builder_exports_multi_platform() const {
  if (!builder) return false;
  if (builder->driver != "docker") return true;
  return engine && engine->containerd_image_store;
}

BuildEnvironment detect_build_environment(ProcessRunner& runner, const std::string& builder,
                                          const std::string& docker) {
  BuildEnvironment env;
  auto client = run_if_installed(runner, {docker, "version", "--format", "{{.Client.Version}}"});
  if (!client) return env;
  env.docker_client_version = first_trimmed_line(client->out);
  if (env.docker_client_version.empty()) env.docker_client_version = "unknown";
  query_engine(runner, docker, env);

  auto version = run_if_installed(runner, {docker, "buildx", "version"});
  if (version && version->ok()) env.buildx_version = parse_buildx_version(version->out);
  if (version && version->ok() && env.buildx_version.empty()) env.buildx_version = "unknown";
  if (!env.has_buildx()) return env;
  parse_inspect_result(run_if_installed(runner, inspect_argv(docker, builder)), env);
  return env;
}

BuildEnvironment detect_builder(ProcessRunner& runner, const std::string& builder, bool with_engine,
                                const std::string& docker) {
  BuildEnvironment env;
  auto inspected = run_if_installed(runner, inspect_argv(docker, builder));
  if (!inspected) return env;  // no docker CLI
  env.docker_client_version = "detected";
  if (inspected->ok()) {
    env.buildx_version = "detected";
  } else if (auto version = run_if_installed(runner, {docker, "buildx", "version"});
             version && version->ok()) {
    env.buildx_version = "detected";  // buildx works; the builder is the problem
  }
  if (env.has_buildx()) parse_inspect_result(inspected, env);
  bool docker_driver = env.builder && env.builder->driver == "docker";
  // Without a usable builder the engine's state says whether Docker itself is the problem.
  if (with_engine || docker_driver || !env.has_buildx() || !env.builder)
    query_engine(runner, docker, env);
  return env;
}

}  // namespace multiarch
