#include "publish/image_test.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "oci/oci_manifest.hpp"
#include "platform/cpu_model.hpp"
#include "publish/docker_archive.hpp"
#include "publish/http_probe.hpp"
#include "publish/image_rootfs.hpp"
#include "publish/image_test_checks.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace multiarch {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool ImageTestReport::passed() const {
  return !platforms.empty() &&
         std::all_of(platforms.begin(), platforms.end(), [](const auto& p) { return p.passed; });
}

std::string TestRunner::describe() const {
  if (qemu.empty()) return "bwrap (native)";
  return fmt::format("bwrap + {} -cpu {}", fs::path(qemu).filename().string(), cpu_model);
}

void check_image_test_options(const ImageTestOptions& options) {
  if (!options.http_path.empty() && (options.port <= 0 || options.port > 65535))
    throw InputError("--http-get needs --port N (1-65535): the port the service listens on");
  if (options.http_path.empty() && options.port != 0)
    throw InputError("--port is for the HTTP probe: add --http-get PATH");
  if (!options.http_path.empty() && options.http_path[0] != '/')
    throw InputError(
        fmt::format("--http-get \"{}\": the path must start with /", one_line(options.http_path)));
  if (options.timeout_seconds <= 0) throw InputError("--timeout: seconds must be more than 0");
  if (!options.expect_output.empty()) {
    try {
      std::regex check(options.expect_output);
    } catch (const std::regex_error& error) {
      throw InputError(fmt::format("--expect-output \"{}\": not a regular expression ({})",
                                   one_line(options.expect_output), error.what()));
    }
  }
}

std::optional<TestRunner> test_runner_for(const Platform& platform, const Platform& host,
                                          std::string& why_not) {
  auto model = minimum_cpu_model(platform);
  if (!model) {
    why_not = fmt::format("no minimum CPU model for {} (docs/test.md lists the platforms)",
                          platform.str());
    return std::nullopt;
  }
  TestRunner runner;
  runner.cpu_model = model->model;
  runner.env = model->env;
  if (model->native) {
    if (host.os != "linux" || host.architecture != "amd64" || !host_has_x86_64_v4()) {
      why_not = fmt::format("{}: {}; this host's CPU lacks AVX-512", platform.str(), model->note);
      return std::nullopt;
    }
    return runner;
  }
  std::string name = fmt::format("qemu-{}-static", model->qemu_arch);
  std::string found = find_executable(name);
  if (found.empty()) {
    why_not = fmt::format("{} is not installed (Debian package qemu-user-static)", name);
    return std::nullopt;
  }
  runner.qemu = fs::absolute(found).string();
  return runner;
}

std::vector<PlannedPlatformTest> plan_image_test(const LayoutImage& image,
                                                 const std::vector<Platform>& platforms,
                                                 const ImageTestOptions& options,
                                                 const Platform& host) {
  std::vector<PlannedPlatformTest> plan;
  auto add = [&](const Platform& platform, const Descriptor& manifest) {
    PlannedPlatformTest planned{platform, manifest, std::nullopt, {}};
    if (!options.docker) planned.runner = test_runner_for(platform, host, planned.why_not);
    plan.push_back(std::move(planned));
  };
  if (!platforms.empty()) {
    for (const auto& platform : platforms)
      add(platform, select_platform_manifest(image, platform, host));
    return plan;
  }
  for (const auto& manifest : image.manifests) {
    if (is_attestation_manifest(manifest)) continue;  // no program in it: nothing to run
    add(parse_platform(platform_spec(manifest.platform.value_or(DescriptorPlatform{})), host),
        manifest);
  }
  if (plan.empty()) throw InputError("the image has no platform manifest to test");
  return plan;
}

namespace {

std::vector<std::string> json_strings(const nlohmann::json& config, const char* key) {
  std::vector<std::string> out;
  if (config.contains(key) && config[key].is_array())
    for (const auto& v : config[key])
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string read_output(const fs::path& log) {
  std::error_code ec;
  return fs::exists(log, ec) ? read_file(log) : std::string();
}

std::string describe_check(const ImageTestOptions& options) {
  if (!options.http_path.empty())
    return fmt::format("GET {} on port {} -> {}", one_line(options.http_path), options.port,
                       options.expect_status ? std::to_string(options.expect_status) : "2xx");
  std::string check = fmt::format("exit {}", options.expect_exit);
  if (!options.expect_output.empty())
    check += fmt::format(", output ~ /{}/", one_line(options.expect_output));
  return check;
}

/// Polls the service until the GET answers, the program exits or time runs out. "" when the
/// answer is the expected one; else why not. Sets result.check and result.exit_code.
std::string probe_http(BackgroundProcess& process, HttpClient& http,
                       const ImageTestOptions& options, Clock::time_point start,
                       PlatformTestResult& result, bool& timed_out) {
  auto timeout = std::chrono::duration<double>(options.timeout_seconds);
  HttpResponse last;
  for (;;) {
    if (auto status = process.poll()) {
      result.exit_code = *status;
      return fmt::format("the program exited with {} before answering on port {}", *status,
                         options.port);
    }
    if (Clock::now() - start > timeout) {
      timed_out = true;
      return fmt::format(
          "timed out after {:.0f} s waiting for HTTP on 127.0.0.1:{}{} (raise --timeout: QEMU "
          "is slow; last try: {})",
          options.timeout_seconds, options.port, one_line(options.http_path),
          last.error.empty() ? "no answer" : last.error);
    }
    last = probe_loopback(http, options.port, options.http_path, 10000);
    if (last.status > 0) {
      result.check = fmt::format("GET {} -> {}", one_line(options.http_path), last.status);
      bool good = options.expect_status ? last.status == options.expect_status
                                        : last.status >= 200 && last.status < 300;
      if (good) return {};
      return fmt::format("GET {} answered {}, expected {}", one_line(options.http_path),
                         last.status,
                         options.expect_status ? std::to_string(options.expect_status) : "2xx");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

/// Runs `argv` (bwrap or docker) and applies the checks; fills the result's status, time,
/// cause and output. `after_stop` cleans up once the program has ended.
void run_and_check(const std::vector<std::string>& argv, const fs::path& log, HttpClient& http,
                   const ImageTestOptions& options, const Platform& platform,
                   PlatformTestResult& result, const std::function<void()>& after_stop) {
  auto start = Clock::now();
  ProcessSpec spec;
  spec.argv = argv;
  BackgroundProcess process(spec, log);
  result.ran = true;
  std::string probe_failure;
  bool timed_out = false;
  if (!options.http_path.empty()) {
    probe_failure = probe_http(process, http, options, start, result, timed_out);
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    int stopped = process.stop(std::chrono::milliseconds(5000));
    if (!result.exit_code) result.exit_code = stopped;
  } else {
    auto limit = std::chrono::milliseconds(static_cast<long>(options.timeout_seconds * 1000));
    result.exit_code = process.wait_for(limit);
    if (!result.exit_code) {
      timed_out = true;
      process.stop(std::chrono::milliseconds(2000));
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  if (after_stop) after_stop();
  std::string output = read_output(log);
  result.output_tail = output_tail(output, 15);
  if (timed_out && options.http_path.empty()) {
    result.cause = fmt::format(
        "timed out after {:.0f} s: the program did not exit (raise --timeout: QEMU is slow; or "
        "add --http-get for a server)",
        options.timeout_seconds);
  } else if (!probe_failure.empty()) {
    std::string why = result.exit_code && !timed_out
                          ? failure_cause(*result.exit_code, output, platform, result.cpu_model)
                          : std::string();
    result.cause = why.empty() ? probe_failure : probe_failure + ": " + why;
  } else if (options.http_path.empty()) {
    int status = result.exit_code.value_or(-1);
    if (status != options.expect_exit) {
      std::string why = failure_cause(status, output, platform, result.cpu_model);
      result.cause = fmt::format("exited with {}, expected {}{}", status, options.expect_exit,
                                 why.empty() ? "" : ": " + why);
    } else if (!options.expect_output.empty() &&
               !std::regex_search(output, std::regex(options.expect_output))) {
      result.cause = fmt::format("the output does not match /{}/", one_line(options.expect_output));
    }
  }
  result.passed = result.cause.empty();
}

void require_free_port(const ImageTestOptions& options) {
  if (!options.http_path.empty() && !loopback_port_free(options.port))
    throw RuntimeError(fmt::format(
        "port {} is in use on 127.0.0.1: stop what listens there or test the service on "
        "another --port",
        options.port));
}

void test_with_docker(const OciLayout& layout, const PlannedPlatformTest& planned,
                      const ImageTestOptions& options, ProcessRunner& runner, HttpClient& http,
                      const fs::path& log, PlatformTestResult& result) {
  const Platform& platform = planned.platform;
  std::string tag =
      fmt::format("multiarch-test:{}-{}", platform.slug(), planned.manifest.digest.substr(7, 12));
  ProcessSpec load;
  load.argv = {options.docker_client, "load"};
  load.stdin_data = docker_archive(layout, planned.manifest, tag);
  ProcessResult loaded = runner.run(load);
  if (!loaded.ok())
    throw RuntimeError(fmt::format("docker load failed: {}", first_nonempty_line(loaded.err)));
  std::string name = fmt::format("multiarch-test-{}-{}", ::getpid(), platform.slug());
  std::vector<std::string> argv = {options.docker_client, "run",         "--rm", "--name", name,
                                   "--platform",          platform.str()};
  if (!options.http_path.empty()) argv.push_back("--network=host");
  require_free_port(options);
  argv.push_back(tag);
  argv.insert(argv.end(), options.args.begin(), options.args.end());
  result.cpu_model = "docker";
  result.runner = "docker run --platform " + platform.str();
  run_and_check(argv, log, http, options, platform, result, [&] {
    run_if_installed(runner, {options.docker_client, "rm", "-f", name});
    run_if_installed(runner, {options.docker_client, "rmi", tag});
  });
}

/// bwrap's argv: an unprivileged sandbox (new user, PID, IPC, UTS and cgroup namespaces; the
/// network is shared only for the HTTP probe, so the service listens where the probe reaches
/// it) with the image's root as /, and the program under QEMU on the minimum CPU.
std::vector<std::string> sandbox_argv(const ImageTestOptions& options, const TestRunner& runner,
                                      const fs::path& root, const ImageUser& user,
                                      const std::string& workdir,
                                      const std::vector<std::string>& env,
                                      const std::vector<std::string>& program) {
  std::vector<std::string> argv = {options.bwrap,         "--die-with-parent", "--unshare-user",
                                   "--unshare-pid",       "--unshare-ipc",     "--unshare-uts",
                                   "--unshare-cgroup-try"};
  if (options.http_path.empty()) argv.push_back("--unshare-net");
  argv.insert(argv.end(), {"--uid", std::to_string(user.uid), "--gid", std::to_string(user.gid),
                           "--hostname", "multiarch-test", "--bind", root.string(), "/", "--proc",
                           "/proc", "--dev", "/dev", "--tmpfs", "/tmp"});
  if (!runner.qemu.empty()) argv.insert(argv.end(), {"--ro-bind", runner.qemu, "/.multiarch-qemu"});
  argv.insert(argv.end(), {"--chdir", workdir, "--clearenv"});
  for (const auto& e : env) {
    auto eq = e.find('=');
    if (eq != std::string::npos)
      argv.insert(argv.end(), {"--setenv", e.substr(0, eq), e.substr(eq + 1)});
  }
  argv.push_back("--");
  if (!runner.qemu.empty()) argv.insert(argv.end(), {"/.multiarch-qemu", "-cpu", runner.cpu_model});
  argv.insert(argv.end(), program.begin(), program.end());
  return argv;
}

void test_in_sandbox(const OciLayout& layout, const PlannedPlatformTest& planned,
                     const ImageTestOptions& options, HttpClient& http, const fs::path& work,
                     PlatformTestResult& result) {
  const TestRunner& runner = *planned.runner;
  result.cpu_model = runner.cpu_model;
  result.runner = runner.describe();
  ParsedManifest manifest =
      parse_manifest(layout.read_blob(planned.manifest), planned.manifest.digest);
  nlohmann::json config_file =
      nlohmann::json::parse(layout.read_blob(manifest.config), nullptr, false);
  if (config_file.is_discarded() || !config_file.is_object())
    throw RuntimeError(fmt::format("config {} is not a JSON object", manifest.config.digest));
  nlohmann::json config = config_file.value("config", nlohmann::json::object());
  if (!config.is_object()) config = nlohmann::json::object();
  fs::path root = work / "rootfs";
  fs::create_directory(root);
  unpack_image_rootfs(layout, manifest, root);

  std::vector<std::string> program = json_strings(config, "Entrypoint");
  std::vector<std::string> cmd = options.args.empty() ? json_strings(config, "Cmd") : options.args;
  program.insert(program.end(), cmd.begin(), cmd.end());
  if (program.empty()) {
    result.cause = "nothing to run: the image has no Entrypoint or Cmd; pass ARGS after --";
    return;
  }
  std::vector<std::string> env = json_strings(config, "Env");
  for (const auto& variable : runner.env) {
    // Added to the image's own value (GODEBUG=a=1 becomes GODEBUG=a=1,asyncpreemptoff=1).
    std::string prefix = variable.first + "=";
    auto existing = std::find_if(env.begin(), env.end(),
                                 [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
    if (existing == env.end())
      env.push_back(prefix + variable.second);
    else if (existing->size() == prefix.size())
      *existing += variable.second;
    else
      *existing += "," + variable.second;
  }
  if (std::none_of(env.begin(), env.end(),
                   [](const std::string& e) { return e.rfind("PATH=", 0) == 0; }))
    env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  std::string workdir = config.contains("WorkingDir") && config["WorkingDir"].is_string()
                            ? config["WorkingDir"].get<std::string>()
                            : "";
  if (workdir.empty()) workdir = "/";
  std::string user_spec = config.contains("User") && config["User"].is_string()
                              ? config["User"].get<std::string>()
                              : "";
  ImageUser user = resolve_image_user(root, user_spec);
  result.cause = user.problem;
  if (result.cause.empty())
    result.cause = check_entrypoint(root, program[0], env, workdir, planned.platform);
  if (!result.cause.empty()) return;
  // Docker creates a missing WorkingDir; so does the sandbox (inside the image's root only).
  if (!make_directories_in_root(root, workdir)) {
    result.cause = fmt::format("WorkingDir {} cannot be made in the image", one_line(workdir));
    return;
  }
  require_free_port(options);
  if (find_executable(options.bwrap).empty())
    throw RuntimeError(fmt::format(
        "{} is not installed: install bubblewrap (Debian package bubblewrap), or use --docker",
        options.bwrap));
  run_and_check(sandbox_argv(options, runner, root, user, workdir, env, program),
                work / "output.log", http, options, planned.platform, result, nullptr);
}

/// One run of one platform, in its own work folder. `crash` is set to the emulator's runtime
/// crash when the run failed of one (emulator_runtime_crash()).
PlatformTestResult test_platform_once(const OciLayout& layout, const PlannedPlatformTest& planned,
                                      const ImageTestOptions& options, ProcessRunner& runner,
                                      HttpClient& http, std::string& crash) {
  PlatformTestResult result;
  result.platform = planned.platform;
  result.manifest_digest = planned.manifest.digest;
  result.check = describe_check(options);
  WorkDir work("multiarch-image-test");  // the platform's root file system and output
  if (options.docker) {
    test_with_docker(layout, planned, options, runner, http, work.path() / "output.log", result);
  } else if (!planned.runner) {
    result.cause = "cannot be tested here: " + planned.why_not;
  } else {
    test_in_sandbox(layout, planned, options, http, work.path(), result);
  }
  result.passed = result.cause.empty() && result.ran;
  crash = result.passed || !result.ran
              ? std::string()
              : emulator_runtime_crash(read_output(work.path() / "output.log"));
  return result;
}

}  // namespace

ImageTestReport run_image_test(const OciLayout& layout, const LayoutImage& image,
                               const std::vector<PlannedPlatformTest>& plan,
                               const ImageTestOptions& options, ProcessRunner& runner,
                               HttpClient& http) {
  check_image_test_options(options);
  ImageTestReport report;
  report.index_digest = image.entry.digest;
  for (const auto& planned : plan) {
    // Under QEMU a crash of Go's own runtime is the emulator's (emulator_runtime_crash()):
    // such a run is repeated, up to kEmulatorAttempts in all, and reported as retried.
    bool emulated = !options.docker && planned.runner && !planned.runner->qemu.empty();
    std::vector<std::string> retried;
    for (int attempt = 1;; ++attempt) {
      std::string crash;
      PlatformTestResult result = test_platform_once(layout, planned, options, runner, http, crash);
      if (!emulated || crash.empty() || attempt == kEmulatorAttempts) {
        result.retried = std::move(retried);
        report.platforms.push_back(std::move(result));
        break;
      }
      retried.push_back(fmt::format("attempt {}: {}", attempt, crash));
    }
  }
  return report;
}

}  // namespace multiarch
