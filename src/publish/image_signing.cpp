#include "publish/image_signing.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "oci/attestation_manifest.hpp"
#include "publish/layout_attestations.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace multiarch {
namespace {

/// `signing`: the key's password goes into cosign's environment (never its argv); verifying
/// needs none, so its environment has none either.
ProcessSpec cosign_spec(const CosignOptions& options, std::vector<std::string> argv, bool signing) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.argv.insert(spec.argv.begin(), options.cosign);
  if (signing)
    spec.env_overrides["COSIGN_PASSWORD"] = options.password;
  else
    spec.env_unset.push_back("COSIGN_PASSWORD");
  // Offline and non-interactive: no update checks, no experimental prompts.
  spec.env_overrides["COSIGN_YES"] = "true";
  return spec;
}

void add_registry_flags(const CosignOptions& options, std::vector<std::string>& argv) {
  if (options.plain_http) argv.push_back("--allow-http-registry=true");
  if (options.plain_http) argv.push_back("--allow-insecure-registry=true");
}

}  // namespace

std::vector<ProcessSpec> cosign_sign_commands(const CosignOptions& options,
                                              const std::string& repository,
                                              const std::vector<std::string>& digests,
                                              const std::vector<CosignAttestation>& attestations) {
  std::vector<ProcessSpec> commands;
  for (const auto& digest : digests) {
    std::vector<std::string> argv = {"sign", "--key", options.key.string(), "--tlog-upload=false",
                                     "--yes"};
    add_registry_flags(options, argv);
    argv.push_back(repository + "@" + digest);
    commands.push_back(cosign_spec(options, argv, true));
  }
  for (const auto& a : attestations) {
    std::vector<std::string> argv = {
        "attest", "--key",       options.key.string(), "--type",
        a.type,   "--predicate", a.predicate.string(), "--tlog-upload=false",
        "--yes"};
    add_registry_flags(options, argv);
    argv.push_back(repository + "@" + a.digest);
    commands.push_back(cosign_spec(options, argv, true));
  }
  return commands;
}

std::vector<ProcessSpec> cosign_verify_commands(const CosignOptions& options,
                                                const std::string& reference,
                                                const std::vector<std::string>& types) {
  std::vector<ProcessSpec> commands;
  std::vector<std::string> argv = {"verify", "--key", options.key.string(),
                                   "--insecure-ignore-tlog=true"};
  add_registry_flags(options, argv);
  argv.push_back(reference);
  commands.push_back(cosign_spec(options, argv, false));
  for (const auto& type : types) {
    std::vector<std::string> a = {
        "verify-attestation",         "--key", options.key.string(), "--type", type,
        "--insecure-ignore-tlog=true"};
    add_registry_flags(options, a);
    a.push_back(reference);
    commands.push_back(cosign_spec(options, a, false));
  }
  return commands;
}

std::string cosign_predicate_type(const std::string& predicate_type) {
  if (predicate_type == predicate_type::kSpdx) return "spdxjson";
  if (predicate_type == predicate_type::kCycloneDx) return "cyclonedx";
  if (predicate_type == predicate_type::kSlsaProvenanceV1) return "slsaprovenance1";
  return "";
}

std::string cosign_password(const std::filesystem::path& password_file) {
  if (password_file.empty()) {
    const char* env = std::getenv("COSIGN_PASSWORD");
    return env ? env : "";
  }
  struct stat st {};
  if (::stat(password_file.c_str(), &st) != 0)
    throw InputError(fmt::format("--sign-password-file {}: no such file", password_file.string()));
  if ((st.st_mode & 077) != 0)
    throw InputError(fmt::format("--sign-password-file {}: readable by others; chmod 600 it",
                                 password_file.string()));
  std::string text = read_file(password_file);
  return text.substr(0, text.find('\n'));
}

namespace {

/// cosign's own message: its "Error: ..." line (the rest is Go's log prefix and usage), else
/// the first line it printed.
std::string cosign_error(const std::string& output) {
  size_t at = output.find("Error: ");
  if (at == std::string::npos) return first_nonempty_line(output);
  return first_nonempty_line(output.substr(at + 7));
}

void run_cosign(ProcessRunner& runner, const ProcessSpec& spec) {
  if (find_executable(spec.argv[0]).empty())
    throw RuntimeError(fmt::format(
        "{} is not installed: run scripts/install-supply-chain-tools cosign (or give --cosign)",
        spec.argv[0]));
  auto result = runner.run(spec);
  if (!result.ok())
    throw RuntimeError(fmt::format(
        "cosign {} {} failed (exit {}): {}", spec.argv[1], spec.argv.back(), result.exit_code,
        one_line(cosign_error(result.err.empty() ? result.out : result.err))));
}

}  // namespace

ProcessSpec cosign_key_check_command(const CosignOptions& options) {
  return cosign_spec(options, {"public-key", "--key", options.key.string()}, /*signing=*/true);
}

void check_signing_key(ProcessRunner& runner, const CosignOptions& options) {
  try {
    run_cosign(runner, cosign_key_check_command(options));
  } catch (const RuntimeError& e) {
    throw RuntimeError(
        fmt::format("{}: nothing pushed; check the key's password "
                    "(--sign-password-file or COSIGN_PASSWORD)",
                    e.what()));
  }
}

std::vector<ProcessSpec> image_signing_commands(const CosignOptions& options,
                                                const OciLayout& layout, const LayoutImage& image,
                                                const std::string& repository,
                                                const std::filesystem::path& predicate_dir,
                                                bool write_predicates) {
  std::vector<std::string> digests;
  for (const auto& m : image.manifests) digests.push_back(m.digest);
  digests.push_back(image.entry.digest);
  std::vector<CosignAttestation> attestations;
  for (const auto& entry : layout_attestations(layout, image)) {
    for (const auto& statement : entry.statements) {
      std::string type = cosign_predicate_type(statement.predicate_type);
      if (type.empty()) continue;
      std::filesystem::path file = predicate_dir / (statement.layer.digest.substr(7) + ".json");
      if (write_predicates) {
        auto json = nlohmann::json::parse(layout.read_blob(statement.layer));
        atomic_write_file(file, json["predicate"].dump());
      }
      attestations.push_back({entry.image_manifest.digest, type, file});
    }
  }
  return cosign_sign_commands(options, repository, digests, attestations);
}

size_t sign_pushed_image(ProcessRunner& runner, const CosignOptions& options,
                         const OciLayout& layout, const LayoutImage& image,
                         const std::string& repository) {
  WorkDir predicates("multiarch-sign");  // 0700: the predicates are the image's, not secret
  auto commands = image_signing_commands(options, layout, image, repository, predicates.path(),
                                         /*write_predicates=*/true);
  for (const auto& spec : commands) run_cosign(runner, spec);
  return commands.size();
}

std::vector<std::string> verify_signed_image(ProcessRunner& runner, const CosignOptions& options,
                                             const ImageReference& reference,
                                             const OciLayout* layout, const std::string& tag) {
  std::vector<std::string> passed;
  for (const auto& spec : cosign_verify_commands(options, reference.str(), {})) {
    run_cosign(runner, spec);
    passed.push_back("verified signature of " + reference.str());
  }
  if (!layout) return passed;
  LayoutImage image = select_layout_image(*layout, tag);
  if (!reference.digest.empty() && reference.digest != image.entry.digest)
    throw RuntimeError(
        fmt::format("{} is not the layout's image ({})", reference.str(), image.entry.digest));
  auto attestations = layout_attestations(*layout, image);
  for (const auto& m : image.manifests) {
    std::string ref = reference.name() + "@" + m.digest;
    std::vector<std::string> types;
    for (const auto& entry : attestations)
      if (entry.image_manifest.digest == m.digest)
        for (const auto& statement : entry.statements)
          if (auto type = cosign_predicate_type(statement.predicate_type); !type.empty())
            types.push_back(type);
    auto commands = cosign_verify_commands(options, ref, types);
    for (size_t i = 0; i < commands.size(); ++i) {
      run_cosign(runner, commands[i]);
      passed.push_back(i == 0 ? "verified signature of " + ref
                              : "verified " + types[i - 1] + " attestation of " + ref);
    }
  }
  return passed;
}

}  // namespace multiarch
