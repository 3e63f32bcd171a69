#pragma once
// Shell completion for bash and zsh, generated from the commands' own option tables: every
// command's (and action's) --help, which cxxopts prints from the table the command parses
// with, so a new option completes the day it is added.
#include <map>
#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace multiarch::cli {

/// What one command line context offers ("go-build", "image assemble", "" for the top).
struct CompletionContext {
  std::vector<std::string> options;        ///< "--package", "-h", ...
  std::vector<std::string> value_options;  ///< those that take a value in the next word
  std::vector<std::string> actions;        ///< "assemble", "load"... for commands with actions
};

struct CompletionSpec {
  std::vector<std::string> commands;
  std::map<std::string, CompletionContext> contexts;
  std::vector<std::string> platforms;  ///< known platforms and presets, for --platform/SPEC
};

/// The options of one cxxopts help text: lines "  -h, --help ..." or "      --name arg ...";
/// "arg" after the name marks a value option ("[=arg(=...)]", an implicit value, does not).
CompletionContext parse_help_options(const std::string& help);

/// How the shells complete the value of a value option, by its name: "platform" (specs and
/// presets, comma lists), "dir", "words:<w>..." (fixed words: --format, --compression, and
/// `-` for --creds), else "file" (file names: what bash and zsh offer where no completion is
/// defined, so no value option offers nothing).
std::string completion_value_kind(const std::string& option);

/// The actions a command's usage lists: lines "  multiarch <command> <action> ...".
std::vector<std::string> parse_help_actions(const std::string& help, const std::string& command);

/// Runs `<command> --help` (and `<command> <action> --help`) of every command in-process.
CompletionSpec completion_spec(CliContext& context);

/// The scripts: `complete -F _multiarch multiarch` for bash (plain bash, no bash-completion
/// helpers needed), `#compdef multiarch` for zsh.
std::string render_bash_completion(const CompletionSpec& spec);
std::string render_zsh_completion(const CompletionSpec& spec);

}  // namespace multiarch::cli
