#include "image/image_config.hpp"

#include <fmt/format.h>

#include <ctime>

#include "util/error.hpp"

namespace multiarch {
namespace {

using ordered = nlohmann::ordered_json;

std::string env_key(const std::string& entry) { return entry.substr(0, entry.find('=')); }

/// Base Env entries, then ours: a key we set replaces the base's value in place.
std::vector<std::string> merged_env(const nlohmann::json& base, const ImageSettings& settings) {
  std::vector<std::string> env;
  if (base.is_array())
    for (const auto& e : base)
      if (e.is_string()) env.push_back(e.get<std::string>());
  for (const auto& [key, value] : settings.env) {
    std::string entry = key + "=" + value;
    bool replaced = false;
    for (auto& existing : env) {
      if (env_key(existing) == key) {
        existing = entry;
        replaced = true;
      }
    }
    if (!replaced) env.push_back(entry);
  }
  bool has_path = false;
  for (const auto& e : env) has_path |= env_key(e) == "PATH";
  if (!has_path) env.insert(env.begin(), std::string("PATH=") + kDefaultPath);
  return env;
}

}  // namespace

std::string normalize_port(std::string_view port) {
  std::string_view number = port;
  std::string_view protocol = "tcp";
  size_t slash = port.find('/');
  if (slash != std::string_view::npos) {
    number = port.substr(0, slash);
    protocol = port.substr(slash + 1);
  }
  bool digits = !number.empty() && number.size() <= 5 &&
                number.find_first_not_of("0123456789") == std::string_view::npos;
  long value = digits ? std::stol(std::string(number)) : 0;
  if (!digits || value < 1 || value > 65535)
    throw InputError(
        fmt::format("--port \"{}\": expected N[/tcp|/udp|/sctp] with N in 1-65535", port));
  if (protocol != "tcp" && protocol != "udp" && protocol != "sctp")
    throw InputError(fmt::format("--port \"{}\": protocol must be tcp, udp or sctp", port));
  return fmt::format("{}/{}", value, protocol);
}

std::string rfc3339_utc(int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string image_config_json(const Platform& platform, const ImageSettings& settings,
                              const std::vector<ConfigLayer>& layers,
                              const nlohmann::json& base_config) {
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& base = base_config.is_object() ? base_config : empty;
  const nlohmann::json& base_run =
      base.contains("config") && base["config"].is_object() ? base["config"] : empty;
  std::string created = rfc3339_utc(settings.epoch);

  ordered run;
  // User: ours, else the base's, else a non-root uid.
  std::string user = base_run.value("User", "");
  if (settings.user) user = *settings.user;
  if (user.empty() && !settings.user) user = kDefaultUser;
  if (!user.empty()) run["User"] = user;

  std::map<std::string, ordered> ports;
  if (base_run.contains("ExposedPorts") && base_run["ExposedPorts"].is_object())
    for (const auto& [p, v] : base_run["ExposedPorts"].items()) ports[p] = ordered::object();
  for (const auto& p : settings.ports) ports[normalize_port(p)] = ordered::object();
  if (!ports.empty()) {
    ordered exposed = ordered::object();
    for (auto& [p, v] : ports) exposed[p] = v;
    run["ExposedPorts"] = exposed;
  }

  run["Env"] = merged_env(base_run.contains("Env") ? base_run["Env"] : nlohmann::json(), settings);

  std::vector<std::string> entrypoint = settings.entrypoint;
  if (entrypoint.empty() && base_run.contains("Entrypoint") && base_run["Entrypoint"].is_array())
    entrypoint = base_run["Entrypoint"].get<std::vector<std::string>>();
  if (!entrypoint.empty()) run["Entrypoint"] = entrypoint;
  // A new entrypoint resets the base's Cmd (Dockerfile semantics); ours always wins.
  if (settings.cmd) {
    if (!settings.cmd->empty()) run["Cmd"] = *settings.cmd;
  } else if (settings.entrypoint.empty() && base_run.contains("Cmd") &&
             base_run["Cmd"].is_array()) {
    run["Cmd"] = base_run["Cmd"];
  }

  std::string workdir = base_run.value("WorkingDir", "");
  if (settings.workdir) workdir = *settings.workdir;
  if (!workdir.empty()) run["WorkingDir"] = workdir;

  std::map<std::string, std::string> labels;
  if (base_run.contains("Labels") && base_run["Labels"].is_object())
    for (const auto& [k, v] : base_run["Labels"].items())
      if (v.is_string()) labels[k] = v.get<std::string>();
  for (const auto& [k, v] : settings.labels) labels[k] = v;
  if (!labels.empty()) {
    ordered l = ordered::object();
    for (const auto& [k, v] : labels) l[k] = v;
    run["Labels"] = l;
  }

  std::string stop_signal = base_run.value("StopSignal", "");
  if (settings.stop_signal) stop_signal = *settings.stop_signal;
  if (!stop_signal.empty()) run["StopSignal"] = stop_signal;

  std::vector<std::string> diff_ids;
  if (base.contains("rootfs") && base["rootfs"].contains("diff_ids"))
    diff_ids = base["rootfs"]["diff_ids"].get<std::vector<std::string>>();
  ordered history = ordered::array();
  if (base.contains("history") && base["history"].is_array())
    for (const auto& h : base["history"]) history.push_back(ordered(h));
  for (const auto& layer : layers) {
    diff_ids.push_back(layer.diff_id);
    ordered h;
    h["created"] = created;
    h["created_by"] = layer.created_by;
    h["comment"] = "multiarch";
    history.push_back(h);
  }
  if (layers.empty()) {
    ordered h;
    h["created"] = created;
    h["created_by"] = "multiarch image: config";
    h["comment"] = "multiarch";
    h["empty_layer"] = true;
    history.push_back(h);
  }

  ordered config;
  config["created"] = created;
  config["architecture"] = platform.architecture;
  config["os"] = platform.os;
  if (base.contains("os.version") && base["os.version"].is_string())
    config["os.version"] = base["os.version"];
  if (!platform.variant.empty()) config["variant"] = platform.variant;
  config["config"] = run;
  ordered rootfs;
  rootfs["type"] = "layers";
  rootfs["diff_ids"] = diff_ids;
  config["rootfs"] = rootfs;
  config["history"] = history;
  return config.dump();
}

}  // namespace multiarch
