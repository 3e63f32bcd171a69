#include "publish/image_push.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

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

std::string push_with_skopeo(ProcessRunner& runner, PushOptions options) {
  if (find_executable(options.skopeo).empty())
    throw RuntimeError(
        fmt::format("{} is not installed: apt-get install skopeo (for --pusher skopeo; the default "
                    "pusher needs nothing)",
                    options.skopeo));
  options.digest_file =
      temporary_sibling(std::filesystem::temp_directory_path() / "multiarch-push-digest");
  struct RemoveDigestFile {
    std::filesystem::path path;
    ~RemoveDigestFile() {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  } remove{options.digest_file};
  auto credentials_file = write_credentials_file(options);  // never in skopeo's argv
  ProcessSpec spec;
  spec.argv = skopeo_push_argv(options);
  auto result = runner.run(spec);
  if (!result.ok()) {
    std::string message(trim(result.err.empty() ? result.out : result.err));
    bool auth = message.find("unauthorized") != std::string::npos ||
                message.find("authentication required") != std::string::npos;
    throw RuntimeError(fmt::format(
        "push to {} failed: {}{}", options.destination.str(), message,
        auth ? " (the registry wants credentials: --creds-file FILE, --creds -, --authfile FILE "
               "or REGISTRY_AUTH_FILE)"
             : ""));
  }
  return std::string(trim(read_file(options.digest_file)));
}

}  // namespace multiarch
