#pragma once
// A ProcessRunner for unit tests that answers by argv prefix and records every call.
#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "util/error.hpp"
#include "util/process.hpp"

namespace multiarch::test {

/// Answers each call with the rule whose argv prefix matches it, the longest prefix first;
/// an unmatched call exits 127 ("unexpected"), so a test sees commands it did not plan for.
class ScriptedRunner : public ProcessRunner {
 public:
  using Action = std::function<ProcessResult(const ProcessSpec&)>;

  void on(std::vector<std::string> prefix, ProcessResult result) {
    on(std::move(prefix), [result](const ProcessSpec&) { return result; });
  }
  void on(std::vector<std::string> prefix, Action action) {
    rules_.push_back({std::move(prefix), std::move(action)});
  }
  /// Calls of `program` throw as a missing executable does.
  void missing(std::string program) { missing_.push_back(std::move(program)); }

  ProcessResult run(const ProcessSpec& spec) override {
    calls.push_back(spec);
    if (std::find(missing_.begin(), missing_.end(), spec.argv.at(0)) != missing_.end())
      throw RuntimeError("cannot run " + spec.argv[0] + ": not found");
    const Rule* best = nullptr;
    for (const auto& rule : rules_) {
      if (rule.prefix.size() > spec.argv.size()) continue;
      if (!std::equal(rule.prefix.begin(), rule.prefix.end(), spec.argv.begin())) continue;
      if (!best || rule.prefix.size() >= best->prefix.size()) best = &rule;
    }
    if (!best) return ProcessResult{127, "", "unexpected: " + display_command(spec.argv), {}};
    return best->action(spec);
  }

  /// The calls whose argv starts with `prefix`.
  std::vector<ProcessSpec> calls_to(const std::vector<std::string>& prefix) const {
    std::vector<ProcessSpec> matching;
    for (const auto& call : calls)
      if (call.argv.size() >= prefix.size() &&
          std::equal(prefix.begin(), prefix.end(), call.argv.begin()))
        matching.push_back(call);
    return matching;
  }

  std::vector<ProcessSpec> calls;

 private:
  struct Rule {
    std::vector<std::string> prefix;
    Action action;
  };
  std::vector<Rule> rules_;
  std::vector<std::string> missing_;
};

inline ProcessResult ok(std::string out = {}) { return ProcessResult{0, std::move(out), "", {}}; }
inline ProcessResult failed(std::string err, int code = 1) {
  return ProcessResult{code, "", std::move(err), {}};
}

/// The value following `flag` in argv ("" when absent).
inline std::string flag_value(const ProcessSpec& spec, const std::string& flag) {
  auto it = std::find(spec.argv.begin(), spec.argv.end(), flag);
  return it == spec.argv.end() || it + 1 == spec.argv.end() ? "" : *(it + 1);
}

}  // namespace multiarch::test
