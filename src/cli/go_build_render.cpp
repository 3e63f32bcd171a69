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

void print_dry_run(std::ostream& out, const GoBuildPlan& plan, bool force) {
  for (const auto& step : plan.steps) {
    fmt::print(out, "# {} -> {}\n", step.platform.str(), step.output.string());
    if (!force && go_build_step_up_to_date(plan, step, SystemFileStatter())) {
      fmt::print(out,
                 "# up to date: its depfile stamp shows nothing changed, so nothing runs (--force "
                 "builds it)\n");
      continue;
    }
    fmt::print(out, "cd {}\n", display_command({plan.module_dir.string()}));
    fmt::print(out, "{} {}\n", env_text(step), display_command(step.build_argv));
    if (!step.list_argv.empty())
      fmt::print(out, "{} {} > depfile {}\n", env_text(step), display_command(step.list_argv),
                 step.depfile.string());
  }
  fmt::print(out,
             "# go build writes a temporary file next to each output; it is renamed into place "
             "after the header and build-settings checks.\n");
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

}  // namespace

void render_go_build_dry_run(std::ostream& out, const GoBuildPlan& plan, bool force, bool json) {
  if (!json) {
    print_dry_run(out, plan, force);
    return;
  }
  auto j = plan_json(plan);
  for (const auto& step : plan.steps) {
    auto entry = step_json(step);
    entry["up_to_date"] = !force && go_build_step_up_to_date(plan, step, SystemFileStatter());
    j["platforms"].push_back(entry);
  }
  fmt::print(out, "{}\n", j.dump(2));
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
    fmt::print(err, "[{}/{}] {} FAILED {:.1f}s: {}\n", done, total, r.platform.str(), r.seconds,
               r.error);
    if (!r.go_messages.empty()) fmt::print(err, "{}\n", r.go_messages);
  }
  err.flush();
}

void render_go_build_json(std::ostream& out, const GoBuildPlan& plan,
                          const std::vector<GoBuildResult>& results, double seconds) {
  auto j = plan_json(plan);
  j["ok"] = std::all_of(results.begin(), results.end(), [](const auto& r) { return r.ok; });
  j["seconds"] = seconds;
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    auto entry = step_json(plan.steps[i]);
    entry["ok"] = r.ok;
    entry["seconds"] = r.seconds;
    if (r.ok) {
      entry["up_to_date"] = r.up_to_date;
      entry["sha256"] = r.sha256;
      entry["size"] = r.size;
      if (!r.depfile.empty()) entry["depfile_inputs"] = r.depfile_inputs;
    } else {
      entry["error"] = r.error;
      entry["go_messages"] = r.go_messages;
    }
    j["platforms"].push_back(entry);
  }
  fmt::print(out, "{}\n", j.dump(2));
}

bool render_go_build_summary(std::ostream& err, const std::vector<GoBuildResult>& results,
                             double seconds, unsigned jobs, bool quiet) {
  std::vector<std::string> failed;
  for (const auto& r : results)
    if (!r.ok) failed.push_back(r.platform.str());
  if (!failed.empty()) {
    fmt::print(err, "multiarch go-build: {} of {} platforms failed: {}\n", failed.size(),
               results.size(), join(failed, ", "));
    return false;
  }
  size_t up_to_date = std::count_if(results.begin(), results.end(),
                                    [](const GoBuildResult& r) { return r.up_to_date; });
  if (!quiet && results.size() > 1)
    fmt::print(err, "built {} platforms in {:.1f}s ({} at once{})\n", results.size(), seconds,
               std::min<size_t>(jobs, results.size()),
               up_to_date ? fmt::format(", {} up to date", up_to_date) : std::string());
  return true;
}

}  // namespace multiarch::cli
