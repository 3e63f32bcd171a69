#include "cli/doctor_render.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "util/strings.hpp"

namespace multiarch::cli {

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
    r["image_testable"] = v.image_testable;
    r["test_cpu_model"] = v.test_cpu_model;
    r["test_emulated"] = v.test_emulated;
    if (!v.test_problem.empty()) r["test_problem"] = v.test_problem;
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
    fmt::print(out, "go builds     {}\n", join(report.go_platforms, " "));
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
      for (const auto& p : n.platforms) {
        if (!joined.empty()) joined += ' ';
        joined += p.str();
      }
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
    fmt::print(out, "              image test: {}\n",
               v.image_testable
                   ? "on cpu " + v.test_cpu_model +
                         (v.test_emulated ? " (bubblewrap + QEMU)" : " (bubblewrap, native)")
                   : "not here: " + v.test_problem);
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

}  // namespace multiarch::cli
