// `multiarch image layer`: one platform's layer into a layer store, ahead of `image assemble
// --layer-store` (image/layer_store.hpp). The layer options are image assemble's, read into
// the same AssembleOptions and planned by the same plan_image_assembly(), so both compute the
// same cache key for the same flags.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <nlohmann/json.hpp>

#include "cli/image_cli.hpp"
#include "image/assemble_plan.hpp"
#include "image/layer_store.hpp"
#include "util/error.hpp"

namespace multiarch::cli {
namespace {

AssembleOptions layer_options(const cxxopts::ParseResult& parsed) {
  AssembleOptions o;
  read_layer_options(parsed, o);
  o.binary_specs = all_values(parsed, "binary");
  if (o.binary_specs.size() != 1)
    throw InputError(fmt::format(
        "--binary PLATFORM=PATH: give exactly one (a layer store holds one platform's layer); "
        "{} given",
        o.binary_specs.size()));
  o.output = value_or(parsed, "output");
  if (o.output.empty()) throw InputError("--output DIR (the layer store) is required");
  o.revision = "";  // the layer has no annotations: no `git log` for a revision
  return o;
}

cxxopts::Options image_layer_options() {
  cxxopts::Options options(
      "multiarch image layer",
      "Build one platform's image layer into a layer store, for `image assemble --layer-store`.");
  options.add_options()("binary", "PLATFORM=PATH: the one binary", cxxopts::value<std::string>())(
      "output", "the layer store folder (one per platform)", cxxopts::value<std::string>())(
      "source-date-epoch", "seconds since 1970: every file's mtime in the layer",
      cxxopts::value<std::string>())("module-dir", "git folder for the default epoch",
                                     cxxopts::value<std::string>())(
      "depfile", "write a Makefile-syntax depfile of the binary and the --file files and folders",
      cxxopts::value<std::string>())(
      "depfile-target", "the target named in --depfile (default: OUTPUT/layer.json)",
      cxxopts::value<std::string>())("json", "print the result as JSON");
  add_layer_content_options(options, "", "time zone: its zoneinfo file");
  add_compression_options(options, "");
  return options;
}

void render_stored_layer(std::ostream& out, const StoredLayer& stored, int64_t epoch, bool json) {
  if (json) {
    nlohmann::ordered_json j;
    j["store"] = stored.store.string();
    j["platform"] = stored.platform.str();
    j["media_type"] = stored.layer.blob.media_type;
    j["digest"] = stored.layer.blob.digest;
    j["size"] = stored.layer.blob.size;
    j["diff_id"] = stored.layer.diff_id;
    j["tar_size"] = stored.layer.tar_size;
    j["epoch"] = epoch;
    j["cached"] = stored.cached;
    j["record_written"] = stored.record_written;
    fmt::print(out, "{}\n", j.dump(2));
    return;
  }
  fmt::print(out, "{:<16} {}  {:>10}  {}{}\n", stored.platform.str(), stored.layer.blob.digest,
             human_size(stored.layer.blob.size), stored.store.string(),
             stored.cached ? "  (cached)" : "");
}

}  // namespace

int image_layer(CliContext& ctx, const std::vector<std::string>& args) {
  auto options = image_layer_options();
  bool help = false;
  auto parsed = parse_action(
      options, args, ctx,
      "The layer is the one `image assemble` with the same --binary, --binary-path, --file,\n"
      "--ca-certs, --tz, --compression and epoch would build; `image assemble --layer-store\n"
      "PLATFORM=DIR` links it instead of compressing again. OUTPUT/layer.json names it and\n"
      "changes only when the layer does. Epoch: --source-date-epoch, else $SOURCE_DATE_EPOCH,\n"
      "else the last commit time of --module-dir (default: the binary's folder), else 0.\n"
      "See docs/image.md.\n",
      help);
  if (help) return 0;

  AssemblePlan plan = plan_image_assembly(layer_options(parsed), ctx.runner, ctx.host);
  SystemFileStatter statter;
  StoredLayer stored = store_layer(plan.request, statter, [&](const std::string& line) {
    fmt::print(ctx.err, "multiarch image: {}\n", line);
  });
  render_stored_layer(ctx.out, stored, plan.epoch.seconds, parsed.count("json") > 0);
  return 0;
}

}  // namespace multiarch::cli
