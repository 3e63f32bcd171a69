#include "publish/image_push.hpp"

namespace multiarch {

std::vector<std::string> skopeo_push_argv(const PushOptions& options) {
  std::vector<std::string> argv = {options.skopeo, "copy", "--all", "--preserve-digests"};
  if (!options.digest_file.empty()) argv.push_back("--digestfile=" + options.digest_file.string());
  if (options.insecure || is_loopback_domain(options.destination.domain))
    argv.push_back("--dest-tls-verify=false");
  if (!options.credentials.empty()) argv.push_back("--dest-creds=" + options.credentials);
  if (!options.authfile.empty()) argv.push_back("--authfile=" + options.authfile);
  std::string source = "oci:" + options.layout.string();
  if (!options.source_tag.empty()) source += ":" + options.source_tag;
  argv.push_back(source);
  argv.push_back("docker://" + options.destination.str());
  return argv;
}

std::vector<std::string> redact_credentials(std::vector<std::string> argv) {
  const std::string flag = "--dest-creds=";
  for (auto& arg : argv) {
    if (arg.rfind(flag, 0) != 0) continue;
    size_t colon = arg.find(':', flag.size());
    if (colon != std::string::npos) arg = arg.substr(0, colon + 1) + "***";
  }
  return argv;
}

}  // namespace multiarch
