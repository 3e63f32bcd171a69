// `multiarch image pull` and `multiarch image merge`: the registry-side actions besides push.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/image_cli.hpp"
#include "cli/registry_options.hpp"
#include "oci/image_reference.hpp"
#include "oci/oci_layout.hpp"
#include "publish/registry_connection.hpp"
#include "publish/registry_merge.hpp"
#include "publish/registry_pull.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch::cli {

int image_pull(CliContext& ctx, const std::vector<std::string>& args) {
  cxxopts::Options options("multiarch image pull",
                           "Pull an image (index or single manifest) into an OCI layout.");
  options.add_options()("ref", "REGISTRY/REPO[:TAG][@DIGEST] to pull",
                        cxxopts::value<std::string>())(
      "layout", "the OCI layout folder to write (created, or an existing layout updated)",
      cxxopts::value<std::string>())(
      "tag",
      "its org.opencontainers.image.ref.name in index.json (default: the reference's tag, "
      "else latest)",
      cxxopts::value<std::string>())("jobs", "blobs in flight",
                                     cxxopts::value<std::string>()->default_value("4"))(
      "json", "print the result as JSON");
  add_registry_options(options);
  options.parse_positional({"ref"});
  bool help = false;
  auto parsed = parse_action(options, args, ctx,
                             "Every manifest and blob is checked against its digest; blobs the "
                             "layout has are not fetched again. See docs/registry.md.\n",
                             help, {"", "registry"});
  if (help) return 0;
  if (!parsed.count("ref")) throw InputError("image pull: give REGISTRY/REPO:TAG to pull");
  if (!parsed.count("layout")) throw InputError("--layout DIR is required");
  ImageReference source = parse_image_reference(parsed["ref"].as<std::string>(), "image pull");
  if (source.domain.empty())
    throw InputError(fmt::format("image pull \"{}\": name the registry (REGISTRY/REPO:TAG)",
                                 parsed["ref"].as<std::string>()));
  std::string tag = value_or(parsed, "tag", source.tag.empty() ? "latest" : source.tag);
  check_tag(tag, "--tag");
  auto connection = registry_connection_options(parsed);
  auto registry = connect_registry(source.domain, connection, ctx.runner);

  OciLayout layout(parsed["layout"].as<std::string>());
  LayoutTransaction tx(layout);
  RegistryPullOptions pull;
  pull.source = source;
  pull.jobs = static_cast<unsigned>(int_option(parsed, "jobs", 1));
  auto result = pull_image(*registry.client, layout, tx, pull);
  Descriptor entry = result.top;
  entry.annotations[kRefNameAnnotation] = tag;
  entry.annotations["io.containerd.image.name"] = source.name() + ":" + tag;
  tx.write_index_json(index_json_with_entry(layout, entry));
  tx.commit();
  if (parsed.count("json")) {
    nlohmann::ordered_json j;
    j["reference"] = source.str();
    j["layout"] = layout.root().string();
    j["tag"] = tag;
    j["digest"] = result.top.digest;
    j["mediaType"] = result.top.media_type;
    j["manifests"] = result.manifests;
    j["blobsFetched"] = result.blobs_fetched;
    j["blobsPresent"] = result.blobs_present;
    j["bytesFetched"] = result.bytes_fetched;
    fmt::print(ctx.out, "{}\n", j.dump(2));
  } else {
    fmt::print(ctx.err, "multiarch image: {} manifests, {} blobs fetched ({}), {} already there\n",
               result.manifests, result.blobs_fetched, human_size(result.bytes_fetched),
               result.blobs_present);
    fmt::print(ctx.out, "{}:{} {}\n", layout.root().string(), tag, result.top.digest);
  }
  return 0;
}

int image_merge(CliContext& ctx, const std::vector<std::string>& args) {
  cxxopts::Options options(
      "multiarch image merge",
      "Make one image index from manifests pushed by digest (e.g. by other CI jobs) and push it.");
  options.add_options()("to", "REGISTRY/REPO:TAG: where the sources are and the tag to set",
                        cxxopts::value<std::string>())(
      "digest", "sha256:... of a manifest or index in that repository (repeatable)",
      cxxopts::value<std::string>())("metadata-file",
                                     "a file `image push --metadata-file` wrote (repeatable)",
                                     cxxopts::value<std::string>())(
      "json", "print the result as JSON")("dry-run", "build the index and print it; push nothing");
  add_registry_options(options);
  bool help = false;
  auto parsed = parse_action(options, args, ctx,
                             "Platforms are read from each image's config; a platform given "
                             "twice is refused. See docs/registry.md.\n",
                             help, {"", "registry"});
  if (help) return 0;
  if (!parsed.count("to")) throw InputError("--to REGISTRY/REPO:TAG is required");
  ImageReference to = parse_image_reference(parsed["to"].as<std::string>(), "--to");
  if (to.domain.empty() || to.tag.empty() || !to.digest.empty())
    throw InputError(
        fmt::format("--to \"{}\": expected REGISTRY/REPO:TAG", parsed["to"].as<std::string>()));
  std::vector<std::string> digests = all_values(parsed, "digest");
  for (const auto& file : all_values(parsed, "metadata-file")) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(read_file(file));
    } catch (const std::exception& e) {
      throw InputError(fmt::format("--metadata-file {}: not readable JSON ({})", file, e.what()));
    }
    if (!j.contains("digest") || !j["digest"].is_string() || !j.contains("name"))
      throw InputError(fmt::format(
          "--metadata-file {}: no name and digest (write it with image push --metadata-file)",
          file));
    if (j["name"].get<std::string>() != to.name())
      throw InputError(fmt::format(
          "--metadata-file {}: pushed to {}, not {}; push every platform to the --to repository",
          file, j["name"].get<std::string>(), to.name()));
    digests.push_back(j["digest"]);
  }
  if (digests.empty()) throw InputError("give --digest D or --metadata-file F (one per platform)");

  auto connection = registry_connection_options(parsed);
  auto registry = connect_registry(to.domain, connection, ctx.runner);
  MergePlan plan = plan_merge(*registry.client, to, digests);
  if (parsed.count("dry-run")) {
    fmt::print(ctx.out, "{}\n", plan.index);
    return 0;
  }
  push_merged_index(*registry.client, to, plan);
  if (parsed.count("json")) {
    nlohmann::ordered_json j;
    j["reference"] = to.str();
    j["digest"] = plan.digest;
    j["manifests"] = nlohmann::ordered_json::array();
    for (const auto& m : plan.manifests) j["manifests"].push_back(descriptor_json(m));
    fmt::print(ctx.out, "{}\n", j.dump(2));
  } else {
    for (const auto& m : plan.manifests)
      if (m.platform) fmt::print(ctx.err, "  {:<16} {}\n", platform_spec(*m.platform), m.digest);
    fmt::print(ctx.out, "{}@{}\n", to.str(), plan.digest);
  }
  return 0;
}

}  // namespace multiarch::cli
