// `multiarch completion bash|zsh [--output FILE]`: the shell completion script, generated
// from the commands' option tables (cli/completion.hpp).
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/commands.hpp"
#include "cli/completion.hpp"
#include "cli/options.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch::cli {
namespace {

constexpr const char* kCompletionUsage =
    "Usage:\n"
    "  multiarch completion bash [--output FILE]   the bash completion script\n"
    "  multiarch completion zsh [--output FILE]    the zsh completion script (#compdef)\n"
    "\n"
    "Completes commands, actions, options, platform names and presets, and folders and files\n"
    "for the options that take them, from the same option tables as --help. The Debian\n"
    "package installs both; by hand:\n"
    "  source <(multiarch completion bash)                    # bash, this shell\n"
    "  multiarch completion zsh --output ~/.zfunc/_multiarch  # zsh, with ~/.zfunc on $fpath\n";

}  // namespace

int completion_command(CliContext& ctx, const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    fmt::print(args.empty() ? ctx.err : ctx.out, "{}", kCompletionUsage);
    return args.empty() ? kExitInput : 0;
  }
  const std::string shell = args[0];
  cxxopts::Options options("multiarch completion " + shell, "");
  options.add_options()("output", "write the script to FILE (atomically) instead of stdout",
                        cxxopts::value<std::string>())("h,help", "this help");
  auto parsed = parse_options(options, std::vector<std::string>(args.begin() + 1, args.end()));
  if (parsed.count("help")) {
    fmt::print(ctx.out, "{}\n{}", options.help(), kCompletionUsage);
    return 0;
  }
  if (shell != "bash" && shell != "zsh")
    throw InputError(fmt::format("unknown shell \"{}\": expected bash or zsh", shell));
  if (!parsed.unmatched().empty())
    throw InputError(fmt::format("unexpected argument \"{}\"; see --help", parsed.unmatched()[0]));
  CompletionSpec spec = completion_spec(ctx);
  std::string script = shell == "bash" ? render_bash_completion(spec) : render_zsh_completion(spec);
  if (parsed.count("output"))
    atomic_write_file(parsed["output"].as<std::string>(), script);
  else
    fmt::print(ctx.out, "{}", script);
  return 0;
}

}  // namespace multiarch::cli
