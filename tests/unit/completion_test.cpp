// Shell completion generated from the commands' --help option tables.
#include "cli/completion.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace multiarch::cli {
namespace {

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

TEST(Completion, ParsesCxxoptsHelpLines) {
  auto context = parse_help_options(
      "Usage:\n  multiarch go-build [OPTION...]\n\n"
      "      --package arg        Go package to build\n"
      "      --trimpath           build with -trimpath\n"
      "      --provenance [=arg(=true)]\n"
      "  -q, --quiet              no progress lines\n"
      "  -h, --help               this help\n"
      "  not an option line --x arg\n");
  EXPECT_EQ(context.options, (std::vector<std::string>{"--package", "--trimpath", "--provenance",
                                                       "-q", "--quiet", "-h", "--help"}));
  EXPECT_EQ(context.value_options, std::vector<std::string>{"--package"});
  EXPECT_EQ(parse_help_actions("Usage:\n  multiarch image assemble (--x)\n  multiarch image load "
                               "--layout DIR\n      write ...\n  multiarch image load again\n",
                               "image"),
            (std::vector<std::string>{"assemble", "load"}));
}

TEST(Completion, SpecComesFromEveryCommandsOwnHelp) {
  struct NoRunner : ProcessRunner {
    ProcessResult run(const ProcessSpec&) override {
      ADD_FAILURE() << "--help ran a process";
      return {};
    }
  } runner;
  std::ostringstream out, err;
  CliContext context{runner, Platform{"linux", "amd64", ""}, out, err};
  CompletionSpec spec = completion_spec(context);
  for (const char* command : {"platform", "go-build", "image", "buildx", "init", "completion"})
    EXPECT_TRUE(has(spec.commands, command)) << command;
  EXPECT_TRUE(has(spec.contexts["go-build"].value_options, "--platform"));
  EXPECT_TRUE(has(spec.contexts["go-build"].options, "--dry-run"));
  EXPECT_TRUE(has(spec.contexts["image"].actions, "assemble"));
  for (const char* action : {"sbom", "provenance", "verify"})
    EXPECT_TRUE(has(spec.contexts["image"].actions, action)) << action;
  EXPECT_TRUE(has(spec.contexts["image sbom"].value_options, "--format"));
  EXPECT_TRUE(has(spec.contexts["image assemble"].value_options, "--binaries-dir"));
  EXPECT_TRUE(has(spec.contexts["platform"].actions, "normalize"));
  EXPECT_TRUE(has(spec.contexts["init"].options, "--makefile"));
  EXPECT_TRUE(has(spec.contexts["completion"].actions, "bash"));
  EXPECT_TRUE(has(spec.platforms, "all-arm"));
  EXPECT_TRUE(has(spec.platforms, "linux/arm/v7"));
  std::string bash = render_bash_completion(spec);
  EXPECT_NE(bash.find("complete -F _multiarch multiarch"), std::string::npos);
  EXPECT_NE(render_zsh_completion(spec).find("#compdef multiarch"), std::string::npos);
}

// Issue 16's trial: nothing completed after --creds. Every value option now offers something:
// its words, platforms, folders, or file names.
TEST(Completion, EveryValueOptionOffersSomething) {
  EXPECT_EQ(completion_value_kind("--creds"), "words:-");
  EXPECT_EQ(completion_value_kind("--creds-file"), "file");
  EXPECT_EQ(completion_value_kind("--ca-file"), "file");
  EXPECT_EQ(completion_value_kind("--tag"), "file");
  EXPECT_EQ(completion_value_kind("--module-dir"), "dir");
  EXPECT_EQ(completion_value_kind("--cache-dir"), "dir");
  EXPECT_EQ(completion_value_kind("--platform"), "platform");

  struct NoRunner : ProcessRunner {
    ProcessResult run(const ProcessSpec&) override { return {}; }
  } runner;
  std::ostringstream out, err;
  CliContext context{runner, Platform{"linux", "amd64", ""}, out, err};
  CompletionSpec spec = completion_spec(context);
  bool creds = false;
  for (const auto& [key, c] : spec.contexts) {
    creds = creds || has(c.value_options, "--creds");
    for (const auto& option : c.value_options)
      EXPECT_FALSE(completion_value_kind(option).empty()) << key << " " << option;
  }
  EXPECT_TRUE(creds) << "no command takes --creds any more";
  std::string bash = render_bash_completion(spec);
  std::string zsh = render_zsh_completion(spec);
  EXPECT_NE(bash.find("    --creds)\n      COMPREPLY=($(compgen -W '-' -- \"$2\")) ;;"),
            std::string::npos)
      << bash;
  EXPECT_NE(zsh.find("    --creds)\n      compadd -- - ;;"), std::string::npos) << zsh;
  // The other value options (--creds-file, --tag...) fall through to file names.
  EXPECT_NE(bash.find("    *) COMPREPLY=($(compgen -f -- \"$2\")) ;;\n  esac"), std::string::npos);
  EXPECT_NE(zsh.find("    *) _files ;;\n  esac"), std::string::npos);
}

}  // namespace
}  // namespace multiarch::cli
