#pragma once
// The image configuration (image-spec config.md): what runs (Entrypoint, Cmd, Env, User...),
// the platform, rootfs.diff_ids and history. Written with a fixed key order so identical
// settings give identical bytes; merged on top of a base image's config when there is one.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

/// What the user sets about the container, independent of the platform.
struct ImageSettings {
  std::vector<std::string> entrypoint;                   ///< empty: keep the base's
  std::optional<std::vector<std::string>> cmd;           ///< nullopt: none (a new entrypoint
                                                         ///< resets the base's Cmd, as Docker does)
  std::vector<std::pair<std::string, std::string>> env;  ///< in order; later keys win
  std::optional<std::string> workdir;
  std::optional<std::string> user;  ///< nullopt: the base's, else kDefaultUser
  std::vector<std::string> ports;   ///< "8080/tcp"
  std::map<std::string, std::string> labels;
  std::optional<std::string> stop_signal;
  int64_t epoch = 0;  ///< `created` of the config and of each history entry
};

/// distroless's "nonroot" uid: the image does not run as root unless asked to.
inline constexpr const char* kDefaultUser = "65532";
/// Docker's default PATH for images without one (what BuildKit sets for FROM scratch).
inline constexpr const char* kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Normalizes "8080", "8080/tcp", "53/udp" to "PORT/PROTO"; throws InputError naming it.
std::string normalize_port(std::string_view port);

/// RFC 3339 UTC time of a Unix epoch: "2024-01-02T03:04:05Z".
std::string rfc3339_utc(int64_t epoch);

struct ConfigLayer {
  std::string diff_id;     ///< "sha256:..." of the uncompressed tar
  std::string created_by;  ///< history text, e.g. "multiarch image: /app/service"
};

/// Builds the config JSON: `base_config` (a parsed base image config, or null) supplies
/// defaults and its diff_ids/history come first; `settings` are applied on top;
/// `layers` are appended. Returns the exact bytes to store.
std::string image_config_json(const Platform& platform, const ImageSettings& settings,
                              const std::vector<ConfigLayer>& layers,
                              const nlohmann::json& base_config = nullptr);

}  // namespace multiarch
