#include "publish/registry_pull.hpp"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "oci/oci_manifest.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace multiarch {

std::string manifest_accept_header() {
  return fmt::format("{}, {}, {}, {}", media_type::kOciIndex, media_type::kOciManifest,
                     media_type::kDockerManifestList, media_type::kDockerManifest);
}

namespace {

std::vector<std::string> pull_scope(const std::string& repository) {
  return {"repository:" + repository + ":pull"};
}

/// Hashes what it passes on to the blob file.
class HashingSink : public ByteSink {
 public:
  using ByteSink::write;
  explicit HashingSink(ByteSink& next) : next_(next) {}
  void write(const void* data, size_t size) override {
    sha_.update(data, size);
    size_ += size;
    next_.write(data, size);
  }
  /// Call once, after the last write.
  std::string digest() { return "sha256:" + sha_.hex_digest(); }
  uint64_t size() const { return size_; }

 private:
  ByteSink& next_;
  Sha256 sha_;
  uint64_t size_ = 0;
};

}  // namespace

std::pair<Descriptor, std::string> fetch_manifest(RegistryClient& client,
                                                  const std::string& repository,
                                                  const std::string& reference,
                                                  const std::string& expected_digest) {
  std::pair<Descriptor, std::string> result;
  client.with_retries("get manifest " + reference, [&] {
    HttpRequest get;
    get.url = "/v2/" + repository + "/manifests/" + reference;
    get.headers = {{"Accept", manifest_accept_header()}};
    auto response = client.send(get, pull_scope(repository));
    client.expect(response, {200}, "get manifest " + repository + ":" + reference);
    std::string digest = sha256_digest(response.body);
    std::string wanted =
        expected_digest.empty() ? response.header("docker-content-digest") : expected_digest;
    if (!wanted.empty() && wanted != digest)
      throw TransientError(fmt::format("manifest {} arrived with digest {}", wanted, digest));
    std::string type = response.header("content-type");
    type = type.substr(0, type.find(';'));
    if (!is_index_media_type(type) && !is_manifest_media_type(type)) {
      try {
        type = nlohmann::json::parse(response.body).value("mediaType", "");
      } catch (const nlohmann::json::exception&) {
        throw RuntimeError(
            fmt::format("registry {}: manifest {} is not JSON", client.host(), reference));
      }
    }
    if (!is_index_media_type(type) && !is_manifest_media_type(type))
      throw RuntimeError(
          fmt::format("registry {}: {} has the media type \"{}\", not an image "
                      "index or manifest",
                      client.host(), reference, type));
    result.first = Descriptor{type, digest, response.body.size(), {}, {}};
    result.second = std::move(response.body);
  });
  return result;
}

std::string fetch_small_blob(RegistryClient& client, const std::string& repository,
                             const Descriptor& descriptor) {
  std::string bytes;
  client.with_retries("get blob " + descriptor.digest, [&] {
    HttpRequest get;
    get.url = "/v2/" + repository + "/blobs/" + descriptor.digest;
    auto response = client.send(get, pull_scope(repository));
    client.expect(response, {200}, "get blob " + descriptor.digest);
    if (sha256_digest(response.body) != descriptor.digest)
      throw TransientError(fmt::format("blob {} failed its digest check", descriptor.digest));
    bytes = std::move(response.body);
  });
  return bytes;
}

RegistryPullResult pull_image(RegistryClient& client, const OciLayout& layout,
                              LayoutTransaction& tx, const RegistryPullOptions& options) {
  const std::string& repository = options.source.path;
  RegistryPullResult result;
  std::vector<Descriptor> blobs;
  std::set<std::string> seen;

  std::function<void(const std::string&, const std::string&, const Descriptor*)> visit =
      [&](const std::string& reference, const std::string& expected, const Descriptor* parent) {
        auto [descriptor, bytes] = fetch_manifest(client, repository, reference, expected);
        if (parent && parent->size != descriptor.size)
          throw RuntimeError(fmt::format("registry {}: manifest {} has {} bytes, its index says {}",
                                         client.host(), descriptor.digest, descriptor.size,
                                         parent->size));
        std::string where = fmt::format("{}@{}", repository, descriptor.digest);
        if (is_index_media_type(descriptor.media_type)) {
          for (const auto& child : parse_index(bytes, where))
            if (seen.insert(child.digest).second) {
              if (is_index_media_type(child.media_type) || is_manifest_media_type(child.media_type))
                visit(child.digest, child.digest, &child);
              else
                blobs.push_back(child);
            }
        } else {
          auto parsed = parse_manifest(bytes, where);
          for (const auto& blob : {parsed.config})
            if (seen.insert(blob.digest).second) blobs.push_back(blob);
          for (const auto& layer : parsed.layers)
            if (seen.insert(layer.digest).second) blobs.push_back(layer);
        }
        tx.put_blob(descriptor.media_type, bytes);
        ++result.manifests;
        if (!parent) result.top = descriptor;
      };
  std::string reference =
      options.source.digest.empty() ? options.source.tag : options.source.digest;
  if (reference.empty()) reference = "latest";
  visit(reference, options.source.digest, nullptr);

  std::mutex mutex;
  std::exception_ptr error;
  std::atomic<bool> failed{false};
  auto report = [&](const char* type, const Descriptor& blob) {
    if (!options.on_blob) return;
    std::lock_guard lock(mutex);
    options.on_blob(type, blob.digest, blob.size);
  };
  std::atomic<size_t> fetched{0}, present{0};
  std::atomic<uint64_t> bytes{0};
  run_in_parallel(blobs.size(), std::max(1u, options.jobs), [&](size_t i) {
    if (failed) return;
    const Descriptor& blob = blobs[i];
    try {
      if (layout.has_blob(blob)) {
        ++present;
        report("blob-present", blob);
        return;
      }
      client.with_retries("get blob " + blob.digest, [&] {
        auto writer = tx.begin_blob();
        HashingSink sink(*writer);
        HttpRequest get;
        get.url = "/v2/" + repository + "/blobs/" + blob.digest;
        get.response_sink = &sink;
        auto response = client.send(get, pull_scope(repository));
        client.expect(response, {200}, "get blob " + blob.digest);
        std::string digest = sink.digest();
        if (sink.size() != blob.size || digest != blob.digest)
          throw TransientError(fmt::format("blob {} arrived with {} bytes and digest {}",
                                           blob.digest, sink.size(), digest));
        tx.finish_blob(*writer, blob.digest);
      });
      ++fetched;
      bytes += blob.size;
      report("blob-fetched", blob);
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  });
  if (error) std::rethrow_exception(error);
  result.blobs_fetched = fetched;
  result.blobs_present = present;
  result.bytes_fetched = bytes;
  return result;
}

}  // namespace multiarch
