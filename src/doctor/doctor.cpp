#include "doctor/doctor.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

#include "buildx/dockerfile_scan.hpp"
#include "go/go_toolchain.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

/// Foreign platforms reported even when none is requested: what users build most.
const std::vector<std::string>& reported_platforms() {
  static const std::vector<std::string> platforms = {
      "linux/amd64",  "linux/386",     "linux/arm64", "linux/arm/v7",
      "linux/arm/v6", "linux/ppc64le", "linux/s390x", "linux/riscv64"};
  return platforms;
}

std::string run_mode_name(RunMode mode) {
  switch (mode) {
    case RunMode::native:
      return "native";
    case RunMode::emulated:
      return "emulated";
    case RunMode::unavailable:
      return "unavailable";
  }
  return "unknown";
}

std::string first_line(const std::string& text) {
  auto start = text.find_first_not_of(" \n\r\t");
  if (start == std::string::npos) return {};
  auto end = text.find('\n', start);
  return text.substr(start, end == std::string::npos ? end : end - start);
}

void add(DoctorReport& report, std::string area, std::string message, std::string fix,
         bool blocking = false) {
  report.problems.push_back({std::move(area), std::move(message), std::move(fix), blocking});
}

void check_go(ProcessRunner& runner, const DoctorOptions& options, DoctorReport& report) {
  try {
    report.go = query_go_toolchain(runner, options.go);
  } catch (const RuntimeError& e) {
    report.go_error = e.what();
    add(report, "go", fmt::format("Go is not usable: {}", first_line(report.go_error)),
        "install Go 1.21 or newer (https://go.dev/dl/) and put its bin folder on PATH");
    return;
  }
  for (const auto& spec : known_platforms()) {
    try {
      go_env_for(parse_platform(spec, report.host), *report.go);
      report.go_platforms.push_back(spec);
    } catch (const InputError&) {
    }
  }
}

void check_docker(ProcessRunner& runner, const DoctorOptions& options, DoctorReport& report) {
  report.docker = detect_build_environment(runner, options.builder, options.docker);
  const auto& env = report.docker;
  if (!env.has_docker()) {
    add(report, "docker",
        "the docker CLI is not installed (multiarch image still builds OCI layouts without it)",
        "apt-get install docker.io");
    return;
  }
  if (!env.engine) {
    add(report, "docker", fmt::format("the Docker engine is not reachable: {}", env.engine_error),
        "systemctl start docker (or set DOCKER_HOST)");
  }
  if (!env.has_buildx()) {
    add(report, "buildx",
        "docker buildx is not installed: `multiarch buildx` falls back to the legacy `docker "
        "build`, one platform at a time",
        "scripts/install-buildx (from the multiarch source tree), or apt-get install "
        "docker-buildx");
    return;
  }
  if (auto listed = run_if_installed(runner, {options.docker, "buildx", "ls", "--format", "json"});
      listed && listed->ok()) {
    try {
      report.builders = parse_buildx_ls_json(listed->out);
    } catch (const RuntimeError&) {
      // Older buildx: only the inspected builder is reported.
    }
  }
  if (!env.builder) {
    add(report, "buildx",
        fmt::format("builder {} cannot be used: {}",
                    options.builder.empty() ? "(current)" : options.builder, env.builder_error),
        "docker buildx ls; docker buildx use NAME, or docker buildx create --name NAME --driver "
        "remote unix:///run/buildkit/buildkitd.sock");
    return;
  }
  if (!env.builder_exports_multi_platform()) {
    add(report, "buildx",
        fmt::format("builder \"{}\" uses the docker driver without the containerd image store: "
                    "it cannot export multi-platform images or OCI layouts, so `multiarch "
                    "buildx` builds one platform at a time and merges them",
                    env.builder->name),
        "docker buildx create --use --name multiarch --driver remote "
        "unix:///run/buildkit/buildkitd.sock (a buildkitd you run), or turn on the containerd "
        "image store (\"features\": {\"containerd-snapshotter\": true} in "
        "/etc/docker/daemon.json, Docker >= 24)");
  }
  for (const auto& node : env.builder->nodes) {
    if (!node.status.empty() && node.status != "running")
      add(report, "buildx",
          fmt::format("node {} of builder \"{}\" is {}", node.name, env.builder->name, node.status),
          fmt::format("docker buildx inspect --bootstrap {}", env.builder->name));
  }
}

void check_emulation(const DoctorOptions& options, DoctorReport& report) {
  report.binfmt = read_binfmt(options.binfmt_root);
  for (const auto& spec : reported_platforms()) {
    Platform p = parse_platform(spec, report.host);
    if (p.architecture == report.host.architecture) continue;
    report.emulation.push_back(run_support(report.binfmt, report.host, p));
  }
}

void check_skopeo(ProcessRunner& runner, const DoctorOptions& options, DoctorReport& report) {
  report.skopeo_path = find_executable(options.skopeo);
  if (report.skopeo_path.empty()) {
    add(report, "skopeo",
        "skopeo is not installed: `multiarch image push` and OCI layout checks need it",
        "apt-get install skopeo");
    return;
  }
  if (auto version = run_if_installed(runner, {report.skopeo_path, "--version"});
      version && version->ok())
    report.skopeo_version = first_line(version->out);
}

void check_requested(const DoctorOptions& options, DoctorReport& report) {
  std::vector<Platform> builder_platforms;
  if (report.docker.builder) builder_platforms = report.docker.builder->platforms();
  for (const auto& platform : options.platforms) {
    PlatformVerdict verdict;
    verdict.platform = platform;
    if (report.go) {
      try {
        go_env_for(platform, *report.go);
        verdict.go_builds = true;
      } catch (const InputError& e) {
        verdict.go_error = e.what();
      }
    } else {
      verdict.go_error = "Go is not usable";
    }
    verdict.run = run_support(report.binfmt, report.host, platform);
    bool runs_here = verdict.run.mode != RunMode::unavailable;
    bool runs_in_containers = runs_here && verdict.run.in_containers;
    verdict.runnable = report.dockerfile_runs_steps ? runs_in_containers : runs_here;

    // Packaging prebuilt binaries needs no emulation; RUN steps do, unless the builder
    // has a node of that platform (it lists it) and the kernel can run it in containers.
    bool steps_ok = true;
    if (report.dockerfile_runs_steps && verdict.run.mode != RunMode::native) {
      bool listed = std::find(builder_platforms.begin(), builder_platforms.end(), platform) !=
                    builder_platforms.end();
      bool remote_node = report.docker.builder && report.docker.builder->driver == "remote";
      steps_ok = runs_in_containers || (listed && remote_node);
    }
    verdict.buildable = verdict.go_builds && steps_ok;

    if (!verdict.go_builds)
      add(report, "platform",
          fmt::format("{}: Go cannot build it: {}", platform.str(), verdict.go_error),
          "install a Go release that supports it (https://go.dev/dl/)", true);
    if (!steps_ok)
      add(report, "platform",
          fmt::format("{}: the Dockerfile has RUN steps, and {}", platform.str(),
                      verdict.run.problem.empty() ? "the builder cannot run this platform"
                                                  : verdict.run.problem),
          verdict.run.fix.empty() ? "use a builder with a native node for this platform"
                                  : verdict.run.fix,
          true);
    if (steps_ok && verdict.run.mode == RunMode::unavailable)
      add(report, "emulation",
          fmt::format("{} is not runnable here: {}", platform.str(), verdict.run.problem),
          verdict.run.fix, options.require_run);
    report.requested.push_back(verdict);
  }
}

}  // namespace

bool DoctorReport::ok() const {
  return std::none_of(problems.begin(), problems.end(),
                      [](const DoctorProblem& p) { return p.blocking; });
}

DoctorReport run_doctor(ProcessRunner& runner, const Platform& host, const DoctorOptions& options) {
  DoctorReport report;
  report.host = host;
  if (options.dockerfile)
    report.dockerfile_runs_steps = dockerfile_has_run_steps(read_file(*options.dockerfile));
  check_go(runner, options, report);
  check_docker(runner, options, report);
  check_emulation(options, report);
  check_skopeo(runner, options, report);
  // Emulation problems of the common platforms are reported once, not per request.
  for (const auto& support : report.emulation) {
    bool requested = std::find(options.platforms.begin(), options.platforms.end(),
                               support.platform) != options.platforms.end();
    if (!requested && !support.problem.empty())
      add(report, "emulation", fmt::format("{}: {}", support.platform.str(), support.problem),
          support.fix);
  }
  check_requested(options, report);
  return report;
}

nlohmann::ordered_json doctor_json(const DoctorReport& report) {
  nlohmann::ordered_json j;
  j["host"] = report.host.str();
  auto& go = j["go"];
  go = nlohmann::ordered_json::object();
  if (report.go) {
    go["version"] = report.go->version.str();
    go["goroot"] = report.go->goroot;
    go["platforms"] = report.go_platforms;
  } else {
    go["error"] = report.go_error;
  }
  const auto& env = report.docker;
  auto& docker = j["docker"];
  docker = nlohmann::ordered_json::object();
  docker["client"] = env.docker_client_version;
  if (env.engine) {
    docker["engine"] = env.engine->server_version;
    docker["storage_driver"] = env.engine->storage_driver;
    docker["containerd_image_store"] = env.engine->containerd_image_store;
  } else {
    docker["engine"] = nullptr;
    docker["engine_error"] = env.engine_error;
  }
  docker["buildx"] = env.buildx_version;
  auto builder_json = [](const BuilderInfo& b) {
    nlohmann::ordered_json out;
    out["name"] = b.name;
    out["driver"] = b.driver;
    out["current"] = b.current;
    out["nodes"] = nlohmann::ordered_json::array();
    for (const auto& n : b.nodes) {
      nlohmann::ordered_json node;
      node["name"] = n.name;
      node["endpoint"] = n.endpoint;
      node["status"] = n.status;
      node["buildkit"] = n.buildkit_version;
      node["platforms"] = nlohmann::ordered_json::array();
      for (const auto& p : n.platforms) node["platforms"].push_back(p.str());
      out["nodes"].push_back(node);
    }
    return out;
  };
  if (env.builder) {
    docker["builder"] = builder_json(*env.builder);
    docker["builder"]["multi_platform"] = env.builder_exports_multi_platform();
  } else {
    docker["builder"] = nullptr;
  }
  docker["builders"] = nlohmann::ordered_json::array();
  for (const auto& b : report.builders) docker["builders"].push_back(builder_json(b));

  auto& emulation = j["emulation"];
  emulation["binfmt_misc_mounted"] = report.binfmt.mounted;
  emulation["binfmt_misc_enabled"] = report.binfmt.enabled;
  emulation["platforms"] = nlohmann::ordered_json::array();
  auto support_json = [](const RunSupport& s) {
    nlohmann::ordered_json out;
    out["platform"] = s.platform.str();
    out["run"] = run_mode_name(s.mode);
    out["handler"] = s.handler;
    out["in_containers"] = s.in_containers;
    out["problem"] = s.problem;
    out["fix"] = s.fix;
    return out;
  };
  for (const auto& s : report.emulation) emulation["platforms"].push_back(support_json(s));

  j["skopeo"] = nlohmann::ordered_json::object();
  j["skopeo"]["path"] = report.skopeo_path;
  j["skopeo"]["version"] = report.skopeo_version;
  j["dockerfile_runs_steps"] = report.dockerfile_runs_steps;

  j["requested"] = nlohmann::ordered_json::array();
  for (const auto& v : report.requested) {
    nlohmann::ordered_json r;
    r["platform"] = v.platform.str();
    r["buildable"] = v.buildable;
    r["go_builds"] = v.go_builds;
    if (!v.go_error.empty()) r["go_error"] = v.go_error;
    r["runnable"] = v.runnable;
    r["run"] = support_json(v.run);
    j["requested"].push_back(r);
  }
  j["problems"] = nlohmann::ordered_json::array();
  for (const auto& p : report.problems) {
    nlohmann::ordered_json problem;
    problem["area"] = p.area;
    problem["message"] = p.message;
    problem["fix"] = p.fix;
    problem["blocking"] = p.blocking;
    j["problems"].push_back(problem);
  }
  j["ok"] = report.ok();
  return j;
}

void print_doctor_text(const DoctorReport& report, std::ostream& out) {
  fmt::print(out, "host          {}\n", report.host.str());
  if (report.go) {
    fmt::print(out, "go            {} ({})\n", report.go->version.str(), report.go->goroot);
    std::string joined;
    for (const auto& p : report.go_platforms) joined += (joined.empty() ? "" : " ") + p;
    fmt::print(out, "go builds     {}\n", joined);
  } else {
    fmt::print(out, "go            not usable\n");
  }
  const auto& env = report.docker;
  fmt::print(out, "docker        client {}, engine {}\n",
             env.has_docker() ? env.docker_client_version : "missing",
             env.engine ? env.engine->server_version : "unreachable");
  if (env.engine)
    fmt::print(out, "image store   {} (storage driver {})\n",
               env.engine->containerd_image_store ? "containerd" : "classic",
               env.engine->storage_driver);
  fmt::print(out, "buildx        {}\n", env.has_buildx() ? env.buildx_version : "missing");
  std::vector<BuilderInfo> builders = report.builders;
  if (builders.empty() && env.builder) builders.push_back(*env.builder);
  for (const auto& b : builders) {
    bool selected = env.builder && env.builder->name == b.name;
    fmt::print(out, "builder       {}{} (driver {}{})\n", b.name, b.current ? "*" : "", b.driver,
               selected ? (env.builder_exports_multi_platform() ? ", multi-platform export"
                                                                : ", one platform per export")
                        : "");
    for (const auto& n : b.nodes) {
      std::string joined;
      for (const auto& p : n.platforms) joined += (joined.empty() ? "" : " ") + p.str();
      fmt::print(out, "  node        {} {} BuildKit {}: {}\n", n.name, n.status, n.buildkit_version,
                 joined);
    }
  }
  fmt::print(
      out, "binfmt_misc   {}\n",
      !report.binfmt.mounted ? "not mounted" : (report.binfmt.enabled ? "enabled" : "disabled"));
  for (const auto& s : report.emulation) {
    fmt::print(
        out, "  {:<16}{}{}{}\n", s.platform.str(), run_mode_name(s.mode),
        s.handler.empty() ? "" : " via " + s.handler,
        s.mode == RunMode::emulated && !s.in_containers ? " (host only, not in containers)" : "");
  }
  fmt::print(
      out, "skopeo        {}\n",
      report.skopeo_path.empty() ? "missing" : report.skopeo_path + " " + report.skopeo_version);
  for (const auto& v : report.requested) {
    fmt::print(
        out, "platform      {}: {}, {}\n", v.platform.str(),
        v.buildable ? "buildable" : "NOT buildable",
        v.runnable ? "runnable here (" + run_mode_name(v.run.mode) + ")" : "not runnable here");
  }
  if (report.problems.empty()) {
    fmt::print(out, "\nno problems found\n");
    return;
  }
  fmt::print(out, "\n{} problem{}:\n", report.problems.size(),
             report.problems.size() == 1 ? "" : "s");
  for (const auto& p : report.problems) {
    fmt::print(out, "- [{}{}] {}\n", p.area, p.blocking ? ", blocking" : "", p.message);
    if (!p.fix.empty()) fmt::print(out, "  fix: {}\n", p.fix);
  }
}

}  // namespace multiarch
