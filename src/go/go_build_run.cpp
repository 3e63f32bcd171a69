// Runs a go-build plan: parallel per platform, verified, atomic outputs and depfiles.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <functional>
#include <mutex>
#include <optional>

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
    fs::remove(entry.path(), ec);
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

std::vector<std::string> depfile_inputs(ProcessRunner& runner, const GoBuildPlan& plan,
                                        const GoBuildStep& step, const std::string& go_work) {
  ProcessResult result = runner.run(go_spec(plan, step, step.list_argv));
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
  return go_build_inputs(packages, context);
}

/// What every step shares.
struct RunContext {
  /// `go env GOWORK`, for depfiles: asked once, and only when a platform builds.
  std::function<const std::string&()> go_work;
  std::map<std::string, std::string> caller_env;  ///< for the stamp keys
  bool hash = false;
  bool force = false;
  const FileStatter* files = nullptr;  ///< never null inside run_step
};

GoBuildResult run_step(ProcessRunner& runner, const GoBuildPlan& plan, const GoBuildStep& step,
                       const RunContext& run) {
  GoBuildResult result;
  result.platform = step.platform;
  result.output = step.output;
  result.display_output = step.display_output;
  result.depfile = step.depfile;
  auto started = std::chrono::steady_clock::now();
  fs::path built;
  try {
    std::error_code ec;
    fs::create_directories(step.output.parent_path(), ec);
    if (ec)
      throw StepFailure{
          fmt::format("cannot create {}: {}", step.output.parent_path().string(), ec.message()),
          {}};
    remove_stale_temporaries(step.output);
    std::string key;
    fs::path stamp_path;
    if (!step.depfile.empty()) {
      remove_stale_temporaries(step.depfile);
      stamp_path = go_build_stamp_path(step.depfile);
      key = go_build_key(plan, step, run.caller_env);
      auto stamp =
          run.force ? std::nullopt
                    : go_build_up_to_date(stamp_path, key, step.output, step.depfile, *run.files);
      if (stamp) {
        result.ok = result.up_to_date = true;
        result.size = stamp->output_size;
        result.depfile_inputs = stamp->inputs.size();
        if (run.hash) result.sha256 = sha256_file_hex(step.output);
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return result;
      }
    }
    int64_t build_started_ns = file_clock_now_ns();

    // go build writes a temporary sibling; only a verified binary replaces the output.
    built = temporary_sibling(step.output);
    RemoveOnSignal remove_built_on_signal(built);  // Ctrl-C: no .NAME.tmp-* left behind
    std::vector<std::string> argv = step.build_argv;
    argv[step.output_arg] = built.string();
    ProcessResult build = runner.run(go_spec(plan, step, argv));
    result.go_messages = combined_output(build);
    if (!build.ok())
      throw StepFailure{fmt::format("go build failed (exit {})", build.exit_code),
                        result.go_messages};
    std::error_code exists_ec;
    if (!fs::exists(built, exists_ec)) {
      if (auto why = not_a_main_package(runner, plan, step)) throw StepFailure{*why, {}};
      throw StepFailure{"go build wrote no executable", result.go_messages};
    }
    std::string contents = read_file(built);
    try {
      verify(runner, plan, step, built, contents);
    } catch (const StepFailure&) {
      if (auto why = not_a_main_package(runner, plan, step)) throw StepFailure{*why, {}};
      throw;
    }

    std::vector<std::string> inputs;
    if (!step.depfile.empty()) inputs = depfile_inputs(runner, plan, step, run.go_work());

    result.size = contents.size();
    if (run.hash) result.sha256 = sha256_hex(contents);
    rename_into_place(built, step.output);
    built.clear();
    if (!step.depfile.empty()) {
      // After the binary: an interruption in between leaves an older depfile, which at worst
      // lists inputs that no longer matter.
      write_depfile(step.depfile, step.output.string(), inputs);
      result.depfile_inputs = inputs.size();
      // Last: a stamp is only ever written for an output and depfile that are in place.
      GoBuildStamp stamp;
      stamp.key = key;
      stamp.started_ns = build_started_ns;
      auto output = run.files->stat(step.output);
      stamp.output_mtime_ns = output ? output->mtime_ns : 0;
      stamp.output_size = result.size;
      stamp.inputs = std::move(inputs);
      write_go_build_stamp(stamp_path, stamp);
    }
    result.ok = true;
  } catch (const StepFailure& failure) {
    result.error = failure.message;
    if (!failure.go_messages.empty()) result.go_messages = failure.go_messages;
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  if (!built.empty()) {
    std::error_code ec;
    fs::remove(built, ec);
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
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
  RunContext run;
  std::once_flag go_work_queried;
  std::string go_work;
  run.go_work = [&]() -> const std::string& {
    std::call_once(go_work_queried, [&] {
      go_work = plan.toolchain.go_work ? *plan.toolchain.go_work : query_go_work(runner, plan);
    });
    return go_work;
  };
  run.caller_env = go_relevant_environment();
  run.hash = options.hash;
  run.force = options.force;
  SystemFileStatter system_files;
  run.files = options.files ? options.files : &system_files;

  // One run per output folder: two at once could leave a mix of both runs' binaries.
  std::optional<DirectoryLock> output_lock;
  if (!plan.steps.empty())
    output_lock.emplace(plan.steps.front().output.parent_path().parent_path(), "--output-dir",
                        options.on_wait);
  std::vector<GoBuildResult> results(plan.steps.size());
  std::mutex report;
  size_t finished = 0;
  run_in_parallel(plan.steps.size(), options.jobs, [&](size_t i) {
    results[i] = run_step(runner, plan, plan.steps[i], run);
    std::lock_guard lock(report);
    ++finished;
    if (options.on_finished) options.on_finished(results[i], finished, plan.steps.size());
  });
  return results;
}

}  // namespace multiarch
