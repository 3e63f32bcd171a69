#include "image/image_metadata.hpp"

#include <nlohmann/json.hpp>

#include "oci/image_reference.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace multiarch {

ImageMetadata assemble_metadata(const AssembleRequest& request, const AssembleResult& result) {
  ImageMetadata metadata;
  metadata.name = split_name_tag(request.image_name).first;
  metadata.tag = request.tag;
  if (!request.image_name.empty()) metadata.references = {request.image_name};
  metadata.index = result.index;
  for (const auto& p : result.platforms) {
    uint64_t size = p.manifest.size + p.config.size;
    for (const auto& l : p.layers) size += l.size;
    metadata.platforms.push_back(PlatformMetadata{p.platform.str(), p.manifest.digest, size,
                                                  p.attestation ? p.attestation->digest : ""});
  }
  return metadata;
}

nlohmann::ordered_json image_metadata_object(const ImageMetadata& metadata) {
  nlohmann::ordered_json j;
  j["name"] = metadata.name;
  if (!metadata.tag.empty()) j["tag"] = metadata.tag;
  j["digest"] = metadata.index.digest;
  j["mediaType"] = metadata.index.media_type;
  j["size"] = metadata.index.size;
  j["platforms"] = nlohmann::ordered_json::array();
  j["manifests"] = nlohmann::ordered_json::array();
  for (const auto& p : metadata.platforms) {
    j["platforms"].push_back(p.platform);
    nlohmann::ordered_json pj;
    pj["platform"] = p.platform;
    pj["digest"] = p.digest;
    pj["size"] = p.size;
    if (!p.attestation.empty()) pj["attestation"] = p.attestation;
    j["manifests"].push_back(pj);
  }
  if (!metadata.pushed.empty()) j["pushed"] = metadata.pushed;
  std::string image_name = join(metadata.references, ",");
  if (image_name.empty() && !metadata.name.empty())
    image_name = metadata.name + (metadata.tag.empty() ? "" : ":" + metadata.tag);
  j["image.name"] = image_name;
  j["containerimage.digest"] = metadata.index.digest;
  j["containerimage.descriptor"] = {{"mediaType", metadata.index.media_type},
                                    {"digest", metadata.index.digest},
                                    {"size", metadata.index.size}};
  return j;
}

std::string image_metadata_json(const ImageMetadata& metadata) {
  return image_metadata_object(metadata).dump(2) + "\n";
}

void write_image_metadata(const std::filesystem::path& path, const ImageMetadata& metadata) {
  atomic_write_file(path, image_metadata_json(metadata));
}

}  // namespace multiarch
