#include "cli/completion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "platform/platform.hpp"

namespace multiarch::cli {
namespace {

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

std::string join_with_spaces(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

}  // namespace

std::string completion_value_kind(const std::string& option) {
  static const std::set<std::string> dirs = {"--module-dir", "--output-dir", "--binaries-dir",
                                             "--layout",     "--output",     "--output-layout",
                                             "--bin-dir",    "--base"};
  if (option == "--platform") return "platform";
  if (dirs.count(option)) return "dir";
  if (option.size() > 4 && option.compare(option.size() - 4, 4, "-dir") == 0) return "dir";
  if (option == "--format") return "words:json text";
  if (option == "--compression") return "words:gzip zstd none";
  if (option == "--creds") return "words:-";  // only `-`: USER:PASSWORD from stdin
  return "file";
}

namespace {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The `_multiarch_spec KEY` function both shells share: sets opts, vopts and actions.
std::string spec_function(const CompletionSpec& spec) {
  std::string out =
      "# Sets opts, vopts (options taking a value) and actions for a context: \"\" (the top),\n"
      "# a command (\"go-build\") or a command and its action (\"image assemble\").\n"
      "_multiarch_spec() {\n  opts= vopts= actions=\n  case \"$1\" in\n";
  for (const auto& [key, context] : spec.contexts)
    out += fmt::format("    {}) opts={} vopts={} actions={} ;;\n", shell_quote(key),
                       shell_quote(join_with_spaces(context.options)),
                       shell_quote(join_with_spaces(context.value_options)),
                       shell_quote(join_with_spaces(context.actions)));
  out += "  esac\n}\n";
  return out;
}

// The scan both shells share: cmd and action from the words before the cursor, skipping the
// values of value options. `$1` is the first word index after the program, `$2` the cursor.
std::string scan_loop(const char* words, const char* first, const char* cursor) {
  return fmt::format(
      "  local cmd= action= skip= w i opts vopts actions\n"
      "  for ((i = {1}; i < {2}; i++)); do\n"
      "    w=${{{0}[i]}}\n"
      "    if [[ -n $skip ]]; then skip=; continue; fi\n"
      "    if [[ $w == = ]]; then skip=1; continue; fi\n"
      "    case $w in\n"
      "      --*=*) ;;\n"
      "      -*) _multiarch_spec \"$cmd${{action:+ $action}}\"\n"
      "          [[ \" $vopts \" == *\" $w \"* && ${{{0}[i+1]}} != = ]] && skip=1 ;;\n"
      "      *) if [[ -z $cmd ]]; then cmd=$w\n"
      "         elif [[ -z $action ]]; then _multiarch_spec \"$cmd\"; [[ -n $actions ]] && "
      "action=$w; fi ;;\n"
      "    esac\n"
      "  done\n",
      words, first, cursor);
}

std::string value_cases(const CompletionSpec& spec, bool zsh) {
  std::set<std::string> seen;
  std::map<std::string, std::vector<std::string>> by_kind;
  for (const auto& [key, context] : spec.contexts)
    for (const auto& option : context.value_options)
      if (seen.insert(option).second && completion_value_kind(option) != "file")
        by_kind[completion_value_kind(option)].push_back(option);
  std::string out;
  for (const auto& [kind, options] : by_kind) {
    std::string pattern;
    for (const auto& o : options) pattern += (pattern.empty() ? "" : "|") + o;
    std::string action;
    if (kind == "platform")
      action = zsh ? "compset -P '*,'; compadd -- ${=_multiarch_platforms}"
                   : "local prefix=; [[ $2 == *,* ]] && prefix=${2%,*},\n"
                     "      COMPREPLY=($(compgen -P \"$prefix\" -W \"$_multiarch_platforms\" -- "
                     "\"${2##*,}\"))";
    else if (kind == "dir")
      action = zsh ? "_files -/" : "COMPREPLY=($(compgen -d -- \"$2\"))";
    else
      action =
          zsh ? fmt::format("compadd -- {}", kind.substr(6))
              : fmt::format("COMPREPLY=($(compgen -W {} -- \"$2\"))", shell_quote(kind.substr(6)));
    out += fmt::format("    {})\n      {} ;;\n", pattern, action);
  }
  // Every other value option (files, and free text such as --tag) completes file names, what
  // the shells offer where no completion is defined.
  out += zsh ? "    *) _files ;;\n" : "    *) COMPREPLY=($(compgen -f -- \"$2\")) ;;\n";
  return out;
}

}  // namespace

CompletionContext parse_help_options(const std::string& help) {
  CompletionContext context;
  std::istringstream in(help);
  for (std::string line; std::getline(in, line);) {
    auto words = words_of(line);
    if (words.empty() || line.rfind("  ", 0) != 0 || words[0].rfind("-", 0) != 0) continue;
    size_t at = 0;
    if (words[0].size() == 3 && words[0][0] == '-' && words[0][2] == ',') {  // "-h,"
      add_unique(context.options, words[0].substr(0, 2));
      at = 1;
    }
    if (at >= words.size() || words[at].rfind("--", 0) != 0) continue;
    std::string name = words[at];
    add_unique(context.options, name);
    if (at + 1 < words.size() && words[at + 1] == "arg") add_unique(context.value_options, name);
  }
  return context;
}

std::vector<std::string> parse_help_actions(const std::string& help, const std::string& command) {
  std::vector<std::string> actions;
  std::istringstream in(help);
  for (std::string line; std::getline(in, line);) {
    auto words = words_of(line);
    if (words.size() >= 3 && words[0] == "multiarch" && words[1] == command && !words[2].empty() &&
        words[2][0] >= 'a' && words[2][0] <= 'z')
      add_unique(actions, words[2]);
  }
  return actions;
}

CompletionSpec completion_spec(CliContext& context) {
  CompletionSpec spec;
  auto help_of = [&](std::vector<std::string> args) {
    std::ostringstream out, err;
    CliContext quiet{context.runner, context.host, out, err};
    args.push_back("--help");
    run_cli(quiet, args);
    return out.str() + err.str();
  };
  spec.contexts[""].options = {"--help", "-h", "--version"};
  for (const auto& command : cli_commands()) {
    spec.commands.push_back(command.name);
    std::string help = help_of({command.name});
    auto actions = parse_help_actions(help, command.name);
    CompletionContext top = parse_help_options(help);
    if (actions.empty()) {
      spec.contexts[command.name] = top;
      continue;
    }
    top.actions = actions;
    if (top.options.empty()) top.options = {"--help", "-h"};
    spec.contexts[command.name] = top;
    for (const auto& action : actions)
      spec.contexts[command.name + " " + action] =
          parse_help_options(help_of({command.name, action}));
  }
  spec.commands.push_back("help");
  for (const auto& preset : platform_presets()) spec.platforms.push_back(preset.name);
  for (const auto& platform : known_platforms()) spec.platforms.push_back(platform);
  return spec;
}

std::string render_bash_completion(const CompletionSpec& spec) {
  return fmt::format(
      "# bash completion for multiarch: `multiarch completion bash` wrote it from the commands'\n"
      "# --help option tables. Installed as /usr/share/bash-completion/completions/multiarch,\n"
      "# or: source <(multiarch completion bash)\n"
      "_multiarch_commands={}\n"
      "_multiarch_platforms={}\n"
      "{}"
      "# Completes the value of option $1 for the current word $2.\n"
      "_multiarch_values() {{\n  case \"$1\" in\n{}  esac\n}}\n"
      "_multiarch() {{\n"
      "{}"
      "  local cur=${{COMP_WORDS[COMP_CWORD]}} opt=\n"
      "  if [[ $cur == = ]]; then\n"
      "    opt=${{COMP_WORDS[COMP_CWORD-1]}} cur=\n"
      "  elif ((COMP_CWORD >= 2)) && [[ ${{COMP_WORDS[COMP_CWORD-1]}} == = ]]; then\n"
      "    opt=${{COMP_WORDS[COMP_CWORD-2]}}\n"
      "  elif ((COMP_CWORD >= 1)); then\n"
      "    _multiarch_spec \"$cmd${{action:+ $action}}\"\n"
      "    local prev=${{COMP_WORDS[COMP_CWORD-1]}}\n"
      "    [[ $prev == -* && \" $vopts \" == *\" $prev \"* ]] && opt=$prev\n"
      "  fi\n"
      "  _multiarch_spec \"$cmd${{action:+ $action}}\"\n"
      "  if [[ -n $opt ]]; then _multiarch_values \"$opt\" \"$cur\"; return 0; fi\n"
      "  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); return 0; fi\n"
      "  if [[ -z $cmd || $cmd == help ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$_multiarch_commands\" -- \"$cur\")); return 0\n"
      "  fi\n"
      "  if [[ -n $actions && -z $action ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$actions\" -- \"$cur\")); return 0\n"
      "  fi\n"
      "  case \"$cmd $action\" in\n"
      "    'platform normalize' | 'platform show' | 'platform env') _multiarch_values --platform "
      "\"$cur\" ;;\n"
      "    *) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
      "  esac\n"
      "}}\n"
      "complete -F _multiarch multiarch\n",
      shell_quote(join_with_spaces(spec.commands)), shell_quote(join_with_spaces(spec.platforms)),
      spec_function(spec), value_cases(spec, false), scan_loop("COMP_WORDS", "1", "COMP_CWORD"));
}

std::string render_zsh_completion(const CompletionSpec& spec) {
  return fmt::format(
      "#compdef multiarch\n"
      "# zsh completion for multiarch: `multiarch completion zsh` wrote it from the commands'\n"
      "# --help option tables. Installed as /usr/share/zsh/vendor-completions/_multiarch (any\n"
      "# folder on $fpath works).\n"
      "_multiarch_commands={}\n"
      "_multiarch_platforms={}\n"
      "{}"
      "_multiarch_values() {{\n  case \"$1\" in\n{}  esac\n}}\n"
      "_multiarch() {{\n"
      "{}"
      "  local cur=${{words[CURRENT]}} prev=${{words[CURRENT-1]}} opt=\n"
      "  _multiarch_spec \"$cmd${{action:+ $action}}\"\n"
      "  if [[ $cur == --*=* ]]; then\n"
      "    opt=${{cur%%=*}}; compset -P '*='\n"
      "  elif [[ $prev == -* && \" $vopts \" == *\" $prev \"* ]]; then\n"
      "    opt=$prev\n"
      "  fi\n"
      "  if [[ -n $opt ]]; then _multiarch_values \"$opt\"; return; fi\n"
      "  if [[ $cur == -* ]]; then compadd -- ${{=opts}}; return; fi\n"
      "  if [[ -z $cmd || $cmd == help ]]; then compadd -- ${{=_multiarch_commands}}; return; fi\n"
      "  if [[ -n $actions && -z $action ]]; then compadd -- ${{=actions}}; return; fi\n"
      "  case \"$cmd $action\" in\n"
      "    'platform normalize' | 'platform show' | 'platform env') _multiarch_values --platform "
      ";;\n"
      "    *) _files ;;\n"
      "  esac\n"
      "}}\n"
      "_multiarch \"$@\"\n",
      shell_quote(join_with_spaces(spec.commands)), shell_quote(join_with_spaces(spec.platforms)),
      spec_function(spec), value_cases(spec, true), scan_loop("words", "2", "CURRENT"));
}

}  // namespace multiarch::cli
