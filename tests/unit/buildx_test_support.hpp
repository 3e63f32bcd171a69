#pragma once
// Fakes for the buildx/doctor unit tests: a scripted ProcessRunner that answers by argv
// prefix and records every call, tiny ELF headers, and in-memory tars.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "fake_binaries.hpp"
#include "oci/oci_descriptor.hpp"
#include "oci/tar_writer.hpp"
#include "util/byte_sink.hpp"
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

inline std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

struct TarFile {
  TarFile(std::string p, std::string c, std::string link = {})
      : path(std::move(p)), contents(std::move(c)), link_target(std::move(link)) {}
  std::string path;
  std::string contents;
  std::string link_target;  ///< a symbolic link when not empty
};

inline std::string make_tar(const std::vector<TarFile>& files) {
  StringSink sink;
  TarWriter writer(sink, 0);
  for (const auto& file : files) {
    const bool link = !file.link_target.empty();
    const TarEntry entry{file.path, link ? TarEntry::Type::symlink : TarEntry::Type::file,
                         link ? 0777u : 0644u, link ? 0u : file.contents.size(), file.link_target};
    writer.begin_entry(entry);
    if (file.link_target.empty()) writer.write_data(file.contents.data(), file.contents.size());
    writer.end_entry();
  }
  writer.finish();
  return sink.bytes;
}

/// What `docker save` of Docker 20.10 prints for a one-layer image of `platform`.
inline std::string docker_save(const std::string& os, const std::string& arch,
                               const std::string& variant, bool corrupt_diff_id = false) {
  std::string layer = make_tar({{"app/service", "binary for " + arch}});
  nlohmann::ordered_json config;
  config["architecture"] = arch;
  config["os"] = os;
  if (!variant.empty()) config["variant"] = variant;
  config["rootfs"] = {{"type", "layers"},
                      {"diff_ids", {corrupt_diff_id ? sha256_digest("x") : sha256_digest(layer)}}};
  std::string config_bytes = config.dump();
  std::string id = sha256_digest(config_bytes).substr(7);
  nlohmann::json manifest = nlohmann::json::array(
      {{{"Config", id + ".json"}, {"RepoTags", {"x:1"}}, {"Layers", {"abc/layer.tar"}}}});
  return make_tar({{"abc/VERSION", "1.0"},
                   {"abc/layer.tar", layer},
                   {id + ".json", config_bytes},
                   {"manifest.json", manifest.dump()},
                   {"repositories", "{}"}});
}

}  // namespace multiarch::test
