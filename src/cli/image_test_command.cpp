// `multiarch image test`: options -> plan_image_test() -> run_image_test() (publish/
// image_test.hpp), records for `image push --require-tested`; rendering in
// image_test_render.cpp.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

#include "cli/image_cli.hpp"
#include "cli/image_test_render.hpp"
#include "cli/options.hpp"
#include "publish/image_test.hpp"
#include "publish/test_record.hpp"
#include "util/error.hpp"

namespace multiarch::cli {
namespace {

constexpr const char* kImageTestHelp =
    "Each platform's image runs from its own layers (unpacked into a temporary folder) in an\n"
    "unprivileged bubblewrap sandbox, under qemu-ARCH-static on the platform's minimum CPU\n"
    "model (arm/v6 on an ARM1176, amd64 on an Opteron G1, ...; this machine's own platform\n"
    "too), so a binary built for a higher level fails as it would on the device.\n"
    "ARGS after -- replace the image's Cmd. Exit 0 when every platform passes, 1 when one\n"
    "fails, 2 for bad input. See docs/test.md for the CPU table and what failures mean.\n";

cxxopts::Options image_test_options() {
  cxxopts::Options options("multiarch image test",
                           "Run every platform's image on its minimum CPU and check it.");
  options.add_options()("layout", "the OCI layout folder", cxxopts::value<std::string>())(
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
      cxxopts::value<std::string>())(
      "record",
      "write DIR/<slug>.json for each platform that passed (and remove it for one "
      "that failed), for `image push --require-tested DIR`",
      cxxopts::value<std::string>())("json", "machine-readable result")(
      "docker", "run through `docker run --platform` (binfmt QEMU, no CPU model) instead")(
      "dry-run", "print the platforms, CPU models and runners; run nothing");
  return options;
}

ImageTestOptions image_test_options(const cxxopts::ParseResult& parsed,
                                    std::vector<std::string> args) {
  ImageTestOptions o;
  o.args = std::move(args);
  // Whole numbers through int_option() (cli/options.hpp), as every command reads them.
  if (parsed.count("expect-exit")) o.expect_exit = int_option(parsed, "expect-exit", 0);
  o.expect_output = value_or(parsed, "expect-output");
  o.http_path = value_or(parsed, "http-get");
  if (parsed.count("port")) o.port = int_option(parsed, "port", 1);
  if (parsed.count("expect-status")) o.expect_status = int_option(parsed, "expect-status", 100);
  if (parsed.count("timeout")) o.timeout_seconds = int_option(parsed, "timeout", 1);
  o.docker = parsed.count("docker") > 0;
  return o;
}

}  // namespace

int image_test(CliContext& ctx, const std::vector<std::string>& all_args) {
  auto dashes = std::find(all_args.begin(), all_args.end(), "--");
  std::vector<std::string> args(all_args.begin(), dashes);
  std::vector<std::string> program_args;
  if (dashes != all_args.end()) program_args.assign(dashes + 1, all_args.end());

  auto options = image_test_options();
  bool help = false;
  auto parsed = parse_action(options, args, ctx, kImageTestHelp, help);
  if (help) return 0;
  if (!parsed.count("layout")) throw InputError("--layout DIR is required");
  ImageTestOptions test = image_test_options(parsed, std::move(program_args));
  check_image_test_options(test);
  OciLayout layout(parsed["layout"].as<std::string>());
  LayoutImage image = select_layout_image(layout, value_or(parsed, "ref"));
  std::vector<Platform> platforms;
  if (auto specs = all_values(parsed, "platform"); !specs.empty())
    platforms = parse_platform_list(specs, ctx.host);
  auto plan = plan_image_test(image, platforms, test, ctx.host);
  if (parsed.count("dry-run")) {
    render_image_test_plan(ctx.out, plan, test);
    return 0;
  }
  auto http = make_curl_http_client(TlsOptions{});
  ImageTestReport report = run_image_test(layout, image, plan, test, ctx.runner, *http);
  if (parsed.count("record")) update_test_records(parsed["record"].as<std::string>(), report);
  render_image_test_report(ctx.out, report, parsed.count("json") > 0);
  return report.passed() ? 0 : kExitRuntime;
}

}  // namespace multiarch::cli
