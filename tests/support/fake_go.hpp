#pragma once
// A ProcessRunner that pretends to be go, for go-build's unit tests: `go build` writes the
// executable header of the GOARCH it is given, `go version -m` reports the environment it was
// called with, `go list` answers `list_output`. Each answer can be replaced.
#include <algorithm>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_binaries.hpp"
#include "util/process.hpp"

namespace multiarch::test {

/// The value of `key` among the variables the call sets ("" when it sets none).
inline std::string value_of(const ProcessSpec& spec, const std::string& key) {
  auto it = spec.env_overrides.find(key);
  return it == spec.env_overrides.end() ? "" : it->second;
}

/// Pretends to be go: build writes a header for the GOARCH it is given, version -m reports
/// the environment it was called with, list answers `list_output`. Each can be replaced.
class FakeGo : public ProcessRunner {
 public:
  /// `-o FILE PKG`, or `-o DIR/ PKG...`: DIR/<last element of each PKG>, as go build names
  /// main packages.
  std::function<ProcessResult(const ProcessSpec&)> build = [](const ProcessSpec& spec) {
    const auto& argv = spec.argv;
    auto o = std::find(argv.begin(), argv.end(), "-o");
    const std::string& output = *(o + 1);
    std::string elf = test::elf_for(value_of(spec, "GOARCH"));
    if (!output.ends_with("/")) {
      std::ofstream(output, std::ios::binary) << elf;
      return ProcessResult{0, "", "", {}};
    }
    for (auto package = o + 2; package != argv.end(); ++package)
      std::ofstream(output + package->substr(package->rfind('/') + 1), std::ios::binary) << elf;
    return ProcessResult{0, "", "", {}};
  };
  std::function<ProcessResult(const ProcessSpec&)> version = [](const ProcessSpec& spec) {
    std::string out = spec.argv.back() + ": go1.26.8\n";
    for (const auto& [key, value] : spec.env_overrides)
      if (key != "CC") out += "\tbuild\t" + key + "=" + value + "\n";
    return ProcessResult{0, out, "", {}};
  };
  std::string list_output;
  /// Answers `go list`: list_output by default.
  std::function<ProcessResult(const ProcessSpec&)> list = [this](const ProcessSpec&) {
    return ProcessResult{0, list_output, "", {}};
  };

  ProcessResult run(const ProcessSpec& spec) override {
    {
      std::lock_guard lock(mutex_);
      calls.push_back(spec);
    }
    const std::string& verb = spec.argv.at(1);
    if (verb == "build") return build(spec);
    if (verb == "version") return version(spec);
    if (verb == "list") return list(spec);
    if (verb == "env") return {0, "\n", "", {}};
    return {2, "", "fake go: unexpected " + verb, {}};
  }
  std::vector<ProcessSpec> calls_of(const std::string& verb) {
    std::vector<ProcessSpec> result;
    for (const auto& c : calls)
      if (c.argv.at(1) == verb) result.push_back(c);
    return result;
  }
  std::vector<ProcessSpec> calls;

 private:
  std::mutex mutex_;
};

}  // namespace multiarch::test
