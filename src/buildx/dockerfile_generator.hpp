#pragma once
// The Dockerfile `multiarch dockerfile` prints and `multiarch buildx --generate` builds: it only
// packages binaries that were cross-compiled on the host, so no step runs a program and no
// platform needs emulation. It never has a `# syntax=` line (that makes BuildKit pull a
// frontend image, which fails where no registry can be reached): the builder's built-in
// Dockerfile frontend reads it, from BuildKit 0.8 (Docker 20.10) on.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

struct DockerfileSpec {
  std::string base = "scratch";              ///< final stage base image
  std::string binary_name;                   ///< file name under each <slug>/ of the context
  std::string binary_path = "/app/service";  ///< where the binary goes in the image
  std::vector<std::string> entrypoint;       ///< empty: {binary_path}
  std::vector<std::string> cmd;              ///< empty: no CMD
  std::vector<std::pair<std::string, std::string>> env;  ///< ENV, in order
  std::string tz;                                        ///< ENV TZ (zoneinfo staged in rootfs/)
  std::string workdir;                                   ///< empty: none
  std::string user = "65532";                            ///< empty: none (the base's)
  std::vector<std::string> ports;                        ///< "8080/tcp"
  std::vector<std::pair<std::string, std::string>> labels;
  /// The context has a rootfs/ folder (declared files, CA bundle, zoneinfo) to copy to /.
  bool copy_rootfs = false;
  /// Set for the legacy `docker build`: the binary path is written out for this platform
  /// and comes first, because Docker 20.10's legacy builder gives a metadata-only step on
  /// `FROM scratch` (ARG, ENV, LABEL) the engine's platform, and the next COPY then fails
  /// with "does not match the specified platform".
  std::optional<Platform> literal_platform;
};

/// The context path of the binary as the Dockerfile selects it with BuildKit's TARGET* args:
/// `${TARGETOS}_${TARGETARCH}${TARGETVARIANT:+_${TARGETVARIANT}}/NAME` (the slug layout of
/// `multiarch go-build`).
std::string target_binary_expression(const std::string& binary_name);

/// Renders the Dockerfile. Throws InputError naming the field when a value cannot be
/// written safely (a newline or control character, a relative binary path, a bad ENV name).
std::string render_dockerfile(const DockerfileSpec& spec);

/// "8080" -> "8080/tcp"; "53/udp" kept. Throws InputError naming the value.
std::string normalize_expose_port(const std::string& port);

}  // namespace multiarch
