#include "image/image_index.hpp"

#include "oci/attestation_manifest.hpp"
#include "oci/oci_manifest.hpp"

namespace multiarch {
namespace {

constexpr const char* kIndexImageNameAnnotation = "io.containerd.image.name";

std::optional<Descriptor> index_entry_of(const IndexedImage& image) {
  if (!image.attestation) return std::nullopt;
  return attestation_index_entry(*image.attestation, image.manifest.digest);
}

}  // namespace

std::vector<Descriptor> attested_index_manifests(const std::vector<IndexedImage>& images) {
  std::vector<Descriptor> manifests;
  for (const auto& image : images) manifests.push_back(image.manifest);
  for (const auto& image : images)
    if (auto entry = index_entry_of(image)) manifests.push_back(*entry);
  return manifests;
}

WrittenIndex write_attested_index(LayoutTransaction& transaction, const OciLayout& layout,
                                  const std::vector<IndexedImage>& images,
                                  const std::map<std::string, std::string>& annotations,
                                  const std::string& tag, const std::string& image_name) {
  WrittenIndex written;
  for (const auto& image : images) written.attestation_entries.push_back(index_entry_of(image));
  written.index = transaction.put_blob(media_type::kOciIndex,
                                       index_json(attested_index_manifests(images), annotations));
  Descriptor entry = written.index;
  entry.annotations[kRefNameAnnotation] = tag;
  if (!image_name.empty()) entry.annotations[kIndexImageNameAnnotation] = image_name;
  written.index_json_written = transaction.write_index_json(index_json_with_entry(layout, entry));
  return written;
}

}  // namespace multiarch
