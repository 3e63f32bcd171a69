// `multiarch doctor`: what this machine can build and run, each problem with its fix.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/commands.hpp"
#include "cli/dockerfile_options.hpp"
#include "cli/doctor_render.hpp"
#include "cli/options.hpp"
#include "cli/registry_options.hpp"
#include "doctor/doctor.hpp"
#include "doctor/registry_check.hpp"
#include "oci/image_reference.hpp"
#include "util/error.hpp"

namespace multiarch::cli {

namespace {

cxxopts::Options doctor_options() {
  cxxopts::Options options(
      "multiarch doctor",
      "Reports Go (version, platforms it builds), docker (client, engine, containerd image\n"
      "store), buildx (version, builders, drivers, platforms), which foreign architectures the\n"
      "kernel runs (binfmt_misc/QEMU, also inside containers) and skopeo; each problem comes\n"
      "with the command that fixes it, and per platform whether it builds, runs and can be\n"
      "tested here (`image test`: on which minimum CPU model). Exit 1 when a requested\n"
      "--platform cannot be built (or, with --runnable, cannot run here).\n");
  options.add_options()("platform",
                        "platform SPEC, comma list or preset (repeatable; default: common, "
                        "the CMake module's default platforms)",
                        cxxopts::value<std::string>())(
      "runnable", "the requested platforms must also run on this machine")(
      "dockerfile", "a Dockerfile to build: its RUN steps need emulation for foreign platforms",
      cxxopts::value<std::string>())("builder", "buildx builder (default: the current one)",
                                     cxxopts::value<std::string>())("json",
                                                                    "machine-readable report")(
      "registry",
      "REGISTRY/REPO[:TAG]: check only that registry: reachability, TLS and "
      "credentials for a pull,push of the repository (registry options below)",
      cxxopts::value<std::string>())("go", "the go command",
                                     cxxopts::value<std::string>()->default_value("go"))(
      "docker", "the docker client", cxxopts::value<std::string>()->default_value("docker"))(
      "binfmt-root", "binfmt_misc folder",
      cxxopts::value<std::string>()->default_value("/proc/sys/fs/binfmt_misc"))("h,help",
                                                                                "this help");
  add_registry_options(options);
  return options;
}

}  // namespace

int doctor_command(CliContext& ctx, const std::vector<std::string>& args) {
  auto options = doctor_options();
  auto parsed = parse_options(options, args);
  if (parsed.count("help")) {
    fmt::print(ctx.out, "{}", options.help());
    return 0;
  }
  if (!parsed.unmatched().empty())
    throw InputError(fmt::format("unexpected argument \"{}\"; see --help", parsed.unmatched()[0]));
  if (parsed.count("registry")) {
    auto reference = parse_image_reference(parsed["registry"].as<std::string>(), "--registry");
    if (reference.domain.empty())
      throw InputError(fmt::format("--registry \"{}\": name the registry (REGISTRY/REPO)",
                                   parsed["registry"].as<std::string>()));
    auto check = check_registry(reference, registry_connection_options(parsed), ctx.runner);
    if (parsed.count("json"))
      fmt::print(ctx.out, "{}\n", registry_check_json(check).dump(2));
    else
      print_registry_check(check, ctx.out);
    return check.error.empty() ? 0 : kExitRuntime;
  }
  DoctorOptions doctor;
  // Without --platform: the platforms add_multiarch_image() builds by default, so a first
  // `multiarch doctor` already says whether their images build, run and test here.
  doctor.platforms =
      parse_platform_list(parsed.count("platform") ? all_values(parsed, "platform")
                                                   : std::vector<std::string>{"common"},
                          ctx.host);
  doctor.require_run = parsed.count("runnable") > 0;
  if (parsed.count("dockerfile")) {
    doctor.dockerfile = parsed["dockerfile"].as<std::string>();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*doctor.dockerfile, ec))
      throw InputError(fmt::format("--dockerfile {}: no such file", doctor.dockerfile->string()));
  }
  if (parsed.count("builder")) doctor.builder = parsed["builder"].as<std::string>();
  doctor.go = parsed["go"].as<std::string>();
  doctor.docker = parsed["docker"].as<std::string>();
  doctor.binfmt_root = parsed["binfmt-root"].as<std::string>();

  DoctorReport report = run_doctor(ctx.runner, ctx.host, doctor);
  if (parsed.count("json")) {
    fmt::print(ctx.out, "{}\n", doctor_json(report).dump(2));
  } else {
    print_doctor_text(report, ctx.out);
  }
  return report.ok() ? 0 : kExitRuntime;
}

}  // namespace multiarch::cli
