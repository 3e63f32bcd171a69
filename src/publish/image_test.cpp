#include "publish/image_test.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "oci/oci_manifest.hpp"
#include "platform/cpu_model.hpp"
#include "platform/executable_header.hpp"
#include "publish/docker_archive.hpp"
#include "publish/image_rootfs.hpp"
#include "util/background_process.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"

namespace multiarch {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool ImageTestReport::passed() const {
  for (const auto& p : platforms)
    if (!p.passed) return false;
  return !platforms.empty();
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
  runner.qemu = find_executable(name);
  if (runner.qemu.empty()) {
    why_not = fmt::format("{} is not installed (Debian package qemu-user-static)", name);
    return std::nullopt;
  }
  runner.qemu = fs::absolute(runner.qemu).string();
  runner.prefix = {runner.qemu, "-cpu", model->model};
  return runner;
}

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "multiarch-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw RuntimeError(fmt::format("cannot create a folder in {}", pattern));
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    // The image's folders may lack the owner's write bit (0555): allow removal first.
    for (auto it = fs::recursive_directory_iterator(path, ignored);
         it != fs::recursive_directory_iterator(); it.increment(ignored))
      if (it->is_directory(ignored) && !it->is_symlink(ignored))
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(path, ignored);
  }
};

std::vector<std::string> json_strings(const nlohmann::json& config, const char* key) {
  std::vector<std::string> out;
  if (config.contains(key) && config[key].is_array())
    for (const auto& v : config[key])
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string env_value(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& e : env)
    if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=')
      return e.substr(key.size() + 1);
  return {};
}

/// uid and gid for the image's User ("65532", "1000:1000", "nobody"), read from the image's
/// /etc/passwd and /etc/group for names; Docker's rules (gid 0 without an entry).
std::pair<unsigned, unsigned> resolve_user(const fs::path& root, const std::string& user,
                                           std::string& problem) {
  if (user.empty()) return {0, 0};
  std::string name = user, group;
  if (auto colon = user.find(':'); colon != std::string::npos) {
    name = user.substr(0, colon);
    group = user.substr(colon + 1);
  }
  auto numeric = [](const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
  };
  auto lookup = [&](const char* file, const std::string& wanted,
                    int field) -> std::optional<unsigned> {
    std::ifstream in(root / file);
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> parts;
      std::stringstream ss(line);
      std::string part;
      while (std::getline(ss, part, ':')) parts.push_back(part);
      if (parts.size() > static_cast<size_t>(field) + 1 && parts[0] == wanted && numeric(parts[2]))
        return static_cast<unsigned>(std::stoul(parts[static_cast<size_t>(field)]));
    }
    return std::nullopt;
  };
  unsigned uid = 0, gid = 0;
  if (numeric(name)) {
    uid = static_cast<unsigned>(std::stoul(name));
  } else if (auto found = lookup("etc/passwd", name, 2)) {
    uid = *found;
    gid = lookup("etc/passwd", name, 3).value_or(0);
  } else {
    problem = fmt::format("User \"{}\" is not in the image's /etc/passwd", name);
  }
  if (!group.empty()) {
    if (numeric(group)) {
      gid = static_cast<unsigned>(std::stoul(group));
    } else if (auto found = lookup("etc/group", group, 2)) {
      gid = *found;
    } else {
      problem = fmt::format("group \"{}\" is not in the image's /etc/group", group);
    }
  }
  return {uid, gid};
}

/// Checks done before running: the program exists, is executable, is for this platform, and
/// its ELF interpreter is in the image. "" when fine, else the cause.
std::string check_program(const fs::path& root, const std::string& program,
                          const std::vector<std::string>& env, const Platform& platform) {
  std::string path = program;
  if (program.find('/') == std::string::npos) {
    std::string search = env_value(env, "PATH");
    if (search.empty()) search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    path.clear();
    std::stringstream dirs(search);
    std::string dir;
    while (std::getline(dirs, dir, ':'))
      if (resolve_in_root(root, dir + "/" + program)) {
        path = dir + "/" + program;
        break;
      }
    if (path.empty())
      return fmt::format("missing file: \"{}\" is not on the image's PATH ({})", program, search);
  } else if (program[0] != '/') {
    path = "/" + program;  // relative to WorkingDir; checked from the root as a best effort
  }
  auto file = resolve_in_root(root, path);
  if (!file || !fs::is_regular_file(*file))
    return fmt::format("missing file: the entrypoint {} is not in the image", path);
  if ((fs::status(*file).permissions() & fs::perms::others_exec) == fs::perms::none &&
      (fs::status(*file).permissions() & fs::perms::owner_exec) == fs::perms::none)
    return fmt::format("permission denied: {} is not executable (mode {:o})", path,
                       static_cast<unsigned>(fs::status(*file).permissions()));
  std::string head;
  {
    std::ifstream in(*file, std::ios::binary);
    head.resize(1 << 20);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
  }
  if (head.rfind("#!", 0) == 0) {
    std::string line = head.substr(2, head.find('\n') - 2);
    std::string interpreter = line.substr(line.find_first_not_of(" \t"));
    interpreter = interpreter.substr(0, interpreter.find_first_of(" \t"));
    if (!resolve_in_root(root, interpreter))
      return fmt::format("missing interpreter: the script {} needs {}, which is not in the image",
                         path, interpreter);
    return {};
  }
  try {
    ExecutableHeader header = parse_executable_header(head, path);
    if (auto mismatch = executable_mismatch(header, platform))
      return fmt::format("exec format error: {} is {}", path, *mismatch);
  } catch (const InputError&) {
    return fmt::format("exec format error: {} is not an executable", path);
  }
  if (auto interpreter = elf_interpreter(head); interpreter && !resolve_in_root(root, *interpreter))
    return fmt::format(
        "missing interpreter: {} is dynamically linked and needs {} (ELF PT_INTERP), which is "
        "not in the image; build with CGO_ENABLED=0 or add a base image with that loader",
        path, *interpreter);
  return {};
}

std::vector<std::string> output_tail(const fs::path& log, size_t count) {
  std::ifstream in(log);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    // QEMU's notes about CPU features its TCG lacks are not the program's output.
    if (line.find(": warning: TCG doesn't support requested feature") != std::string::npos)
      continue;
    lines.push_back(line);
  }
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  return lines;
}

std::string read_log(const fs::path& log) {
  std::error_code ec;
  return fs::exists(log, ec) ? read_file(log) : std::string();
}

/// The likely cause of a failed run, in words, from its status and output.
std::string failure_cause(int status, const std::string& output, const Platform& platform,
                          const std::string& cpu) {
  static const std::regex amd64_level("can only be run on AMD64 processors with (v[0-9])");
  std::smatch match;
  if (std::regex_search(output, match, amd64_level))
    return fmt::format(
        "the binary needs x86-64-{} (GOAMD64={}), above what {} promises: build it with the "
        "platform's GOAMD64 (Go's start-up check on {})",
        match[1].str(), match[1].str(), platform.str(), cpu);
  if (status == 128 + 4 || output.find("Illegal instruction") != std::string::npos ||
      output.find("SIGILL") != std::string::npos)
    return fmt::format(
        "illegal instruction (SIGILL) on {}: the binary was built for a higher level than {} "
        "promises (GOARM/GOAMD64/GOARM64/GOPPC64/GORISCV64)",
        cpu, platform.str());
  if (output.find("no floating point hardware") != std::string::npos)
    return fmt::format("the CPU model {} lacks what the binary needs", cpu);
  if (output.find("xec format error") != std::string::npos)
    return "exec format error: the binary is not for this architecture";
  if (status == 128 + 11) return "segmentation fault (SIGSEGV)";
  if (status == 128 + 6) return "aborted (SIGABRT)";
  static const std::regex missing("([^\\s\"']+): no such file or directory", std::regex::icase);
  if (std::regex_search(output, match, missing))
    return fmt::format("missing file: the program could not open {}, which is not in the image",
                       match[1].str());
  return {};
}

bool port_is_free(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return free;
}

struct HttpAnswer {
  bool connected = false;
  long status = 0;
  std::string error;
};

size_t discard_body(char*, size_t size, size_t count, void*) { return size * count; }

/// One GET of http://127.0.0.1:PORT/PATH with libcurl (no proxy: the loopback only).
HttpAnswer http_get(int port, const std::string& path, long timeout_ms) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  HttpAnswer answer;
  CURL* curl = curl_easy_init();
  if (!curl) {
    answer.error = "libcurl could not start";
    return answer;
  }
  std::string url = fmt::format("http://127.0.0.1:{}{}", port, path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    answer.connected = true;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  } else {
    answer.connected = code != CURLE_COULDNT_CONNECT;
    answer.error = curl_easy_strerror(code);
  }
  curl_easy_cleanup(curl);
  return answer;
}

std::string describe_check(const ImageTestOptions& options) {
  if (!options.http_path.empty())
    return fmt::format("GET {} on port {} -> {}", options.http_path, options.port,
                       options.expect_status ? std::to_string(options.expect_status) : "2xx");
  std::string check = fmt::format("exit {}", options.expect_exit);
  if (!options.expect_output.empty())
    check += fmt::format(", output ~ /{}/", options.expect_output);
  return check;
}

/// Runs `argv` (bwrap or docker) and applies the checks; fills status, time, cause, output.
void run_and_check(const std::vector<std::string>& argv, const fs::path& log,
                   const ImageTestOptions& options, const Platform& platform,
                   PlatformTestResult& result, const std::function<void()>& after_stop) {
  auto timeout = std::chrono::milliseconds(static_cast<long>(options.timeout_seconds * 1000));
  auto start = Clock::now();
  BackgroundProcess process(argv, log);
  result.ran = true;
  std::string probe_failure;
  bool timed_out = false;
  if (!options.http_path.empty()) {
    HttpAnswer last;
    for (;;) {
      if (auto status = process.poll()) {
        result.exit_code = *status;
        probe_failure = fmt::format("the program exited with {} before answering on port {}",
                                    *status, options.port);
        break;
      }
      if (Clock::now() - start > timeout) {
        timed_out = true;
        probe_failure = fmt::format(
            "timed out after {:.0f} s waiting for HTTP on 127.0.0.1:{}{} (raise --timeout; "
            "QEMU is slow; last try: {})",
            options.timeout_seconds, options.port, options.http_path,
            last.error.empty() ? "no answer" : last.error);
        break;
      }
      last = http_get(options.port, options.http_path, 10000);
      if (last.connected && last.status > 0) {
        bool good = options.expect_status ? last.status == options.expect_status
                                          : last.status >= 200 && last.status < 300;
        if (!good)
          probe_failure =
              fmt::format("GET {} answered {}, expected {}", options.http_path, last.status,
                          options.expect_status ? std::to_string(options.expect_status) : "2xx");
        result.check = fmt::format("GET {} -> {}", options.http_path, last.status);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    int stopped = process.stop(std::chrono::milliseconds(5000));
    if (!result.exit_code) result.exit_code = stopped;
  } else {
    auto status = process.wait_for(timeout);
    if (!status) {
      timed_out = true;
      process.stop(std::chrono::milliseconds(2000));
    }
    result.exit_code = status;
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  if (after_stop) after_stop();
  std::string output = read_log(log);
  result.output_tail = output_tail(log, 15);
  if (timed_out && options.http_path.empty()) {
    result.cause = fmt::format(
        "timed out after {:.0f} s: the program did not exit (raise --timeout; QEMU is slow, or "
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
      result.cause = fmt::format("the output does not match /{}/", options.expect_output);
    }
  }
  result.passed = result.cause.empty();
}

}  // namespace

ImageTestReport test_layout_image(const OciLayout& layout, const LayoutImage& image,
                                  const std::vector<Platform>& platforms,
                                  const ImageTestOptions& options, const Platform& host) {
  if (!options.http_path.empty() && (options.port <= 0 || options.port > 65535))
    throw InputError("--http-get needs --port N (1-65535): the port the service listens on");
  if (!options.http_path.empty() && options.http_path[0] != '/')
    throw InputError(
        fmt::format("--http-get \"{}\": the path must start with /", options.http_path));
  if (options.timeout_seconds <= 0) throw InputError("--timeout: seconds must be more than 0");
  if (!options.expect_output.empty()) {
    try {
      std::regex check(options.expect_output);
    } catch (const std::regex_error& error) {
      throw InputError(fmt::format("--expect-output \"{}\": not a regular expression ({})",
                                   options.expect_output, error.what()));
    }
  }
  std::vector<Descriptor> manifests;
  if (platforms.empty()) {
    manifests = image.manifests;
  } else {
    for (const auto& platform : platforms)
      manifests.push_back(select_platform_manifest(image, platform, host));
  }
  ImageTestReport report;
  report.index_digest = image.entry.digest;
  for (const auto& manifest : manifests) {
    PlatformTestResult result;
    const auto& p = manifest.platform.value_or(DescriptorPlatform{});
    Platform platform =
        parse_platform(p.variant.empty() ? p.os + "/" + p.architecture
                                         : p.os + "/" + p.architecture + "/" + p.variant,
                       host);
    result.platform = platform.str();
    result.manifest_digest = manifest.digest;
    result.check = describe_check(options);
    TempDir temp;
    fs::path log = temp.path / "output.log";

    if (options.docker) {
      std::string tag =
          fmt::format("multiarch-test:{}-{}", platform.slug(), manifest.digest.substr(7, 12));
      ProcessSpec load;
      load.argv = {options.docker_client, "load"};
      load.stdin_data = docker_archive(layout, manifest, tag);
      SystemProcessRunner runner;
      ProcessResult loaded = runner.run(load);
      if (!loaded.ok()) throw RuntimeError(fmt::format("docker load failed: {}", loaded.err));
      std::string name = fmt::format("multiarch-test-{}-{}", ::getpid(), platform.slug());
      std::vector<std::string> argv = {options.docker_client, "run",         "--rm", "--name", name,
                                       "--platform",          platform.str()};
      if (!options.http_path.empty()) {
        argv.push_back("--network=host");
        if (!port_is_free(options.port))
          throw RuntimeError(
              fmt::format("port {} is in use on 127.0.0.1: stop what listens "
                          "there or choose the service's port with --port",
                          options.port));
      }
      argv.push_back(tag);
      argv.insert(argv.end(), options.args.begin(), options.args.end());
      result.cpu_model = "docker";
      result.runner = "docker run --platform " + platform.str();
      run_and_check(argv, log, options, platform, result, [&] {
        SystemProcessRunner cleanup;
        run_if_installed(cleanup, {options.docker_client, "rm", "-f", name});
        run_if_installed(cleanup, {options.docker_client, "rmi", tag});
      });
      report.platforms.push_back(std::move(result));
      continue;
    }

    std::string why_not;
    auto runner = test_runner_for(platform, host, why_not);
    if (!runner) {
      result.cause = "cannot be tested here: " + why_not;
      report.platforms.push_back(std::move(result));
      continue;
    }
    result.cpu_model = runner->cpu_model;
    result.runner = runner->qemu.empty() ? "bwrap (native)"
                                         : fmt::format("bwrap + {} -cpu {}",
                                                       fs::path(runner->qemu).filename().string(),
                                                       runner->cpu_model);
    ParsedManifest parsed = parse_manifest(layout.read_blob(manifest), manifest.digest);
    nlohmann::json config_file =
        nlohmann::json::parse(layout.read_blob(parsed.config), nullptr, false);
    if (config_file.is_discarded())
      throw RuntimeError(fmt::format("config {} is not JSON", parsed.config.digest));
    nlohmann::json config = config_file.value("config", nlohmann::json::object());
    fs::path root = temp.path / "rootfs";
    fs::create_directory(root);
    unpack_image_rootfs(layout, parsed, root);

    std::vector<std::string> argv = json_strings(config, "Entrypoint");
    std::vector<std::string> cmd =
        options.args.empty() ? json_strings(config, "Cmd") : options.args;
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    std::vector<std::string> env = json_strings(config, "Env");
    for (const auto& [key, value] : runner->env) {
      std::string existing = env_value(env, key);
      std::erase_if(env, [&](const std::string& e) { return e.rfind(key + "=", 0) == 0; });
      env.push_back(key + "=" + (existing.empty() ? value : existing + "," + value));
    }
    if (env_value(env, "PATH").empty())
      env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    std::string workdir = config.value("WorkingDir", "");
    if (workdir.empty()) workdir = "/";
    if (argv.empty()) {
      result.cause = "nothing to run: the image has no Entrypoint or Cmd; pass ARGS after --";
      report.platforms.push_back(std::move(result));
      continue;
    }
    std::string problem;
    auto [uid, gid] = resolve_user(root, config.value("User", ""), problem);
    if (problem.empty()) problem = check_program(root, argv[0], env, platform);
    if (!problem.empty()) {
      result.cause = problem;
      report.platforms.push_back(std::move(result));
      continue;
    }
    fs::create_directories(root / fs::path(workdir).relative_path());
    if (!options.http_path.empty() && !port_is_free(options.port))
      throw RuntimeError(fmt::format(
          "port {} is in use on 127.0.0.1: stop what listens there or test the service on "
          "another --port",
          options.port));

    // An unprivileged sandbox: new user, PID, IPC, UTS and cgroup namespaces; the network is
    // shared only for the HTTP probe (the service listens where the probe can reach it).
    std::vector<std::string> sandbox = {
        options.bwrap,   "--die-with-parent", "--unshare-user",      "--unshare-pid",
        "--unshare-ipc", "--unshare-uts",     "--unshare-cgroup-try"};
    if (options.http_path.empty()) sandbox.push_back("--unshare-net");
    for (const auto& item :
         std::vector<std::string>{"--uid", std::to_string(uid), "--gid", std::to_string(gid),
                                  "--hostname", "multiarch-test", "--bind", root.string(), "/",
                                  "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"})
      sandbox.push_back(item);
    if (!runner->qemu.empty())
      for (const auto& item :
           std::vector<std::string>{"--ro-bind", runner->qemu, "/.multiarch-qemu"})
        sandbox.push_back(item);
    sandbox.push_back("--chdir");
    sandbox.push_back(workdir);
    sandbox.push_back("--clearenv");
    for (const auto& e : env) {
      auto eq = e.find('=');
      if (eq == std::string::npos) continue;
      sandbox.push_back("--setenv");
      sandbox.push_back(e.substr(0, eq));
      sandbox.push_back(e.substr(eq + 1));
    }
    sandbox.push_back("--");
    if (!runner->qemu.empty()) {
      sandbox.push_back("/.multiarch-qemu");
      sandbox.push_back("-cpu");
      sandbox.push_back(runner->cpu_model);
    }
    sandbox.insert(sandbox.end(), argv.begin(), argv.end());
    if (find_executable(options.bwrap).empty())
      throw RuntimeError(fmt::format(
          "{} is not installed: install bubblewrap (Debian package bubblewrap), or use --docker",
          options.bwrap));
    run_and_check(sandbox, log, options, platform, result, nullptr);
    report.platforms.push_back(std::move(result));
  }
  return report;
}

}  // namespace multiarch
