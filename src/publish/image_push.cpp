#include "publish/image_push.hpp"

#include <stdexcept>

namespace multiarch {

std::vector<std::string> skopeo_push_argv(const PushOptions& options) {
  std::vector<std::string> argv = {options.skopeo, "copy", "--all", "--preserve-digests"};
  if (!options.digest_file.empty()) argv.push_back("--digestfile=" + options.digest_file.string());
  if (options.insecure || is_loopback_domain(options.destination.domain))
    argv.push_back("--dest-tls-verify=false");
  if (!options.credentials.empty() && options.dest_authfile.empty())
    throw std::logic_error("skopeo_push_argv: credentials without their auth file");
  if (!options.authfile.empty()) argv.push_back("--authfile=" + options.authfile);
  // --dest-authfile wins over --authfile for the destination (skopeo-copy(1)).
  if (!options.dest_authfile.empty())
    argv.push_back("--dest-authfile=" + options.dest_authfile.string());
  std::string source = "oci:" + options.layout.string();
  if (!options.source_tag.empty()) source += ":" + options.source_tag;
  argv.push_back(source);
  argv.push_back("docker://" + options.destination.str());
  return argv;
}

std::unique_ptr<PrivateAuthFile> write_credentials_file(PushOptions& options) {
  if (options.credentials.empty()) return nullptr;
  auto file = std::make_unique<PrivateAuthFile>(options.destination.domain, options.credentials);
  options.dest_authfile = file->path();
  return file;
}

}  // namespace multiarch
