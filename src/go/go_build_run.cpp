// Runs a go-build plan: parallel per platform, verified, atomic outputs and depfiles.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "go/go_build.hpp"
#include "go/go_build_inputs.hpp"
#include "go/go_build_settings.hpp"
#include "go/go_build_stamp.hpp"
#include "go/go_list.hpp"
#include "platform/executable_header.hpp"
#include "util/depfile.hpp"
#include "util/digest.hpp"
#include "util/dir_lock.hpp"
#include "util/error.hpp"
#include "util/file_stamp.hpp"
#include "util/fs.hpp"
#include "util/mapped_file.hpp"
#include "util/parallel.hpp"
#include "util/signal_cleanup.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

/// A step failed: `message` is the one-line reason, `go_messages` Go's own output.
struct StepFailure {
  std::string message;
  std::string go_messages;
};

/// Removes temporaries ("." NAME ".tmp-" PID "-" N, see temporary_sibling) that a killed
/// earlier run left next to `path`, when the process that wrote them is gone.
void remove_stale_temporaries(const fs::path& path) {
  std::string prefix = "." + path.filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path.parent_path(), ec)) {
    std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const char* begin = name.data() + prefix.size();
    const char* end = name.data() + name.size();
    pid_t pid = 0;
    auto [next, error] = std::from_chars(begin, end, pid);
    if (error != std::errc() || next == end || *next != '-' || pid <= 0) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // still running (or not ours)
    fs::remove_all(entry.path(), ec);  // a file, or the folder of a `go build -o DIR/`
  }
}

ProcessSpec go_spec(const GoBuildPlan& plan, const GoBuildStep& step,
                    std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.cwd = plan.module_dir.string();
  for (const auto& [key, value] : step.env) spec.env_overrides[key] = value;
  spec.env_unset = step.env_unset;
  return spec;
}

std::string combined_output(const ProcessResult& result) {
  std::string text = result.err;
  if (!result.out.empty()) text = result.out + text;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

/// Header and build-settings checks of the freshly built file, whose bytes are `contents`.
/// The settings come from the build info Go embeds (read in-process: no `go` process per
/// binary); `go version -m` is asked only when no build info in a known format is found.
void verify(ProcessRunner& runner, const GoBuildPlan& plan, const GoBuildStep& step,
            const fs::path& built, std::string_view contents) {
  ExecutableHeader header;
  try {
    header = parse_executable_header(contents, built.string());
  } catch (const InputError& e) {
    throw StepFailure{fmt::format("header check: go build wrote no executable ({})", e.what()), {}};
  }
  if (auto why = executable_mismatch(header, step.platform))
    throw StepFailure{fmt::format("header check: the binary is {}", *why), {}};

  std::map<std::string, std::string> settings;
  if (auto info = find_go_build_info(contents)) {
    settings = parse_go_build_settings(info->module_info);
  } else {
    ProcessResult result =
        runner.run(go_spec(plan, step, {plan.go, "version", "-m", built.string()}));
    if (!result.ok())
      throw StepFailure{fmt::format("`go version -m` failed (exit {})", result.exit_code),
                        combined_output(result)};
    settings = parse_go_build_settings(result.out);
  }
  if (auto why = go_build_settings_mismatch(settings, step.env))
    throw StepFailure{fmt::format("build settings: the binary was built with {}", *why), {}};
}

/// When go build made no executable, the usual reason: the package is not `package main`.
/// Asks `go list -f {{.Name}}` (only on this failure path); nullopt when it is main or go
/// list cannot say.
std::optional<std::string> not_a_main_package(ProcessRunner& runner, const GoBuildPlan& plan,
                                              const GoBuildStep& step) {
  ProcessResult result =
      runner.run(go_spec(plan, step, {plan.go, "list", "-f", "{{.Name}}", plan.package}));
  if (!result.ok()) return std::nullopt;
  std::string name = result.out.substr(0, result.out.find('\n'));
  if (name.empty() || name == "main") return std::nullopt;
  return fmt::format(
      "--package {} is package {}, not package main: go build makes no executable of it; give "
      "the folder of a command (its main package, e.g. ./cmd/server)",
      plan.package, name);
}

/// Whether go list's root package `package` is the one the argument `argument` names: by
/// folder for a relative or absolute path, by import path otherwise.
bool names_package(const std::string& argument, const fs::path& module_dir,
                   const GoListPackage& package) {
  if (argument.starts_with(".") || argument.starts_with("/")) {
    std::string dir = (module_dir / argument).lexically_normal().string();
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return package.dir == dir;
  }
  return package.import_path == argument;
}

/// The packages `root` needs: itself and everything it imports, directly or not.
std::vector<GoListPackage> closure_of(const GoListPackage& root,
                                      const std::vector<GoListPackage>& packages) {
  std::map<std::string_view, const GoListPackage*> by_path;
  for (const auto& package : packages) by_path.emplace(package.import_path, &package);
  std::set<std::string_view> seen = {root.import_path};
  std::vector<const GoListPackage*> pending = {&root};
  std::vector<GoListPackage> closure;
  while (!pending.empty()) {
    const GoListPackage* package = pending.back();
    pending.pop_back();
    closure.push_back(*package);
    for (const auto& imported : package->imports) {
      auto it = by_path.find(imported);
      if (it != by_path.end() && seen.insert(it->first).second) pending.push_back(it->second);
    }
  }
  return closure;
}

/// One `go list -deps` of every package of `members` (indexes into `group`) for one
/// platform, split into each binary's own inputs. A binary whose root package cannot be told
/// apart gets the inputs of the whole list: more than it needs, never fewer.
std::vector<std::vector<std::string>> depfile_inputs(ProcessRunner& runner,
                                                     const std::vector<GoBuildPlan>& group,
                                                     size_t step_index,
                                                     const std::vector<size_t>& members,
                                                     const std::string& go_work) {
  const GoBuildPlan& plan = group.at(members.at(0));
  const GoBuildStep& step = plan.steps.at(step_index);
  std::vector<std::string> argv = step.list_argv;
  argv.pop_back();  // the package: replaced by every member's
  for (size_t index : members) argv.push_back(group.at(index).package);
  ProcessResult result = runner.run(go_spec(plan, step, argv));
  if (!result.ok())
    throw StepFailure{fmt::format("go list (for the depfile) failed (exit {})", result.exit_code),
                      combined_output(result)};
  std::vector<GoListPackage> packages;
  try {
    packages = parse_go_list_json(result.out);
  } catch (const RuntimeError& e) {
    throw StepFailure{e.what(), {}};
  }
  GoBuildInputsContext context;
  context.platform = step.platform;
  context.go_work = go_work;
  context.goroot = plan.toolchain.goroot;
  context.go_executable = find_executable(plan.go);
  std::vector<std::vector<std::string>> inputs;
  for (size_t index : members) {
    const GoListPackage* root = nullptr;
    if (members.size() > 1)
      for (const auto& package : packages)
        if (!package.dep_only &&
            names_package(group.at(index).package, group.at(index).module_dir, package)) {
          root = &package;
          break;
        }
    inputs.push_back(go_build_inputs(root ? closure_of(*root, packages) : packages, context));
  }
  return inputs;
}

/// What every step shares.
struct RunContext {
  /// `go env GOWORK`, for depfiles: asked once, and only when a platform builds.
  std::function<const std::string&()> go_work;
  std::map<std::string, std::string> caller_env;  ///< for the stamp keys
  bool hash = false;
  bool force = false;
  unsigned jobs = 1;                   ///< go builds at once within one platform
  const FileStatter* files = nullptr;  ///< never null inside a run
};

/// One binary of one platform while a group runs.
struct BinaryRun {
  const GoBuildPlan* plan = nullptr;
  const GoBuildStep* step = nullptr;
  GoBuildResult result;
  std::string key;      ///< go_build_key(), with a depfile
  fs::path stamp_path;  ///< with a depfile
  fs::path built;       ///< the verified temporary file, until renamed into place
  std::optional<RemoveOnSignal> remove_built_on_signal;
  std::chrono::steady_clock::time_point started;
};

/// Folders, leftovers of killed runs, and the stamp: sets result.up_to_date (and ok) when
/// the stamp shows nothing changed.
void prepare_binary(BinaryRun& binary, const RunContext& run) {
  const GoBuildStep& step = *binary.step;
  GoBuildResult& result = binary.result;
  std::error_code ec;
  fs::create_directories(step.output.parent_path(), ec);
  if (ec)
    throw StepFailure{
        fmt::format("cannot create {}: {}", step.output.parent_path().string(), ec.message()), {}};
  remove_stale_temporaries(step.output);
  if (step.depfile.empty()) return;
  remove_stale_temporaries(step.depfile);
  binary.stamp_path = go_build_stamp_path(step.depfile);
  binary.key = go_build_key(*binary.plan, step, run.caller_env);
  auto stamp = run.force ? std::nullopt
                         : go_build_up_to_date(binary.stamp_path, binary.key, step.output,
                                               step.depfile, *run.files);
  if (!stamp) return;
  result.ok = result.up_to_date = true;
  result.size = stamp->output_size;
  result.inputs = std::move(stamp->inputs);
  if (run.hash) result.sha256 = sha256_file_hex(step.output);
}

/// Checks the file go build wrote for `binary` (at binary.built) and records its size and hash.
void check_built(ProcessRunner& runner, BinaryRun& binary, const RunContext& run) {
  std::error_code exists_ec;
  if (!fs::exists(binary.built, exists_ec)) {
    if (auto why = not_a_main_package(runner, *binary.plan, *binary.step))
      throw StepFailure{*why, {}};
    throw StepFailure{"go build wrote no executable", binary.result.go_messages};
  }
  MappedFile file(binary.built);
  std::string_view contents = file.bytes();
  try {
    verify(runner, *binary.plan, *binary.step, binary.built, contents);
  } catch (const StepFailure&) {
    if (auto why = not_a_main_package(runner, *binary.plan, *binary.step))
      throw StepFailure{*why, {}};
    throw;
  }
  binary.result.size = contents.size();
  if (run.hash) binary.result.sha256 = sha256_hex(contents);
}

/// Records a failure of `binary`, drops its temporary file.
void fail_binary(BinaryRun& binary, std::string message, std::string go_messages) {
  binary.result.ok = false;
  binary.result.error = std::move(message);
  if (!go_messages.empty()) binary.result.go_messages = std::move(go_messages);
  if (!binary.built.empty()) {
    std::error_code ec;
    fs::remove(binary.built, ec);
    binary.built.clear();
  }
}

/// One `go build` of one binary into a temporary sibling of its output, checked.
void build_alone(ProcessRunner& runner, BinaryRun& binary, const std::vector<GoBuildPlan>& group,
                 size_t step_index, size_t index, const RunContext& run) {
  try {
    binary.built = temporary_sibling(binary.step->output);
    binary.remove_built_on_signal.emplace(binary.built);  // Ctrl-C: no .NAME.tmp-* left
    ProcessResult build =
        runner.run(go_spec(*binary.plan, *binary.step,
                           go_build_invocation_argv(group, step_index, {index}, binary.built)));
    binary.result.go_messages = combined_output(build);
    if (!build.ok())
      throw StepFailure{fmt::format("go build failed (exit {})", build.exit_code),
                        binary.result.go_messages};
    check_built(runner, binary, run);
  } catch (const StepFailure& failure) {
    fail_binary(binary, failure.message, failure.go_messages);
  } catch (const std::exception& e) {
    fail_binary(binary, e.what(), {});
  }
}

/// One `go build -o DIR/ pkgA pkgB ...` for several binaries; each file is then moved to a
/// temporary sibling of its own output and checked. False when go build failed: the caller
/// builds each alone, so that each failure is told apart.
bool build_together(ProcessRunner& runner, std::vector<BinaryRun*>& members,
                    const std::vector<GoBuildPlan>& group, size_t step_index,
                    const std::vector<size_t>& indexes, const RunContext& run) {
  const BinaryRun& first = *members.front();
  fs::path folder = temporary_sibling(first.step->output);
  std::error_code ec;
  if (!fs::create_directory(folder, ec))
    throw StepFailure{fmt::format("cannot create {}: {}", folder.string(), ec.message()), {}};
  RemoveOnSignal remove_folder_on_signal(folder);
  std::vector<fs::path> written;
  std::vector<std::unique_ptr<RemoveOnSignal>> remove_written_on_signal;
  for (BinaryRun* binary : members) {
    written.push_back(folder /
                      (default_binary_name(binary->plan->package, binary->plan->module_dir) +
                       binary->step->platform.binary_suffix()));
    remove_written_on_signal.push_back(std::make_unique<RemoveOnSignal>(written.back()));
  }
  ProcessResult build = runner.run(go_spec(
      *first.plan, *first.step, go_build_invocation_argv(group, step_index, indexes, folder)));
  bool ok = build.ok();
  for (size_t i = 0; i < members.size(); ++i) {
    BinaryRun& binary = *members[i];
    if (!ok) continue;
    binary.result.go_messages = combined_output(build);
    try {
      binary.built = temporary_sibling(binary.step->output);
      binary.remove_built_on_signal.emplace(binary.built);
      if (fs::exists(written[i], ec)) rename_into_place(written[i], binary.built);
      check_built(runner, binary, run);
    } catch (const StepFailure& failure) {
      fail_binary(binary, failure.message, failure.go_messages);
    } catch (const std::exception& e) {
      fail_binary(binary, e.what(), {});
    }
  }
  fs::remove_all(folder, ec);
  return ok;
}

/// Renames a checked binary into place, then its depfile and stamp (a stamp is only ever
/// written for an output and depfile that are in place).
void finish_binary(BinaryRun& binary, std::vector<std::string> inputs, int64_t build_started_ns,
                   const RunContext& run) {
  const GoBuildStep& step = *binary.step;
  rename_into_place(binary.built, step.output);
  binary.built.clear();
  binary.remove_built_on_signal.reset();
  if (!step.depfile.empty()) {
    // After the binary: an interruption in between leaves an older depfile, which at worst
    // lists inputs that no longer matter.
    write_depfile(step.depfile, step.output.string(), inputs);
    GoBuildStamp stamp;
    stamp.key = binary.key;
    stamp.started_ns = build_started_ns;
    auto output = run.files->stat(step.output);
    stamp.output_mtime_ns = output ? output->mtime_ns : 0;
    stamp.output_size = binary.result.size;
    stamp.inputs = inputs;
    write_go_build_stamp(binary.stamp_path, stamp);
    binary.result.inputs = std::move(inputs);
  }
  binary.result.ok = true;
}

/// Every binary of `group` for platform `step_index`: the stale ones built by as few go
/// builds as go_build_invocations() allows and listed by one go list.
std::vector<GoBuildResult> run_platform(ProcessRunner& runner,
                                        const std::vector<GoBuildPlan>& group, size_t step_index,
                                        const RunContext& run) {
  std::vector<BinaryRun> binaries(group.size());
  std::vector<size_t> stale;
  for (size_t i = 0; i < group.size(); ++i) {
    BinaryRun& binary = binaries[i];
    binary.plan = &group[i];
    binary.step = &group[i].steps.at(step_index);
    binary.result.platform = binary.step->platform;
    binary.result.output = binary.step->output;
    binary.result.display_output = binary.step->display_output;
    binary.result.depfile = binary.step->depfile;
    binary.started = std::chrono::steady_clock::now();
    try {
      prepare_binary(binary, run);
      if (!binary.result.up_to_date) stale.push_back(i);
    } catch (const StepFailure& failure) {
      fail_binary(binary, failure.message, failure.go_messages);
    } catch (const std::exception& e) {
      fail_binary(binary, e.what(), {});
    }
  }

  int64_t build_started_ns = file_clock_now_ns();
  // go list reads the package graph while go build links, so the depfiles' inputs are ready
  // when the binaries are instead of costing a second pass after them (the critical path of a
  // leaf edit). Its output does not depend on the build's.
  const bool with_depfiles = !stale.empty() && !binaries[stale.front()].step->depfile.empty();
  std::future<std::vector<std::vector<std::string>>> listed;
  if (with_depfiles)
    listed = std::async(std::launch::async, [&] {
      return depfile_inputs(runner, group, step_index, stale, run.go_work());
    });
  // Several invocations (mains Go would name alike: the Kratos cmd/server layout) run side by
  // side, as separate go-builds per binary did; each touches only its own binaries.
  auto invocations = go_build_invocations(group, step_index, stale);
  run_in_parallel(invocations.size(), run.jobs, [&](size_t k) {
    const std::vector<size_t>& indexes = invocations[k];
    std::vector<BinaryRun*> members;
    for (size_t index : indexes) members.push_back(&binaries[index]);
    bool built_together = false;
    if (indexes.size() > 1) {
      try {
        built_together = build_together(runner, members, group, step_index, indexes, run);
      } catch (const StepFailure& failure) {
        for (BinaryRun* binary : members)
          fail_binary(*binary, failure.message, failure.go_messages);
        return;
      }
    }
    if (!built_together)
      for (size_t index : indexes)
        build_alone(runner, binaries[index], group, step_index, index, run);
  });

  std::vector<size_t> built;
  for (size_t index : stale)
    if (!binaries[index].built.empty()) built.push_back(index);
  std::vector<std::vector<std::string>> inputs(built.size());
  if (with_depfiles) {
    std::vector<std::vector<std::string>> stale_inputs;
    std::exception_ptr list_error;
    try {
      stale_inputs = listed.get();
    } catch (...) {
      list_error = std::current_exception();  // matters only for binaries that built
    }
    try {
      if (built.empty()) {
        // nothing to describe: the builds' own errors are what the caller sees
      } else if (!list_error) {
        for (size_t i = 0; i < built.size(); ++i) {
          size_t at =
              static_cast<size_t>(std::find(stale.begin(), stale.end(), built[i]) - stale.begin());
          inputs[i] = std::move(stale_inputs.at(at));
        }
      } else if (built.size() < stale.size()) {
        // A package that failed to build can fail the list of all (a bad import): list the
        // built ones again on their own, as if nothing had been listed ahead.
        inputs = depfile_inputs(runner, group, step_index, built, run.go_work());
      } else {
        std::rethrow_exception(list_error);
      }
    } catch (const StepFailure& failure) {
      for (size_t index : built) fail_binary(binaries[index], failure.message, failure.go_messages);
      built.clear();
    }
  }
  for (size_t i = 0; i < built.size(); ++i) {
    BinaryRun& binary = binaries[built[i]];
    try {
      finish_binary(binary, std::move(inputs[i]), build_started_ns, run);
    } catch (const std::exception& e) {
      fail_binary(binary, e.what(), {});
    }
  }

  std::vector<GoBuildResult> results;
  for (auto& binary : binaries) {
    binary.result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - binary.started).count();
    results.push_back(std::move(binary.result));
  }
  return results;
}

/// `go env GOWORK` in the module directory: the workspace file a depfile must list.
std::string query_go_work(ProcessRunner& runner, const GoBuildPlan& plan) {
  ProcessSpec spec;
  spec.argv = {plan.go, "env", "GOWORK"};
  spec.cwd = plan.module_dir.string();
  ProcessResult result = runner.run(spec);
  if (!result.ok())
    throw RuntimeError(fmt::format("`{}` failed (exit {}): {}", display_command(spec.argv),
                                   result.exit_code, result.err));
  std::string go_work = result.out;
  while (!go_work.empty() && (go_work.back() == '\n' || go_work.back() == '\r')) go_work.pop_back();
  return go_work;
}

}  // namespace

std::vector<GoBuildResult> run_go_build(ProcessRunner& runner, const GoBuildPlan& plan,
                                        const GoBuildRunOptions& options) {
  return run_go_build_group(runner, {plan}, options).at(0);
}

std::vector<std::vector<GoBuildResult>> run_go_build_group(ProcessRunner& runner,
                                                           const std::vector<GoBuildPlan>& group,
                                                           const GoBuildRunOptions& options) {
  std::vector<std::vector<GoBuildResult>> results(group.size());
  if (group.empty()) return results;
  const GoBuildPlan& first = group.front();
  RunContext run;
  std::once_flag go_work_queried;
  std::string go_work;
  run.go_work = [&]() -> const std::string& {
    std::call_once(go_work_queried, [&] {
      go_work = first.toolchain.go_work ? *first.toolchain.go_work : query_go_work(runner, first);
    });
    return go_work;
  };
  run.caller_env = go_relevant_environment();
  run.hash = options.hash;
  run.force = options.force;
  run.jobs = options.jobs;
  SystemFileStatter system_files;
  run.files = options.files ? options.files : &system_files;

  // One run per platform folder: two at once could leave a mix of both runs' binaries. Per
  // platform, not per output folder, so that the go-builds of different platforms (CMake
  // runs one per platform) go on side by side. Taken in sorted order: no deadlock.
  std::set<fs::path> folders;
  for (const auto& plan : group)
    for (const auto& step : plan.steps) folders.insert(step.output.parent_path());
  std::vector<std::unique_ptr<DirectoryLock>> locks;
  for (const auto& folder : folders)
    locks.push_back(std::make_unique<DirectoryLock>(folder, "--output-dir", options.on_wait));

  size_t platforms = first.steps.size();
  for (auto& binary_results : results) binary_results.resize(platforms);
  std::mutex report;
  size_t finished = 0;
  size_t total = platforms * group.size();
  run_in_parallel(platforms, options.jobs, [&](size_t step_index) {
    auto platform_results = run_platform(runner, group, step_index, run);
    std::lock_guard lock(report);
    for (size_t b = 0; b < group.size(); ++b) {
      results[b][step_index] = std::move(platform_results[b]);
      ++finished;
      if (options.on_finished) options.on_finished(results[b][step_index], finished, total);
    }
  });
  return results;
}

}  // namespace multiarch
