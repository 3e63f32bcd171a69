#include "cli/native_push.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/image_cli.hpp"
#include "cli/push_progress.hpp"
#include "publish/layout_metadata.hpp"

namespace multiarch::cli {

ImageMetadata pushed_metadata(const OciLayout& layout, const LayoutImage& image,
                              const std::vector<ImageReference>& destinations,
                              const Descriptor& index, bool by_digest) {
  ImageMetadata metadata = layout_image_metadata(layout, image);
  const ImageReference& first = destinations.front();
  metadata.name = first.name();
  metadata.tag = by_digest ? "" : first.tag;
  metadata.references.clear();
  metadata.pushed.clear();
  for (const auto& destination : destinations) {
    if (!by_digest) metadata.references.push_back(destination.str());
    metadata.pushed.push_back((by_digest ? destination.name() : destination.str()) + "@" +
                              index.digest);
  }
  metadata.index = index;
  return metadata;
}

RegistryPushResult push_natively(CliContext& ctx, const OciLayout& layout, const LayoutImage& image,
                                 RegistryPushOptions push, RegistryConnectionOptions connection,
                                 const NativePushReport& report) {
  const ImageReference& destination = push.destination;
  std::string target =
      push.by_digest ? destination.name() + "@" + image.entry.digest : destination.str();
  PushProgress progress(PushProgress::mode_for(report.json), ctx.out, ctx.err);
  connection.on_retry = [&](const std::string& what, int attempt, const std::string& reason) {
    progress.retry(what, attempt, reason);
  };
  push.on_event = [&](const PushEvent& event) { progress(event); };
  auto registry = connect_registry(destination.domain, connection, ctx.runner);
  if (!report.json)
    fmt::print(ctx.err, "{}: pushing {} ({} platform{}) to {}\n", report.prefix, image.entry.digest,
               image.manifests.size(), image.manifests.size() == 1 ? "" : "s", target);
  RegistryPushResult result;
  try {
    result = push_layout_image(*registry.client, layout, image.entry, push);
  } catch (...) {
    progress.finish();
    throw;
  }
  progress.finish();
  return result;
}

void print_push_summary(std::ostream& err, const RegistryPushResult& result,
                        const std::string& prefix) {
  fmt::print(err,
             "{}: {} of {} blobs sent ({}), {} already there, {} mounted; {} of {} manifests "
             "sent\n",
             prefix, result.blobs_pushed, result.blobs_total, human_size(result.bytes_pushed),
             result.blobs_existing, result.blobs_mounted, result.manifests_pushed,
             result.manifests_total);
}

}  // namespace multiarch::cli
