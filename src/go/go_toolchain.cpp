#include "go/go_toolchain.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "go/go_build_stamp.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;

/// `go env GOVERSION GOROOT [GOWORK]` and `go tool dist list`, in `cwd` ("": ours).
GoToolchainInfo query(ProcessRunner& runner, const std::string& go, const fs::path& cwd,
                      bool with_go_work) {
  auto run = [&](std::vector<std::string> args) {
    ProcessSpec spec;
    spec.argv = {go};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.cwd = cwd.string();
    ProcessResult result;
    try {
      result = runner.run(spec);
    } catch (const RuntimeError& e) {
      throw RuntimeError(fmt::format("{}; install Go or pass --go PATH", e.what()));
    }
    if (!result.ok())
      throw RuntimeError(fmt::format("`{}` failed (exit {}): {}", display_command(spec.argv),
                                     result.exit_code, result.err));
    return result.out;
  };
  GoToolchainInfo info;
  std::vector<std::string> env_args = {"env", "GOVERSION", "GOROOT"};
  if (with_go_work) env_args.push_back("GOWORK");
  std::istringstream env(run(env_args));
  std::string version_line;
  std::getline(env, version_line);
  std::getline(env, info.goroot);
  if (with_go_work) {
    std::string go_work;
    std::getline(env, go_work);
    if (!go_work.empty() && go_work.back() == '\r') go_work.pop_back();
    info.go_work = go_work;
  }
  auto version = GoVersion::parse(version_line);
  if (!version)
    throw RuntimeError(fmt::format("cannot read the Go version from `{} env GOVERSION`: \"{}\"", go,
                                   version_line));
  info.version = *version;
  std::istringstream pairs(run({"tool", "dist", "list"}));
  for (std::string line; std::getline(pairs, line);)
    if (!line.empty()) info.dist_pairs.insert(line);
  return info;
}

nlohmann::json stamp_json(const std::optional<FileStamp>& stamp) {
  if (!stamp) return nullptr;
  return {stamp->size, stamp->mtime_ns, stamp->inode, stamp->device};
}

/// The first `name` in `dir` or above it, with its stat; null when there is none.
nlohmann::json nearest(fs::path dir, const std::string& name, const FileStatter& files) {
  for (;; dir = dir.parent_path()) {
    if (auto stamp = files.stat(dir / name)) return {(dir / name).string(), stamp_json(stamp)};
    if (dir == dir.parent_path()) return nullptr;
  }
}

std::string absolute_go(const std::string& go) {
  std::string path = find_executable(go);
  if (path.empty()) return path;
  std::error_code ec;
  return fs::absolute(path, ec).lexically_normal().string();
}

}  // namespace

GoToolchainInfo query_go_toolchain(ProcessRunner& runner, const std::string& go) {
  return query(runner, go, {}, false);
}

std::string go_toolchain_key(const std::string& go, const fs::path& module_dir,
                             const FileStatter& files) {
  std::string path = absolute_go(go);
  if (path.empty()) return "";
  std::error_code ec;
  fs::path dir = fs::absolute(module_dir, ec).lexically_normal();
  nlohmann::json j;
  j["go"] = path;
  j["go_stat"] = stamp_json(files.stat(path));
  j["env"] = go_relevant_environment();
  j["module_dir"] = dir.string();
  j["go_mod"] = nearest(dir, "go.mod", files);
  j["go_work"] = nearest(dir, "go.work", files);
  return sha256_hex(j.dump());
}

GoToolchainInfo cached_go_toolchain(ProcessRunner& runner, const std::string& go,
                                    const fs::path& module_dir, const fs::path& cache_dir,
                                    const FileStatter& files) {
  std::string key = go_toolchain_key(go, module_dir, files);
  if (key.empty()) return query_go_toolchain(runner, go);  // says how to install Go
  std::error_code ec;
  std::string go_path = absolute_go(go);
  std::string dir = fs::absolute(module_dir, ec).lexically_normal().string();
  fs::path file = cache_dir / ("go-" + sha256_hex(go_path + '\n' + dir).substr(0, 16) + ".json");
  try {
    auto j = nlohmann::json::parse(read_file(file));
    auto version = GoVersion::parse(j.at("version").get<std::string>());
    if (j.at("key").get<std::string>() == key && version) {
      GoToolchainInfo info;
      info.version = *version;
      info.goroot = j.at("goroot").get<std::string>();
      info.go_work = j.at("gowork").get<std::string>();
      info.dist_pairs = j.at("dist_pairs").get<std::set<std::string>>();
      return info;
    }
  } catch (const std::exception&) {
    // missing, unreadable or written by another version of multiarch: ask go
  }
  GoToolchainInfo info = query(runner, go, module_dir, true);
  nlohmann::json j;
  j["key"] = key;
  j["go"] = go_path;
  j["module_dir"] = dir;
  j["version"] = info.version.str();
  j["goroot"] = info.goroot;
  j["gowork"] = info.go_work.value_or("");
  j["dist_pairs"] = info.dist_pairs;
  try {
    atomic_write_file(file, j.dump(0) + "\n");
  } catch (const RuntimeError&) {
    // A cache that cannot be written costs the next process a query, nothing more.
  }
  return info;
}

}  // namespace multiarch
