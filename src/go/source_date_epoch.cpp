#include "go/source_date_epoch.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "util/error.hpp"

namespace multiarch {

int64_t parse_epoch_seconds(const std::string& text, const std::string& what) {
  bool digits = !text.empty() && text.size() <= 12 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits)
    throw InputError(
        fmt::format("{} \"{}\": expected seconds since 1970 (a non-negative integer)", what, text));
  return std::stoll(text);
}

std::optional<GitCommit> last_git_commit(ProcessRunner& runner, const std::filesystem::path& dir) {
  try {
    ProcessSpec spec;
    spec.argv = {"git", "-C", dir.string(), "log", "-1", "--format=%ct %H"};
    auto result = runner.run(spec);
    if (!result.ok()) return std::nullopt;
    std::string out = result.out.substr(0, result.out.find('\n'));
    size_t space = out.find(' ');
    if (space == std::string::npos) return std::nullopt;
    GitCommit commit;
    commit.time = parse_epoch_seconds(out.substr(0, space), "git commit time");
    commit.hash = out.substr(space + 1);
    return commit;
  } catch (const std::exception&) {
    // git missing or the folder unreadable: like a folder without git
    return std::nullopt;
  }
}

SourceDateEpoch resolve_source_date_epoch(ProcessRunner& runner, const EpochInputs& inputs) {
  SourceDateEpoch epoch;
  if (inputs.flag) {
    epoch.seconds = parse_epoch_seconds(*inputs.flag, "--source-date-epoch");
    epoch.source = "--source-date-epoch";
    return epoch;
  }
  if (inputs.environment && !inputs.environment->empty()) {
    epoch.seconds = parse_epoch_seconds(*inputs.environment, "SOURCE_DATE_EPOCH");
    epoch.source = "SOURCE_DATE_EPOCH";
    return epoch;
  }
  if (!inputs.module_dir.empty()) {
    epoch.asked_git = true;
    epoch.commit = last_git_commit(runner, inputs.module_dir);
    if (epoch.commit) {
      epoch.seconds = epoch.commit->time;
      epoch.source = "last commit in " + inputs.module_dir.string();
      return epoch;
    }
  }
  epoch.seconds = 0;
  epoch.source = "default (no SOURCE_DATE_EPOCH, no git history)";
  return epoch;
}

std::optional<std::string> source_date_epoch_from_environment() {
  const char* value = std::getenv("SOURCE_DATE_EPOCH");
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

}  // namespace multiarch
