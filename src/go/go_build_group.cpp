// Several packages in one go-build: their plans, and which of them one `go build` can make
// together.
#include <fmt/format.h>

#include <map>
#include <set>

#include "go/go_build.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

/// Whether Go names this package's binary after the package argument's last element, as
/// default_binary_name() predicts: "." takes the module path's, patterns match several.
bool go_names_it_by_its_path(const std::string& package) {
  return package != "." && package != "./" && !package.ends_with("/.") &&
         package.find("...") == std::string::npos;
}

/// The step's argv without what differs between the binaries of an invocation: the output
/// and the package (the last word).
std::vector<std::string> shared_argv(const GoBuildStep& step) {
  std::vector<std::string> argv = step.build_argv;
  argv.at(step.output_arg).clear();
  argv.pop_back();
  return argv;
}

}  // namespace

std::vector<GoBuildPlan> plan_go_build_group(const GoBuildOptions& options,
                                             const std::vector<GoBuildBinary>& binaries,
                                             const GoToolchainInfo& toolchain) {
  if (binaries.size() > 1 && !options.depfile.empty() &&
      options.depfile.find("{name}") == std::string::npos)
    throw InputError(fmt::format(
        "--depfile \"{}\": {} packages need one depfile each; put {{name}} in the path (e.g. "
        "out/{{slug}}/{{name}}.d)",
        options.depfile, binaries.size()));
  std::vector<GoBuildPlan> group;
  std::map<fs::path, std::string> packages_by_output;
  for (const auto& binary : binaries) {
    GoBuildOptions one = options;
    one.package = binary.package;
    one.name = binary.name;
    GoBuildPlan plan = plan_go_build(one, toolchain);
    const fs::path& output = plan.steps.front().output;
    if (auto [it, added] = packages_by_output.emplace(output, binary.package); !added)
      throw InputError(fmt::format(
          "--package {} and --package {} both make {}: give each --package its own --name",
          it->second, binary.package, output.filename().string()));
    group.push_back(std::move(plan));
  }
  return group;
}

std::vector<std::vector<size_t>> go_build_invocations(const std::vector<GoBuildPlan>& group,
                                                      size_t step_index,
                                                      const std::vector<size_t>& stale) {
  struct Invocation {
    std::vector<size_t> members;
    std::vector<std::string> argv;  ///< shared_argv() of the members
    std::set<std::string> names;    ///< the file names Go writes, to keep them apart
    bool shareable = true;
  };
  std::vector<Invocation> invocations;
  for (size_t index : stale) {
    const GoBuildPlan& plan = group.at(index);
    const GoBuildStep& step = plan.steps.at(step_index);
    std::string go_name = default_binary_name(plan.package, plan.module_dir);
    bool shareable = go_names_it_by_its_path(plan.package);
    std::vector<std::string> argv = shared_argv(step);
    Invocation* home = nullptr;
    if (shareable)
      for (auto& invocation : invocations)
        if (invocation.shareable && invocation.argv == argv && !invocation.names.count(go_name)) {
          home = &invocation;
          break;
        }
    if (!home) {
      invocations.push_back({{}, std::move(argv), {}, shareable});
      home = &invocations.back();
    }
    home->members.push_back(index);
    home->names.insert(go_name);
  }
  std::vector<std::vector<size_t>> result;
  for (auto& invocation : invocations) result.push_back(std::move(invocation.members));
  return result;
}

std::vector<std::string> go_build_invocation_argv(const std::vector<GoBuildPlan>& group,
                                                  size_t step_index,
                                                  const std::vector<size_t>& invocation,
                                                  const fs::path& output) {
  const GoBuildStep& first = group.at(invocation.at(0)).steps.at(step_index);
  std::vector<std::string> argv = first.build_argv;
  if (invocation.size() == 1) {
    argv.at(first.output_arg) = output.string();
    return argv;
  }
  // A trailing slash makes go build treat -o as a folder even before it exists.
  argv.at(first.output_arg) = output.string() + "/";
  argv.pop_back();
  for (size_t index : invocation) argv.push_back(group.at(index).package);
  return argv;
}

}  // namespace multiarch
