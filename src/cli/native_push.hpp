#pragma once
// Pushing a layout's image with multiarch's own registry client (publish/registry_push.hpp),
// shared by `multiarch image push` and `multiarch buildx --push` (which builds a layout in its
// work folder, attaches its attestations and pushes that): the connection, the progress, the
// summary line and the metadata file of the push.
#include <iosfwd>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "image/image_metadata.hpp"
#include "oci/image_reference.hpp"
#include "oci/oci_layout.hpp"
#include "publish/layout_images.hpp"
#include "publish/registry_connection.hpp"
#include "publish/registry_push.hpp"

namespace multiarch::cli {

/// The metadata file of a push (image/image_metadata.hpp): the layout's platforms, the first
/// destination's repository and tag, the index the registry has, and REF@DIGEST per
/// destination (REPO@DIGEST by digest).
ImageMetadata pushed_metadata(const OciLayout& layout, const LayoutImage& image,
                              const std::vector<ImageReference>& destinations,
                              const Descriptor& index, bool by_digest);

/// How a native push reports itself.
struct NativePushReport {
  std::string prefix = "multiarch image";  ///< starts the lines on stderr
  bool json = false;                       ///< events as JSON lines on stdout, no text lines
};

/// Pushes `image` of `layout` to `push.destination` (REF, or REPO@DIGEST with by_digest) with
/// progress (cli/push_progress.hpp) and a "pushing ..." line first. `connection.on_retry` is
/// set here. Throws RuntimeError naming the registry and the failing step.
RegistryPushResult push_natively(CliContext& ctx, const OciLayout& layout, const LayoutImage& image,
                                 RegistryPushOptions push, RegistryConnectionOptions connection,
                                 const NativePushReport& report);

/// "PREFIX: N of M blobs sent (SIZE), ..." on `err`.
void print_push_summary(std::ostream& err, const RegistryPushResult& result,
                        const std::string& prefix);

}  // namespace multiarch::cli
