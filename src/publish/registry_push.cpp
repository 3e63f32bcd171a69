#include "publish/registry_push.hpp"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "oci/oci_manifest.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace multiarch {

namespace {

std::string media_type_of(const Descriptor& descriptor, const std::string& bytes) {
  if (!descriptor.media_type.empty()) return descriptor.media_type;
  try {
    return nlohmann::json::parse(bytes).value("mediaType", "");
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

void walk(const OciLayout& layout, const Descriptor& descriptor, ImageContent& content,
          std::set<std::string>& seen) {
  if (!seen.insert(descriptor.digest).second) return;
  bool index = is_index_media_type(descriptor.media_type);
  bool manifest = is_manifest_media_type(descriptor.media_type);
  if (!index && !manifest) {
    if (!layout.has_blob(descriptor))
      throw RuntimeError(fmt::format("{}: blob {} is missing from the layout (or has another size)",
                                     layout.root().string(), descriptor.digest));
    content.blobs.push_back(descriptor);
    return;
  }
  std::string bytes = layout.read_blob(descriptor);
  std::string where = fmt::format("{} {}", layout.root().string(), descriptor.digest);
  if (index) {
    for (const auto& child : parse_index(bytes, where)) walk(layout, child, content, seen);
  } else {
    auto parsed = parse_manifest(bytes, where);
    walk(layout, parsed.config, content, seen);
    for (const auto& layer : parsed.layers) walk(layout, layer, content, seen);
  }
  content.manifests.push_back(descriptor);
}

std::string with_query(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

class Pusher {
 public:
  Pusher(RegistryClient& client, const OciLayout& layout, const RegistryPushOptions& options)
      : client_(client), layout_(layout), options_(options) {
    const std::string& repository = options.destination.path;
    scopes_ = {"repository:" + repository + ":pull,push"};
    for (const auto& from : options.mount_from) scopes_.push_back("repository:" + from + ":pull");
    prefix_ = "/v2/" + repository;
  }

  void event(PushEvent e) {
    if (!options_.on_event) return;
    std::lock_guard lock(event_mutex_);
    options_.on_event(e);
  }

  /// HEAD: true when the registry has the blob (spec: "Checking if content exists").
  bool blob_exists(const Descriptor& blob) {
    HttpRequest head;
    head.method = "HEAD";
    head.url = prefix_ + "/blobs/" + blob.digest;
    auto response = client_.send(head, scopes_);
    if (response.status == 200) return true;
    client_.expect(response, {404}, "HEAD blob " + blob.digest);
    return false;
  }

  /// Starts an upload session, or mounts: returns "" when the blob got mounted.
  std::string start_upload(const Descriptor& blob) {
    for (const auto& from : options_.mount_from) {
      HttpRequest post;
      post.method = "POST";
      post.url = prefix_ + "/blobs/uploads/?mount=" + blob.digest + "&from=" + from;
      auto response = client_.send(post, scopes_);
      client_.expect(response, {201, 202}, "mount blob " + blob.digest + " from " + from);
      if (response.status == 201) {
        event({"blob-mounted", blob.digest, blob.size, blob.size, from});
        return {};
      }
      // 202: the registry could not mount and opened an upload session instead (spec).
      std::string location = response.header("location");
      if (!location.empty()) return resolve_location(client_.base_url(), location);
    }
    HttpRequest post;
    post.method = "POST";
    post.url = prefix_ + "/blobs/uploads/";
    auto response = client_.send(post, scopes_);
    client_.expect(response, {202}, "start the upload of blob " + blob.digest);
    std::string location = response.header("location");
    if (location.empty())
      throw RuntimeError(fmt::format("registry {}: the upload of {} got no Location",
                                     client_.host(), blob.digest));
    return resolve_location(client_.base_url(), location);
  }

  void expect_blob_put(const HttpResponse& response, const Descriptor& blob) {
    if (response.status == 400 &&
        registry_error_message(response.body).find("DIGEST_INVALID") != std::string::npos)
      throw TransientError(fmt::format(
          "blob {}: the registry's digest check failed (bytes damaged in flight)", blob.digest));
    client_.expect(response, {201}, "upload blob " + blob.digest);
  }

  void upload(const Descriptor& blob) {
    std::string location = start_upload(blob);
    if (location.empty()) {
      mounted_++;
      return;
    }
    event({"blob-start", blob.digest, blob.size, 0, blob.media_type});
    auto path = layout_.blob_path(blob.digest);
    auto progress = [&](uint64_t offset) {
      return [this, &blob, offset](uint64_t sent) {
        event({"blob-progress", blob.digest, blob.size, offset + sent, {}});
      };
    };
    if (blob.size <= options_.chunk_threshold) {
      // Monolithic: POST then one PUT with the whole blob (spec: "Pushing a blob monolithically").
      HttpRequest put;
      put.method = "PUT";
      put.url = with_query(location, "digest=" + blob.digest);
      put.headers = {{"Content-Type", "application/octet-stream"}};
      put.body_file = path;
      put.body_length = blob.size;
      put.on_upload_progress = progress(0);
      expect_blob_put(client_.send(put, scopes_), blob);
    } else {
      // Chunked (spec: "Pushing a blob in chunks"): PATCH with Content-Range, then PUT.
      uint64_t chunk = std::max<uint64_t>(options_.chunk_size, 1);
      for (uint64_t offset = 0; offset < blob.size; offset += chunk) {
        uint64_t length = std::min(chunk, blob.size - offset);
        HttpRequest patch;
        patch.method = "PATCH";
        patch.url = location;
        patch.headers = {{"Content-Type", "application/octet-stream"},
                         {"Content-Range", fmt::format("{}-{}", offset, offset + length - 1)}};
        patch.body_file = path;
        patch.body_offset = offset;
        patch.body_length = length;
        patch.on_upload_progress = progress(offset);
        auto response = client_.send(patch, scopes_);
        client_.expect(response, {202}, fmt::format("upload a chunk of blob {}", blob.digest));
        std::string next = response.header("location");
        if (!next.empty()) location = resolve_location(client_.base_url(), next);
      }
      HttpRequest put;
      put.method = "PUT";
      put.url = with_query(location, "digest=" + blob.digest);
      put.headers = {{"Content-Type", "application/octet-stream"}};
      expect_blob_put(client_.send(put, scopes_), blob);
    }
    pushed_++;
    bytes_ += blob.size;
    event({"blob-pushed", blob.digest, blob.size, blob.size, blob.media_type});
  }

  void push_blob(const Descriptor& blob) {
    client_.with_retries("push blob " + blob.digest, [&] {
      if (blob_exists(blob)) {
        existing_++;
        event({"blob-exists", blob.digest, blob.size, 0, blob.media_type});
        return;
      }
      upload(blob);
    });
  }

  /// True when `reference` (a tag or the digest) already names `top` in the repository: a
  /// registry stores a manifest only once everything it references is there (distribution
  /// checks on PUT) and never collects blobs a manifest uses, so a re-push has nothing to
  /// send (go-containerregistry's remote.Write skips such an image the same way).
  bool already_there(const Descriptor& top, const std::string& reference) {
    bool there = false;
    client_.with_retries("check " + reference, [&] {
      HttpRequest head;
      head.method = "HEAD";
      head.url = prefix_ + "/manifests/" + reference;
      head.headers = {{"Accept", top.media_type}};
      auto existing = client_.send(head, scopes_);
      if (existing.status != 200) {
        client_.expect(existing, {404}, "HEAD manifest " + reference);
        return;
      }
      there = reference == top.digest || existing.header("docker-content-digest") == top.digest;
    });
    return there;
  }

  /// PUT a manifest under `reference` (its digest or the tag) unless a HEAD of `reference`
  /// shows the registry has it there already (for a tag: Docker-Content-Digest is this
  /// manifest's digest, so a re-push moves nothing and sends nothing). `check_first` false
  /// skips that HEAD: for the top, already_there() has just asked the same question.
  void push_manifest(const Descriptor& manifest, const std::string& reference,
                     RegistryPushResult& result, bool check_first = true) {
    std::string bytes = layout_.read_blob(manifest);
    std::string type = media_type_of(manifest, bytes);
    client_.with_retries("push manifest " + manifest.digest, [&] {
      if (check_first) {
        HttpRequest head;
        head.method = "HEAD";
        head.url = prefix_ + "/manifests/" + reference;
        head.headers = {{"Accept", type}};
        auto existing = client_.send(head, scopes_);
        if (existing.status == 200 &&
            (reference == manifest.digest ||
             existing.header("docker-content-digest") == manifest.digest)) {
          event({"manifest-exists", manifest.digest, manifest.size, 0, type});
          return;
        }
        if (existing.status != 200) client_.expect(existing, {404}, "HEAD manifest " + reference);
      }
      HttpRequest put;
      put.method = "PUT";
      put.url = prefix_ + "/manifests/" + reference;
      put.headers = {{"Content-Type", type}};
      put.body = bytes;
      auto response = client_.send(put, scopes_);
      client_.expect(response, {201}, "push manifest " + reference);
      std::string confirmed = response.header("docker-content-digest");
      if (!confirmed.empty() && confirmed != manifest.digest)
        throw RuntimeError(fmt::format("registry {} stored manifest {} as {}", client_.host(),
                                       manifest.digest, confirmed));
      result.manifests_pushed++;
      event({"manifest-pushed", manifest.digest, manifest.size, manifest.size, reference});
    });
  }

  RegistryClient& client_;
  const OciLayout& layout_;
  const RegistryPushOptions& options_;
  std::vector<std::string> scopes_;
  std::string prefix_;
  std::mutex event_mutex_;
  std::atomic<size_t> pushed_{0}, existing_{0}, mounted_{0};
  std::atomic<uint64_t> bytes_{0};
};

}  // namespace

ImageContent collect_image_content(const OciLayout& layout, const Descriptor& top) {
  ImageContent content;
  std::set<std::string> seen;
  walk(layout, top, content, seen);
  return content;
}

RegistryPushResult push_layout_image(RegistryClient& client, const OciLayout& layout,
                                     const Descriptor& top, const RegistryPushOptions& options) {
  if (!options.by_digest && options.destination.tag.empty())
    throw InputError(
        fmt::format("{}: a tag is needed (or push by digest)", options.destination.str()));
  ImageContent content = collect_image_content(layout, top);
  Pusher pusher(client, layout, options);
  RegistryPushResult result;
  result.blobs_total = content.blobs.size();
  result.manifests_total = content.manifests.size();

  uint64_t total = 0;
  for (const auto& blob : content.blobs) total += blob.size;
  pusher.event(
      {"plan", top.digest, total, content.blobs.size(),
       fmt::format("{} blobs, {} manifests", content.blobs.size(), content.manifests.size())});
  result.digest = top.digest;
  result.media_type = top.media_type;
  result.size = top.size;

  // 0. A re-push: the reference names this very image already, so one HEAD is the whole push.
  const std::string reference = options.by_digest ? top.digest : options.destination.tag;
  if (pusher.already_there(top, reference)) {
    pusher.event({"up-to-date", top.digest, top.size, 0, reference});
    result.blobs_existing = content.blobs.size();
    return result;
  }

  // 1. Blobs, several in flight. The first failure stops the tasks not yet started.
  std::mutex error_mutex;
  std::exception_ptr error;
  std::atomic<bool> failed{false};
  run_in_parallel(content.blobs.size(), std::max(1u, options.jobs), [&](size_t i) {
    if (failed) return;
    try {
      pusher.push_blob(content.blobs[i]);
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  });
  if (error) std::rethrow_exception(error);

  // 2. Manifests below the top, children first; 3. the top, under its tag.
  for (size_t i = 0; i + 1 < content.manifests.size(); ++i)
    pusher.push_manifest(content.manifests[i], content.manifests[i].digest, result);
  pusher.push_manifest(content.manifests.back(), reference, result, /*check_first=*/false);

  result.blobs_pushed = pusher.pushed_;
  result.blobs_existing = pusher.existing_;
  result.blobs_mounted = pusher.mounted_;
  result.bytes_pushed = pusher.bytes_;
  return result;
}

}  // namespace multiarch
