// `multiarch dockerfile`: prints the Dockerfile `multiarch buildx --generate` builds.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/commands.hpp"
#include "cli/dockerfile_options.hpp"
#include "cli/options.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch::cli {

int dockerfile_command(CliContext& ctx, const std::vector<std::string>& args) {
  cxxopts::Options options(
      "multiarch dockerfile",
      "Prints the Dockerfile that `multiarch buildx --generate` builds: it packages binaries\n"
      "cross-compiled on the host (the build context holds <slug>/NAME per platform, selected\n"
      "with BuildKit's TARGET* args), never has a `# syntax=` line, and runs no program.\n");
  options.add_options()("name", "the binary's file name in each <slug>/ folder (required)",
                        cxxopts::value<std::string>())(
      "legacy-platform",
      "write the binary path out for one platform (what the legacy `docker build` needs)",
      cxxopts::value<std::string>())("output", "write to FILE instead of stdout",
                                     cxxopts::value<std::string>())("h,help", "this help");
  add_dockerfile_options(options);
  auto parsed = parse_options(options, args);
  if (parsed.count("help")) {
    fmt::print(ctx.out, "{}", options.help({"", "Image"}));
    return 0;
  }
  if (!parsed.unmatched().empty())
    throw InputError(fmt::format("unexpected argument \"{}\"; see --help", parsed.unmatched()[0]));
  if (!parsed.count("name")) throw InputError("--name NAME (the binary's file name) is required");
  DockerfileSpec spec = dockerfile_spec_from(parsed);
  spec.binary_name = parsed["name"].as<std::string>();
  if (parsed.count("legacy-platform")) {
    auto platforms = parse_platform_list({parsed["legacy-platform"].as<std::string>()}, ctx.host);
    if (platforms.size() != 1) throw InputError("--legacy-platform takes exactly one platform");
    spec.literal_platform = platforms.front();
  }
  std::string text = render_dockerfile(spec);
  if (parsed.count("output")) {
    atomic_write_file(parsed["output"].as<std::string>(), text);
  } else {
    fmt::print(ctx.out, "{}", text);
  }
  return 0;
}

}  // namespace multiarch::cli
