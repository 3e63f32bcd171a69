// `multiarch image push`: a layout's image to a registry with multiarch's own registry client
// (publish/registry_push.hpp), or through skopeo with --pusher skopeo.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/image_cli.hpp"
#include "cli/native_push.hpp"
#include "cli/options.hpp"
#include "cli/registry_options.hpp"
#include "oci/image_reference.hpp"
#include "publish/image_push.hpp"
#include "publish/image_signing.hpp"
#include "publish/layout_images.hpp"
#include "publish/registry_connection.hpp"
#include "publish/registry_push.hpp"
#include "publish/test_record.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch::cli {
namespace fs = std::filesystem;

namespace {

constexpr const char* kImagePushHelp =
    "Pushes blobs first (several at once; a HEAD check skips what the registry has, so a rerun\n"
    "after an interruption sends only what is missing), then the manifests, and the index last:\n"
    "the tag moves only when everything below it is there. Credentials: --creds-file FILE,\n"
    "--creds - (stdin), --authfile, $REGISTRY_AUTH_FILE or ~/.docker/config.json (auths,\n"
    "credsStore, credHelpers). HTTPS with the system CAs (or --ca-file); plain HTTP only for\n"
    "loopback registries or --insecure HOST. See docs/registry.md.\n";

uint64_t mebibytes(const cxxopts::ParseResult& parsed, const char* name) {
  return static_cast<uint64_t>(int_option(parsed, name, 1)) << 20;  // MiB
}

/// --to as a push destination: a registry, no digest; a tag unless --by-digest (default:
/// the image's own tag, else latest). Throws InputError naming --to.
ImageReference push_destination(const std::string& to, const LayoutImage& image, bool by_digest) {
  ImageReference destination = parse_image_reference(to, "--to");
  if (!destination.digest.empty())
    throw InputError(fmt::format("--to \"{}\": push to a tag, not a digest", to));
  if (destination.domain.empty())
    throw InputError(fmt::format("--to \"{}\": name the registry (REGISTRY/REPO:TAG)", to));
  if (by_digest && !destination.tag.empty())
    throw InputError(
        fmt::format("--to \"{}\" with --by-digest: give the repository without a tag", to));
  if (!by_digest && destination.tag.empty())
    destination.tag = image.tag.empty() ? "latest" : image.tag;
  return destination;
}

/// cosign's settings from --sign-key (empty key: no signing). Throws InputError for a
/// missing key file.
CosignOptions cosign_options(const cxxopts::ParseResult& parsed,
                             const RegistryConnectionOptions& connection,
                             const ImageReference& destination) {
  CosignOptions cosign;
  if (!parsed.count("sign-key")) return cosign;
  cosign.key = parsed["sign-key"].as<std::string>();
  if (!fs::is_regular_file(cosign.key))
    throw InputError(
        fmt::format("--sign-key {}: no such file (make a key pair with `cosign generate-key-pair`)",
                    cosign.key.string()));
  cosign.password = cosign_password(value_or(parsed, "sign-password-file"));
  cosign.cosign = parsed["cosign"].as<std::string>();
  for (const auto& host : connection.insecure_hosts)
    if (host == destination.domain) cosign.plain_http = true;
  if (is_loopback_domain(destination.domain)) cosign.plain_http = true;
  return cosign;
}

/// What `image push` works on, once its options are checked.
struct PushJob {
  const OciLayout& layout;
  const LayoutImage& image;
  ImageReference destination;
  RegistryConnectionOptions connection;
  CosignOptions cosign;
  std::string metadata_file;
  bool by_digest = false;
  bool dry_run = false;

  /// Before the push: the key opens with its password, so a failed signing never leaves the
  /// tag moved to an unsigned image.
  void check_key(CliContext& ctx) const {
    if (!cosign.key.empty()) check_signing_key(ctx.runner, cosign);
  }
  /// The cosign commands a push would run: the key check before it, the signing after it
  /// (for --dry-run).
  void show_signing(std::ostream& out) const {
    if (cosign.key.empty()) return;
    fmt::print(out, "{}\n", display_command(cosign_key_check_command(cosign).argv));
    for (const auto& spec :
         image_signing_commands(cosign, layout, image, destination.name(), "PREDICATES", false))
      fmt::print(out, "{}\n", display_command(spec.argv));
  }
  /// After the push (either pusher): cosign signs the digests now in the registry.
  void sign(CliContext& ctx) const {
    if (cosign.key.empty()) return;
    size_t signed_count = sign_pushed_image(ctx.runner, cosign, layout, image, destination.name());
    fmt::print(ctx.err, "multiarch image: {} signatures and attestations made with {}\n",
               signed_count, cosign.key.string());
  }
};

int push_through_skopeo(CliContext& ctx, const cxxopts::ParseResult& parsed, const PushJob& job) {
  if (job.by_digest || parsed.count("mount-from"))
    throw InputError("--by-digest and --mount-from need --pusher native");
  PushOptions push;
  push.layout = job.layout.root();
  push.source_tag = job.image.tag;
  push.destination = job.destination;
  for (const auto& host : job.connection.insecure_hosts)
    if (host == job.destination.domain) push.insecure = true;
  push.authfile = job.connection.authfile;
  push.skopeo = parsed["skopeo"].as<std::string>();
  if (job.connection.credentials)
    push.credentials =
        job.connection.credentials->username + ":" + job.connection.credentials->password;
  if (job.dry_run) {
    if (!push.credentials.empty()) push.dest_authfile = "PRIVATE-0600-AUTHFILE-WITH-CREDS";
    push.digest_file = "DIGESTFILE";
    fmt::print(ctx.out, "{}\n", display_command(skopeo_push_argv(push)));
    job.show_signing(ctx.out);
    return 0;
  }
  job.check_key(ctx);
  fmt::print(ctx.err, "multiarch image: pushing {} ({} platform{}) to {} with skopeo\n",
             job.image.entry.digest, job.image.manifests.size(),
             job.image.manifests.size() == 1 ? "" : "s", push.destination.str());
  std::string pushed = push_with_skopeo(ctx.runner, push);
  if (pushed != job.image.entry.digest)
    throw RuntimeError(fmt::format("the registry has {} but the layout's index is {}", pushed,
                                   job.image.entry.digest));
  job.sign(ctx);
  if (!job.metadata_file.empty())
    write_image_metadata(
        job.metadata_file,
        pushed_metadata(job.layout, job.image, {job.destination}, job.image.entry, false));
  fmt::print(ctx.out, "{}@{}\n", push.destination.str(), pushed);
  return 0;
}

void render_push_result(CliContext& ctx, const RegistryPushResult& result,
                        const ImageMetadata& pushed, const std::string& target, bool json) {
  if (json) {
    nlohmann::ordered_json metadata = image_metadata_object(pushed);
    nlohmann::ordered_json j;
    j["event"] = "pushed";
    j["reference"] = target;
    for (const char* key : {"name", "tag", "digest", "mediaType", "size", "platforms"})
      if (metadata.contains(key)) j[key] = metadata[key];
    j["blobs"] = {{"total", result.blobs_total},
                  {"pushed", result.blobs_pushed},
                  {"existing", result.blobs_existing},
                  {"mounted", result.blobs_mounted},
                  {"bytesPushed", result.bytes_pushed}};
    j["manifests"] = {{"total", result.manifests_total}, {"pushed", result.manifests_pushed}};
    fmt::print(ctx.out, "{}\n", j.dump());
    return;
  }
  print_push_summary(ctx.err, result, "multiarch image");
  fmt::print(ctx.out, "{}\n", pushed.pushed.front());
}

int push_job_natively(CliContext& ctx, const cxxopts::ParseResult& parsed, const PushJob& job) {
  RegistryPushOptions push;
  push.destination = job.destination;
  push.by_digest = job.by_digest;
  push.mount_from = all_values(parsed, "mount-from");
  for (const auto& from : push.mount_from) check_repository_name(from, "--mount-from");
  push.jobs = static_cast<unsigned>(int_option(parsed, "jobs", 1));
  push.chunk_threshold = mebibytes(parsed, "chunk-threshold");
  push.chunk_size = mebibytes(parsed, "chunk-size");
  std::string target =
      job.by_digest ? job.destination.name() + "@" + job.image.entry.digest : job.destination.str();
  if (job.dry_run) {
    auto content = collect_image_content(job.layout, job.image.entry);
    uint64_t bytes = 0;
    for (const auto& blob : content.blobs) bytes += blob.size;
    fmt::print(ctx.out, "would push {} ({} blobs, {}, then {} manifests) to {}\n",
               job.image.entry.digest, content.blobs.size(), human_size(bytes),
               content.manifests.size(), target);
    job.show_signing(ctx.out);
    return 0;
  }

  NativePushReport report;
  report.json = parsed.count("json") > 0;
  job.check_key(ctx);
  RegistryPushResult result =
      push_natively(ctx, job.layout, job.image, push, job.connection, report);
  job.sign(ctx);

  Descriptor pushed_index{result.media_type, result.digest, result.size, {}, {}};
  ImageMetadata pushed =
      pushed_metadata(job.layout, job.image, {job.destination}, pushed_index, job.by_digest);
  if (!job.metadata_file.empty()) write_image_metadata(job.metadata_file, pushed);
  render_push_result(ctx, result, pushed, target, report.json);
  return 0;
}

}  // namespace

int image_push(CliContext& ctx, const std::vector<std::string>& args) {
  cxxopts::Options options("multiarch image push",
                           "Push a layout's image (index, manifests, blobs) to a registry, "
                           "digests preserved.");
  options.add_options()("layout", "the OCI layout folder", cxxopts::value<std::string>())(
      "ref", "which image of the layout (its tag; default: the only one)",
      cxxopts::value<std::string>())("to", "REGISTRY/REPO[:TAG] to push to",
                                     cxxopts::value<std::string>())(
      "by-digest", "push without a tag (the index only by its digest), for `image merge`")(
      "metadata-file", "write name, tag, digest, platforms, manifests, pushed as JSON here",
      cxxopts::value<std::string>())("mount-from",
                                     "REPO on the same registry to mount blobs from (repeatable)",
                                     cxxopts::value<std::string>())(
      "jobs", "blobs in flight", cxxopts::value<std::string>()->default_value("4"))(
      "chunk-threshold", "MiB: larger blobs are sent in chunks",
      cxxopts::value<std::string>()->default_value("64"))(
      "chunk-size", "MiB per chunk", cxxopts::value<std::string>()->default_value("16"))(
      "pusher", "native (multiarch's client) or skopeo",
      cxxopts::value<std::string>()->default_value("native"))(
      "skopeo", "the skopeo program (--pusher skopeo)",
      cxxopts::value<std::string>()->default_value("skopeo"))(
      "sign-key", "cosign private key: sign every manifest, the index and the attestations",
      cxxopts::value<std::string>())(
      "sign-password-file", "a 0600 file holding the key's password (else $COSIGN_PASSWORD)",
      cxxopts::value<std::string>())("cosign", "the cosign program",
                                     cxxopts::value<std::string>()->default_value("cosign"))(
      "json", "events as JSON lines on stdout, the result last")(
      "require-tested",
      "refuse unless every platform passed `image test --record DIR` for this exact index",
      cxxopts::value<std::string>())("dry-run", "say what would be pushed; push nothing");
  add_registry_options(options);
  bool help = false;
  auto parsed = parse_action(options, args, ctx, kImagePushHelp, help, {"", "registry"});
  if (help) return 0;
  if (!parsed.count("layout")) throw InputError("--layout DIR is required");
  if (!parsed.count("to")) throw InputError("--to REGISTRY/REPO:TAG is required");
  std::string pusher = parsed["pusher"].as<std::string>();
  if (pusher != "native" && pusher != "skopeo")
    throw InputError(fmt::format("--pusher \"{}\": expected native or skopeo", pusher));
  bool by_digest = parsed.count("by-digest") > 0;
  OciLayout layout(parsed["layout"].as<std::string>());
  LayoutImage image = select_layout_image(layout, value_or(parsed, "ref"));
  if (parsed.count("require-tested")) {
    std::string records = parsed["require-tested"].as<std::string>();
    auto untested = untested_platforms(records, image, ctx.host);
    if (!untested.empty())
      throw RuntimeError(fmt::format(
          "refusing to push {}: not every platform passed `image test` for it ({}); test it "
          "with `multiarch image test --record {}` (CMake: ctest -L multiarch, or test-<name>)",
          image.entry.digest, join(untested, "; "), records));
  }
  ImageReference destination = push_destination(parsed["to"].as<std::string>(), image, by_digest);
  RegistryConnectionOptions connection = registry_connection_options(parsed);
  CosignOptions cosign = cosign_options(parsed, connection, destination);
  PushJob job{layout, image, destination, connection, cosign, value_or(parsed, "metadata-file")};
  job.by_digest = by_digest;
  job.dry_run = parsed.count("dry-run") > 0;
  return pusher == "skopeo" ? push_through_skopeo(ctx, parsed, job)
                            : push_job_natively(ctx, parsed, job);
}

}  // namespace multiarch::cli
