#pragma once
// What `multiarch image test --record DIR` leaves for `image push --require-tested DIR`: one
// file per platform that passed, naming the index and manifest digests it passed for. A push
// is then refused unless every platform of the image it sends passed for that exact index
// (the CMake option MULTIARCH_PUSH_REQUIRES_TEST; docs/test.md).
#include <filesystem>
#include <string>
#include <vector>

#include "platform/platform.hpp"
#include "publish/image_test.hpp"
#include "publish/layout_images.hpp"

namespace multiarch {

/// For each platform of `report`: DIR/<slug>.json ({platform, index_digest, manifest_digest,
/// check, seconds, cpu_model}) when it passed; removed when it did not, so an earlier pass
/// of the same platform no longer counts. Creates DIR. Throws RuntimeError naming a file
/// that cannot be written.
void update_test_records(const std::filesystem::path& dir, const ImageTestReport& report);

/// The platforms of `image` that lack a record of a pass for image.entry.digest in `dir`, each
/// as "linux/arm/v6: <why>" (never passed, or passed for another index); empty when all did.
std::vector<std::string> untested_platforms(const std::filesystem::path& dir,
                                            const LayoutImage& image, const Platform& host);

}  // namespace multiarch
