#include "doctor/doctor.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

#include "buildx/dockerfile_scan.hpp"
#include "go/go_toolchain.hpp"
#include "platform/cpu_model.hpp"
#include "publish/image_test.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"

namespace multiarch {
namespace {

/// Foreign platforms reported even when none is requested: what users build most.
const std::vector<std::string>& reported_platforms() {
  static const std::vector<std::string> platforms = {
      "linux/amd64",  "linux/386",     "linux/arm64", "linux/arm/v7",
      "linux/arm/v6", "linux/ppc64le", "linux/s390x", "linux/riscv64"};
  return platforms;
}

std::string first_nonblank_line(const std::string& text) {
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
    add(report, "go", fmt::format("Go is not usable: {}", first_nonblank_line(report.go_error)),
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
    report.skopeo_version = first_nonblank_line(version->out);
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
    // `image test`: bubblewrap, and qemu-ARCH-static with the platform's minimum CPU model.
    std::string why_not;
    if (auto tester = test_runner_for(platform, report.host, why_not)) {
      verdict.test_cpu_model = tester->cpu_model;
      verdict.test_emulated = !tester->qemu.empty();
      if (find_executable("bwrap").empty())
        why_not = "bwrap is not installed";
      else
        verdict.image_testable = true;
    }
    if (!verdict.image_testable) {
      verdict.test_problem = why_not;
      add(report, "image-test",
          fmt::format("{}: `multiarch image test` cannot run it here: {}", platform.str(), why_not),
          !minimum_cpu_model(platform)
              ? "none here: build and test it on a machine of that platform"
          : why_not.find("AVX-512") != std::string::npos
              ? "test amd64/v4 images on a host with AVX-512"
              : "sudo apt-get install qemu-user-static bubblewrap (and allow unprivileged user "
                "namespaces: sysctl kernel.unprivileged_userns_clone=1)",
          false);
    }
    report.requested.push_back(verdict);
  }
}

}  // namespace

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

}  // namespace multiarch
