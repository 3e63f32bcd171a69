#include "cli/dockerfile_options.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "cli/options.hpp"
#include "image/image_options.hpp"
#include "util/error.hpp"

namespace multiarch::cli {
namespace fs = std::filesystem;

void add_dockerfile_options(cxxopts::Options& options) {
  options.add_options("Image")("base", "final stage base image (default scratch)",
                               cxxopts::value<std::string>()->default_value("scratch"))(
      "binary-path", "where the binary goes in the image",
      cxxopts::value<std::string>()->default_value("/app/service"))(
      "entrypoint", "JSON array or words (default: the binary path)",
      cxxopts::value<std::string>())("cmd", "JSON array or words", cxxopts::value<std::string>())(
      "env", "K=V (repeatable)", cxxopts::value<std::string>())("workdir", "working directory",
                                                                cxxopts::value<std::string>())(
      "user", "USER (default 65532, a non-root uid; \"\" for the base's)",
      cxxopts::value<std::string>())("port", "EXPOSE N[/tcp|udp] (repeatable)",
                                     cxxopts::value<std::string>())("label", "k=v (repeatable)",
                                                                    cxxopts::value<std::string>())(
      "file", "SRC:DEST[:MODE] extra file in the image (repeatable)",
      cxxopts::value<std::string>())("ca-certs", "add the host's CA bundle")(
      "ca-bundle", "the CA bundle to add (implies --ca-certs)", cxxopts::value<std::string>())(
      "tz", "time zone: ENV TZ and its zoneinfo file", cxxopts::value<std::string>());
}

DockerfileSpec dockerfile_spec_from(const cxxopts::ParseResult& parsed) {
  DockerfileSpec spec;
  spec.base = parsed["base"].as<std::string>();
  spec.binary_path = parsed["binary-path"].as<std::string>();
  if (parsed.count("entrypoint"))
    spec.entrypoint = parse_command_words(parsed["entrypoint"].as<std::string>(), "--entrypoint");
  if (parsed.count("cmd")) spec.cmd = parse_command_words(parsed["cmd"].as<std::string>(), "--cmd");
  for (const auto& text : all_values(parsed, "env"))
    spec.env.push_back(split_key_value(text, "--env"));
  if (parsed.count("workdir")) spec.workdir = parsed["workdir"].as<std::string>();
  if (parsed.count("user")) spec.user = parsed["user"].as<std::string>();
  for (const auto& port : all_values(parsed, "port"))
    spec.ports.push_back(normalize_expose_port(port));
  for (const auto& text : all_values(parsed, "label"))
    spec.labels.push_back(split_key_value(text, "--label"));
  if (parsed.count("tz")) spec.tz = checked_time_zone(parsed["tz"].as<std::string>());
  spec.copy_rootfs = parsed.count("file") || parsed.count("ca-certs") ||
                     parsed.count("ca-bundle") || parsed.count("tz");
  return spec;
}

std::vector<ContextFile> context_files_from(const cxxopts::ParseResult& parsed) {
  std::vector<ContextFile> files;
  for (const auto& text : all_values(parsed, "file")) files.push_back(parse_context_file(text));
  if (parsed.count("ca-certs") || parsed.count("ca-bundle")) {
    std::string bundle = parsed.count("ca-bundle") ? parsed["ca-bundle"].as<std::string>() : "";
    files.push_back(ContextFile{host_ca_bundle(bundle), kImageCaBundle, fs::perms(0644)});
  }
  if (parsed.count("tz")) {
    std::string zone = checked_time_zone(parsed["tz"].as<std::string>());
    files.push_back(ContextFile{zoneinfo_path(zone), zoneinfo_path(zone), fs::perms(0644)});
  }
  return files;
}

}  // namespace multiarch::cli
