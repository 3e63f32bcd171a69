#pragma once
// The service-name rule, the same as the CMake module's SERVICE check
// (_multiarch_check_service_name in cmake/MultiArch.cmake): tests/service_names.txt holds the
// vectors both tests run.
#include <cstddef>
#include <string_view>

namespace multiarch {

/// The most characters a service name may have (a tag's limit, so `name:tag` stays short).
inline constexpr size_t kMaxServiceNameLength = 128;

/// True when `name` is a service name: lower-case letters and digits, with single '.', '_'
/// or '-' between them ([a-z0-9]+([._-][a-z0-9]+)*), at most kMaxServiceNameLength
/// characters. It names the binary, the per-platform CMake targets and the default image
/// repository, so it is a repository path component (OCI distribution spec, "Pulling
/// manifests") that is also a plain file name.
bool is_service_name(std::string_view name);

/// Throws InputError naming `what` (e.g. "--name") and the rule unless is_service_name(name).
void check_service_name(std::string_view name, std::string_view what);

}  // namespace multiarch
