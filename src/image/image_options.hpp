#pragma once
// Option values that `multiarch image assemble` and the Dockerfile commands (`buildx`,
// `dockerfile`) read alike: ENTRYPOINT/CMD words, time zones and the CA bundle.
#include <string>
#include <vector>

namespace multiarch {

/// A JSON array (`["/app/service","-addr",":8080"]`) or words split on spaces. Throws
/// InputError naming `flag` for a malformed array.
std::vector<std::string> parse_command_words(const std::string& text, const std::string& flag);

/// `zone` when /usr/share/zoneinfo/ZONE is a file (a plain name: no "..", no leading '/');
/// InputError naming --tz otherwise.
std::string checked_time_zone(const std::string& zone);

/// The zoneinfo file of a checked zone, at the same path in the image as on the host.
std::string zoneinfo_path(const std::string& zone);

/// Where an image's CA bundle goes.
inline constexpr const char* kImageCaBundle = "/etc/ssl/certs/ca-certificates.crt";

/// `bundle` when given, else the host's CA bundle (Debian's, Fedora's or the BSD path);
/// InputError saying what to install when there is none.
std::string host_ca_bundle(const std::string& bundle);

}  // namespace multiarch
