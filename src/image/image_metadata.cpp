#include "image/image_metadata.hpp"

#include <nlohmann/json.hpp>

#include "util/fs.hpp"

namespace multiarch {

ImageMetadata assemble_metadata(const AssembleRequest& request, const AssembleResult& result) {
  ImageMetadata metadata;
  metadata.name = request.image_name;
  metadata.tags = {request.tag};
  metadata.index = result.index;
  for (const auto& p : result.platforms) {
    uint64_t size = p.manifest.size + p.config.size;
    for (const auto& l : p.layers) size += l.size;
    metadata.platforms.push_back(PlatformMetadata{p.platform.str(), p.manifest.digest, size,
                                                  p.attestation ? p.attestation->digest : ""});
  }
  return metadata;
}

std::string image_metadata_json(const ImageMetadata& metadata) {
  nlohmann::ordered_json j;
  j["image.name"] = metadata.name;
  j["tags"] = metadata.tags;
  j["containerimage.digest"] = metadata.index.digest;
  nlohmann::ordered_json descriptor;
  descriptor["mediaType"] = metadata.index.media_type;
  descriptor["digest"] = metadata.index.digest;
  descriptor["size"] = metadata.index.size;
  j["containerimage.descriptor"] = descriptor;
  j["platforms"] = nlohmann::ordered_json::array();
  for (const auto& p : metadata.platforms) {
    nlohmann::ordered_json pj;
    pj["platform"] = p.platform;
    pj["digest"] = p.digest;
    pj["size"] = p.size;
    if (!p.attestation.empty()) pj["attestation"] = p.attestation;
    j["platforms"].push_back(pj);
  }
  j["pushed"] = metadata.pushed;
  return j.dump(2) + "\n";
}

void write_image_metadata(const std::filesystem::path& path, const ImageMetadata& metadata) {
  atomic_write_file(path, image_metadata_json(metadata));
}

}  // namespace multiarch
