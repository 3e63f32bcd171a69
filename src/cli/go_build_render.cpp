#include "cli/go_build_render.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "go/go_build_stamp.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace multiarch::cli {
namespace {

std::string env_text(const GoBuildStep& step) {
  std::vector<std::string> argv = {"env"};
  for (const auto& name : step.env_unset) {
    argv.push_back("-u");
    argv.push_back(name);
  }
  for (const auto& [key, value] : step.env) argv.push_back(key + "=" + value);
  return display_command(argv);
}

nlohmann::ordered_json env_json(const GoEnv& env) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [key, value] : env) j[key] = value;
  return j;
}

void print_dry_run(std::ostream& out, const std::vector<GoBuildPlan>& group, bool force) {
  const GoBuildPlan& first = group.front();
  for (size_t i = 0; i < first.steps.size(); ++i) {
    std::vector<size_t> stale;
    for (size_t b = 0; b < group.size(); ++b) {
      const GoBuildStep& step = group[b].steps[i];
      if (!force && go_build_step_up_to_date(group[b], step, SystemFileStatter())) {
        fmt::print(out, "# {} -> {}\n", step.platform.str(), step.output.string());
        fmt::print(out,
                   "# up to date: its depfile stamp shows nothing changed, so nothing runs "
                   "(--force builds it)\n");
      } else {
        stale.push_back(b);
      }
    }
    for (const auto& invocation : go_build_invocations(group, i, stale)) {
      const GoBuildStep& step = group[invocation.front()].steps[i];
      std::vector<std::string> outputs;
      std::vector<std::string> packages;
      for (size_t b : invocation) {
        outputs.push_back(group[b].steps[i].output.string());
        packages.push_back(group[b].package);
      }
      fmt::print(out, "# {} -> {}\n", step.platform.str(), join(outputs, ", "));
      fmt::print(out, "cd {}\n", display_command({first.module_dir.string()}));
      std::filesystem::path output =
          invocation.size() == 1 ? step.output : step.output.parent_path();
      fmt::print(out, "{} {}\n", env_text(step),
                 display_command(go_build_invocation_argv(group, i, invocation, output)));
      if (!step.list_argv.empty()) {
        std::vector<std::string> list_argv = step.list_argv;
        list_argv.pop_back();
        list_argv.insert(list_argv.end(), packages.begin(), packages.end());
        std::vector<std::string> depfiles;
        for (size_t b : invocation) depfiles.push_back(group[b].steps[i].depfile.string());
        fmt::print(out, "{} {} > depfile {}\n", env_text(step), display_command(list_argv),
                   join(depfiles, ", "));
      }
    }
  }
  fmt::print(out,
             "# go build writes a temporary file (for several packages, a temporary folder) next "
             "to each output; each binary is renamed into place after the header and "
             "build-settings checks.\n");
}

nlohmann::ordered_json plan_json(const GoBuildPlan& plan) {
  nlohmann::ordered_json j;
  j["module_dir"] = plan.module_dir.string();
  j["package"] = plan.package;
  j["name"] = plan.name;
  j["version"] = plan.version;
  j["go_version"] = plan.toolchain.version.str();
  j["platforms"] = nlohmann::ordered_json::array();
  return j;
}

nlohmann::ordered_json step_json(const GoBuildStep& step) {
  nlohmann::ordered_json j;
  j["platform"] = step.platform.str();
  j["slug"] = step.platform.slug();
  j["output"] = step.output.string();
  j["env"] = env_json(step.env);
  j["env_unset"] = step.env_unset;
  j["argv"] = step.build_argv;
  if (!step.depfile.empty()) {
    j["depfile"] = step.depfile.string();
    j["list_argv"] = step.list_argv;
  }
  return j;
}

/// One plan object (several binaries: wrapped as {"binaries": [...]}, with `extra` at the top).
nlohmann::ordered_json group_json(std::vector<nlohmann::ordered_json> plans,
                                  nlohmann::ordered_json extra) {
  if (plans.size() == 1) {
    for (auto& [key, value] : extra.items()) plans.front()[key] = value;
    return plans.front();
  }
  extra["binaries"] = plans;
  return extra;
}

}  // namespace

void render_go_build_dry_run(std::ostream& out, const std::vector<GoBuildPlan>& group, bool force,
                             bool json) {
  if (!json) {
    print_dry_run(out, group, force);
    return;
  }
  std::vector<nlohmann::ordered_json> plans;
  for (const auto& plan : group) {
    auto j = plan_json(plan);
    for (const auto& step : plan.steps) {
      auto entry = step_json(step);
      entry["up_to_date"] = !force && go_build_step_up_to_date(plan, step, SystemFileStatter());
      j["platforms"].push_back(entry);
    }
    plans.push_back(std::move(j));
  }
  fmt::print(out, "{}\n", group_json(std::move(plans), nlohmann::ordered_json::object()).dump(2));
}

void render_go_build_progress(std::ostream& err, const GoBuildResult& r, size_t done, size_t total,
                              bool quiet) {
  if (r.ok) {
    if (!quiet)
      fmt::print(err, "[{}/{}] {} {} {}\n", done, total, r.platform.str(),
                 r.display_output.string(),
                 r.up_to_date ? std::string("up to date") : fmt::format("{:.1f}s", r.seconds));
    // Go's notes on success (module downloads, warnings) are still worth seeing.
    if (!r.go_messages.empty() && !quiet) fmt::print(err, "{}\n", r.go_messages);
  } else {
    fmt::print(err, "[{}/{}] {} FAILED {:.1f}s: {}: {}\n", done, total, r.platform.str(), r.seconds,
               r.display_output.string(), r.error);
    if (!r.go_messages.empty()) fmt::print(err, "{}\n", r.go_messages);
  }
  err.flush();
}

void render_go_build_json(std::ostream& out, const std::vector<GoBuildPlan>& group,
                          const std::vector<std::vector<GoBuildResult>>& results, double seconds) {
  bool ok = true;
  std::vector<nlohmann::ordered_json> plans;
  for (size_t b = 0; b < group.size(); ++b) {
    auto j = plan_json(group[b]);
    for (size_t i = 0; i < results[b].size(); ++i) {
      const auto& r = results[b][i];
      ok = ok && r.ok;
      auto entry = step_json(group[b].steps[i]);
      entry["ok"] = r.ok;
      entry["seconds"] = r.seconds;
      if (r.ok) {
        entry["up_to_date"] = r.up_to_date;
        entry["sha256"] = r.sha256;
        entry["size"] = r.size;
        if (!r.depfile.empty()) entry["depfile_inputs"] = r.inputs.size();
      } else {
        entry["error"] = r.error;
        entry["go_messages"] = r.go_messages;
      }
      j["platforms"].push_back(entry);
    }
    plans.push_back(std::move(j));
  }
  nlohmann::ordered_json extra;
  extra["ok"] = ok;
  extra["seconds"] = seconds;
  fmt::print(out, "{}\n", group_json(std::move(plans), extra).dump(2));
}

bool render_go_build_summary(std::ostream& err,
                             const std::vector<std::vector<GoBuildResult>>& results, double seconds,
                             unsigned jobs, bool quiet) {
  std::vector<std::string> failed;
  size_t count = 0;
  size_t up_to_date = 0;
  size_t platforms = results.empty() ? 0 : results.front().size();
  for (const auto& binary_results : results)
    for (const auto& r : binary_results) {
      ++count;
      if (r.up_to_date) ++up_to_date;
      if (!r.ok)
        failed.push_back(results.size() == 1 ? r.platform.str()
                                             : fmt::format("{} {}", r.output.filename().string(),
                                                           r.platform.str()));
    }
  if (!failed.empty()) {
    if (results.size() == 1)
      fmt::print(err, "multiarch go-build: {} of {} platforms failed: {}\n", failed.size(), count,
                 join(failed, ", "));
    else
      fmt::print(err, "multiarch go-build: {} of {} binaries failed: {}\n", failed.size(), count,
                 join(failed, ", "));
    return false;
  }
  if (!quiet && count > 1) {
    std::string what = results.size() == 1 ? fmt::format("{} platforms", count)
                                           : fmt::format("{} binaries ({} x {} platforms)", count,
                                                         results.size(), platforms);
    fmt::print(err, "built {} in {:.1f}s ({} at once{})\n", what, seconds,
               std::min<size_t>(jobs, platforms),
               up_to_date ? fmt::format(", {} up to date", up_to_date) : std::string());
  }
  return true;
}

}  // namespace multiarch::cli
