#include "go/go_build_stamp.hpp"

#include <time.h>

#include <nlohmann/json.hpp>

#include "util/digest.hpp"
#include "util/file_stamp.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"

namespace multiarch {

namespace fs = std::filesystem;

fs::path go_build_stamp_path(const fs::path& depfile) {
  return fs::path(depfile.string() + ".stamp");
}

std::string go_build_key(const GoBuildPlan& plan, const GoBuildStep& step,
                         const std::map<std::string, std::string>& caller_env) {
  // The argv and environment as the build sees them, with the output's final name (the
  // temporary name differs per run).
  std::vector<std::string> argv = step.build_argv;
  argv.at(step.output_arg) = step.output.string();
  nlohmann::json j;
  j["argv"] = argv;
  j["cwd"] = plan.module_dir.string();
  j["env"] = step.env;
  j["env_unset"] = step.env_unset;
  j["caller_env"] = caller_env;
  j["go"] = find_executable(plan.go);
  j["go_version"] = plan.toolchain.version.str();
  j["goroot"] = plan.toolchain.goroot;
  return sha256_hex(j.dump());
}

std::map<std::string, std::string> go_relevant_environment() {
  std::map<std::string, std::string> relevant;
  for (const auto& [name, value] : environment_variables()) {
    bool matters = name.starts_with("GO") || name.starts_with("CGO_") || name == "CC" ||
                   name == "CXX" || name == "AR" || name == "PKG_CONFIG";
    if (matters) relevant.emplace(name, value);
  }
  return relevant;
}

int64_t file_clock_now_ns() {
  // File times come from the coarse clock (one tick behind the fine one at most): taking the
  // start from it means a file changed after the start is never seen as older.
  timespec now{};
  clock_gettime(CLOCK_REALTIME_COARSE, &now);
  return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

void write_go_build_stamp(const fs::path& path, const GoBuildStamp& stamp) {
  nlohmann::json j;
  j["key"] = stamp.key;
  j["started_ns"] = stamp.started_ns;
  j["output_mtime_ns"] = stamp.output_mtime_ns;
  j["output_size"] = stamp.output_size;
  j["inputs"] = stamp.inputs;
  atomic_write_file(path, j.dump(0) + "\n");
}

std::optional<GoBuildStamp> go_build_up_to_date(const fs::path& stamp_path, const std::string& key,
                                                const fs::path& output, const fs::path& depfile,
                                                const FileStatter& files) {
  GoBuildStamp stamp;
  try {
    auto j = nlohmann::json::parse(read_file(stamp_path));
    stamp.key = j.at("key").get<std::string>();
    stamp.started_ns = j.at("started_ns").get<int64_t>();
    stamp.output_mtime_ns = j.at("output_mtime_ns").get<int64_t>();
    stamp.output_size = j.at("output_size").get<uintmax_t>();
    stamp.inputs = j.at("inputs").get<std::vector<std::string>>();
  } catch (const std::exception&) {
    return std::nullopt;  // missing, unreadable or from another version: build
  }
  if (stamp.key != key || !files.stat(depfile)) return std::nullopt;
  auto built = files.stat(output);
  if (!built || built->mtime_ns != stamp.output_mtime_ns || built->size != stamp.output_size)
    return std::nullopt;
  for (const auto& input : stamp.inputs) {
    auto facts = files.stat(input);
    if (!facts || facts->mtime_ns >= stamp.started_ns) return std::nullopt;
  }
  return stamp;
}

bool go_build_step_up_to_date(const GoBuildPlan& plan, const GoBuildStep& step,
                              const FileStatter& files) {
  if (step.depfile.empty()) return false;
  std::string key = go_build_key(plan, step, go_relevant_environment());
  return go_build_up_to_date(go_build_stamp_path(step.depfile), key, step.output, step.depfile,
                             files)
      .has_value();
}

}  // namespace multiarch
