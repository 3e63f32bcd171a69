#include "buildx/buildx_commands.hpp"

#include <fmt/format.h>

namespace multiarch {
namespace {

std::string platform_list(const std::vector<Platform>& platforms) {
  std::string joined;
  for (const auto& p : platforms) joined += (joined.empty() ? "" : ",") + p.str();
  return joined;
}

bool has_build_arg(const BuildxRequest& request, const std::string& key) {
  for (const auto& [k, v] : request.build_args)
    if (k == key) return true;
  return false;
}

}  // namespace

ProcessSpec buildx_build_command(const BuildxRequest& request,
                                 const std::vector<Platform>& platforms,
                                 const std::vector<std::string>& output_flags,
                                 const std::filesystem::path& metadata_file) {
  ProcessSpec spec;
  spec.capture_stdout = false;  // buildx's progress goes straight to the user
  spec.capture_stderr = false;
  auto& argv = spec.argv;
  argv = {request.docker, "buildx", "build"};
  if (!request.builder.empty()) argv.insert(argv.end(), {"--builder", request.builder});
  argv.insert(argv.end(), {"--platform", platform_list(platforms), "--file",
                           request.dockerfile.string(), "--provenance=" + request.provenance});
  // Only when asked: buildx before 0.10 has no --sbom, and its default is off anyway.
  if (request.sbom != "false") argv.push_back("--sbom=" + request.sbom);
  for (const auto& [key, value] : request.build_args)
    argv.insert(argv.end(), {"--build-arg", key + "=" + value});
  // BuildKit >= 0.11 stamps `created` (config, history, index annotations) from it.
  if (!has_build_arg(request, "SOURCE_DATE_EPOCH"))
    argv.insert(argv.end(), {"--build-arg", fmt::format("SOURCE_DATE_EPOCH={}", request.epoch)});
  for (const auto& from : request.cache_from) argv.insert(argv.end(), {"--cache-from", from});
  for (const auto& to : request.cache_to) argv.insert(argv.end(), {"--cache-to", to});
  argv.insert(argv.end(), {"--metadata-file", metadata_file.string()});
  argv.insert(argv.end(), output_flags.begin(), output_flags.end());
  argv.push_back(request.context.string());
  return spec;
}

std::vector<std::string> tagged_output_flags(const std::vector<std::string>& tags,
                                             const std::string& action) {
  std::vector<std::string> flags;
  for (const auto& tag : tags) flags.insert(flags.end(), {"--tag", tag});
  flags.push_back(action);
  return flags;
}

std::vector<std::string> oci_output_flags(const std::filesystem::path& dest) {
  return {"--output", "type=oci,dest=" + dest.string() + ",tar=false"};
}

ProcessSpec imagetools_create_command(const BuildxRequest& request,
                                      const std::vector<std::string>& sources,
                                      const std::filesystem::path& metadata_file) {
  ProcessSpec spec;
  spec.capture_stdout = false;
  spec.capture_stderr = false;
  spec.argv = {request.docker, "buildx", "imagetools", "create"};
  if (!request.builder.empty()) spec.argv.insert(spec.argv.end(), {"--builder", request.builder});
  spec.argv.insert(spec.argv.end(), {"--metadata-file", metadata_file.string()});
  for (const auto& tag : request.tags) spec.argv.insert(spec.argv.end(), {"--tag", tag});
  spec.argv.insert(spec.argv.end(), sources.begin(), sources.end());
  return spec;
}

ProcessSpec legacy_build_command(const BuildxRequest& request, const Platform& platform,
                                 const Platform& host, const std::vector<std::string>& tags) {
  ProcessSpec spec;
  spec.capture_stdout = false;
  spec.capture_stderr = false;
  spec.env_overrides["DOCKER_BUILDKIT"] = "0";  // without buildx, the CLI has only this one
  auto& argv = spec.argv;
  argv = {request.docker, "build",  "--platform",
          platform.str(), "--file", request.dockerfile.string()};
  std::vector<std::pair<std::string, std::string>> automatic;
  for (const auto& [key, value] : platform.build_args()) automatic.emplace_back(key, value);
  for (const auto& [key, value] : host.build_args()) {
    // TARGETPLATFORM -> BUILDPLATFORM ...: what BuildKit would set for the build host.
    automatic.emplace_back("BUILD" + key.substr(6), value);
  }
  for (const auto& [key, value] : automatic)
    if (!has_build_arg(request, key)) argv.insert(argv.end(), {"--build-arg", key + "=" + value});
  for (const auto& [key, value] : request.build_args)
    argv.insert(argv.end(), {"--build-arg", key + "=" + value});
  for (const auto& from : request.cache_from) argv.insert(argv.end(), {"--cache-from", from});
  for (const auto& tag : tags) argv.insert(argv.end(), {"--tag", tag});
  argv.push_back(request.context.string());
  return spec;
}

ProcessSpec docker_command(const BuildxRequest& request, std::vector<std::string> args) {
  ProcessSpec spec;
  spec.argv = {request.docker};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  return spec;
}

ProcessSpec manifest_create_command(const BuildxRequest& request, const std::string& reference,
                                    const std::vector<std::string>& sources, bool insecure) {
  ProcessSpec spec = docker_command(request, {"manifest", "create", "--amend"});
  if (insecure) spec.argv.push_back("--insecure");
  spec.argv.push_back(reference);
  spec.argv.insert(spec.argv.end(), sources.begin(), sources.end());
  return spec;
}

ProcessSpec manifest_push_command(const BuildxRequest& request, const std::string& reference,
                                  bool insecure) {
  ProcessSpec spec = docker_command(request, {"manifest", "push", "--purge"});
  if (insecure) spec.argv.push_back("--insecure");
  spec.argv.push_back(reference);
  return spec;
}

std::string display_spec(const ProcessSpec& spec) {
  std::string prefix;
  for (const auto& [key, value] : spec.env_overrides) prefix += key + "=" + value + " ";
  return prefix + display_command(spec.argv);
}

}  // namespace multiarch
