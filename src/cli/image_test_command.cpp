// `multiarch image test`: options, one call to test_layout_image(), one line per platform.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/image_cli.hpp"
#include "publish/image_test.hpp"
#include "util/error.hpp"

namespace multiarch::cli {

namespace {

constexpr const char* kHelp =
    "Each platform's image runs from its own layers (unpacked into a temporary folder) in an\n"
    "unprivileged bubblewrap sandbox, under qemu-ARCH-static on the platform's minimum CPU\n"
    "model (arm/v6 on an ARM1176, amd64 on an Opteron G1, ...; this machine's own platform\n"
    "too), so a binary built for a higher level fails as it would on the device.\n"
    "ARGS after -- replace the image's Cmd. Exit 0 when every platform passes, 1 when one\n"
    "fails, 2 for bad input. See docs/test.md for the CPU table and what failures mean.\n";

int parse_int(const std::string& text, const char* option) {
  try {
    size_t used = 0;
    int value = std::stoi(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw InputError(fmt::format("--{} \"{}\": expected a whole number", option, text));
}

}  // namespace

int image_test(CliContext& ctx, const std::vector<std::string>& all_args) {
  auto dashes = std::find(all_args.begin(), all_args.end(), "--");
  std::vector<std::string> args(all_args.begin(), dashes);
  ImageTestOptions options;
  if (dashes != all_args.end()) options.args.assign(dashes + 1, all_args.end());

  cxxopts::Options parser("multiarch image test",
                          "Run every platform's image on its minimum CPU and check it.");
  parser.add_options()("layout", "the OCI layout folder", cxxopts::value<std::string>())(
      "ref", "which image of the layout (its tag; default: the only one)",
      cxxopts::value<std::string>())(
      "platform", "test only these platforms (repeatable, comma lists; default: every one)",
      cxxopts::value<std::string>())("expect-exit", "the exit status expected (default 0)",
                                     cxxopts::value<std::string>())(
      "expect-output", "an ECMAScript regular expression the output must contain",
      cxxopts::value<std::string>())(
      "http-get", "a server: GET this path on 127.0.0.1:--port once it listens, expect 2xx",
      cxxopts::value<std::string>())("port", "the port the service listens on",
                                     cxxopts::value<std::string>())(
      "expect-status", "the HTTP status expected instead of any 2xx",
      cxxopts::value<std::string>())(
      "timeout", "seconds per platform, until exit or until the probe answers (default 300)",
      cxxopts::value<std::string>())("json", "machine-readable result")(
      "docker", "run through `docker run --platform` (binfmt QEMU, no CPU model) instead")(
      "dry-run", "print the platforms, CPU models and runners; run nothing");
  bool help = false;
  auto parsed = parse_action(parser, args, ctx, kHelp, help);
  if (help) return 0;
  if (!parsed.count("layout")) throw InputError("--layout DIR is required");
  if (parsed.count("expect-exit"))
    options.expect_exit = parse_int(parsed["expect-exit"].as<std::string>(), "expect-exit");
  options.expect_output = value_or(parsed, "expect-output");
  options.http_path = value_or(parsed, "http-get");
  if (parsed.count("port")) options.port = parse_int(parsed["port"].as<std::string>(), "port");
  if (parsed.count("expect-status"))
    options.expect_status = parse_int(parsed["expect-status"].as<std::string>(), "expect-status");
  if (parsed.count("port") && options.http_path.empty())
    throw InputError("--port is for the HTTP probe: add --http-get PATH");
  if (parsed.count("timeout")) {
    options.timeout_seconds = parse_int(parsed["timeout"].as<std::string>(), "timeout");
  }
  options.docker = parsed.count("docker") > 0;
  if (!OciLayout::is_layout(parsed["layout"].as<std::string>()))
    throw InputError(fmt::format("--layout \"{}\": not an OCI image layout (no oci-layout file)",
                                 parsed["layout"].as<std::string>()));
  OciLayout layout(parsed["layout"].as<std::string>());
  LayoutImage image = select_layout_image(layout, value_or(parsed, "ref"));
  std::vector<Platform> platforms;
  if (auto specs = all_values(parsed, "platform"); !specs.empty())
    platforms = parse_platform_list(specs, ctx.host);

  if (parsed.count("dry-run")) {
    for (const auto& m : image.manifests) {
      if (!m.platform) continue;
      const auto& p = *m.platform;
      Platform platform =
          parse_platform(p.variant.empty() ? p.os + "/" + p.architecture
                                           : p.os + "/" + p.architecture + "/" + p.variant,
                         ctx.host);
      if (!platforms.empty() &&
          std::find(platforms.begin(), platforms.end(), platform) == platforms.end())
        continue;
      std::string why_not;
      auto runner = test_runner_for(platform, ctx.host, why_not);
      if (runner)
        fmt::print(ctx.out, "{:<16} cpu {:<12} {}\n", platform.str(), runner->cpu_model,
                   runner->qemu.empty() ? "bwrap (native)" : "bwrap + " + runner->qemu);
      else
        fmt::print(ctx.out, "{:<16} cannot be tested here: {}\n", platform.str(), why_not);
    }
    return 0;
  }

  ImageTestReport report = test_layout_image(layout, image, platforms, options, ctx.host);
  if (parsed.count("json")) {
    nlohmann::ordered_json j;
    j["index_digest"] = report.index_digest;
    j["passed"] = report.passed();
    j["platforms"] = nlohmann::ordered_json::array();
    for (const auto& p : report.platforms) {
      nlohmann::ordered_json e;
      e["platform"] = p.platform;
      e["manifest_digest"] = p.manifest_digest;
      e["passed"] = p.passed;
      e["ran"] = p.ran;
      e["seconds"] = p.seconds;
      e["cpu_model"] = p.cpu_model;
      e["runner"] = p.runner;
      e["check"] = p.check;
      e["exit_code"] = p.exit_code ? nlohmann::ordered_json(*p.exit_code) : nullptr;
      e["cause"] = p.cause;
      e["output_tail"] = p.output_tail;
      j["platforms"].push_back(e);
    }
    fmt::print(ctx.out, "{}\n", j.dump(2));
  } else {
    for (const auto& p : report.platforms) {
      fmt::print(ctx.out, "{} {:<16} {:>6.1f} s  cpu {:<12} {}\n", p.passed ? "PASS" : "FAIL",
                 p.platform, p.seconds, p.cpu_model.empty() ? "-" : p.cpu_model, p.check);
      if (p.passed) continue;
      fmt::print(ctx.out, "     cause: {}\n", p.cause);
      for (const auto& line : p.output_tail) fmt::print(ctx.out, "     | {}\n", line);
    }
    fmt::print(ctx.out, "{} of {} platforms passed (index {})\n",
               std::count_if(report.platforms.begin(), report.platforms.end(),
                             [](const auto& p) { return p.passed; }),
               report.platforms.size(), report.index_digest);
  }
  return report.passed() ? 0 : kExitRuntime;
}

}  // namespace multiarch::cli
