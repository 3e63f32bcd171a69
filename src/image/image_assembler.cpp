#include "image/image_assembler.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "go/binary_check.hpp"
#include "image/base_image.hpp"
#include "image/image_attestations.hpp"
#include "image/image_index.hpp"
#include "image/layer_store.hpp"
#include "image/locked_layout.hpp"
#include "oci/oci_layout.hpp"
#include "oci/oci_manifest.hpp"
#include "platform/executable_header.hpp"
#include "util/depfile.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace multiarch {
namespace fs = std::filesystem;
namespace {

uint32_t default_file_mode(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IXUSR)) return 0755;
  return 0644;
}

/// The path is a symbolic link whose chain of links loops (stat(2) says ELOOP).
bool is_symlink_loop(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode) && ::stat(path.c_str(), &st) != 0 &&
         errno == ELOOP;
}

std::string mib(uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / 1048576.0);
}

/// --layer-store PLATFORM=DIR: a platform of the request, a store `image layer` wrote, not
/// the output itself.
void check_layer_stores(const AssembleRequest& request) {
  for (const auto& [platform, dir] : request.layer_stores) {
    std::string flag = fmt::format("--layer-store {}={}", platform, dir.string());
    bool known = false;
    for (const auto& binary : request.binaries) known |= binary.platform.str() == platform;
    if (!known)
      throw InputError(
          fmt::format("{}: no binary for {} (give --binary {}=PATH)", flag, platform, platform));
    if (!OciLayout::is_layout(dir))
      throw InputError(
          fmt::format("{}: not a layer store (`multiarch image layer --output {}` writes one)",
                      flag, dir.string()));
    std::error_code ec;
    if (fs::equivalent(dir, request.output, ec))
      throw InputError(fmt::format("{}: a store must not be the --output layout", flag));
  }
}

/// Everything resolved and checked before the first byte is written.
struct Prepared {
  std::vector<LayerPlan> plans;  ///< per platform
  std::vector<std::optional<BaseManifest>> bases;
  std::optional<BaseLayout> base_layout;
};

Prepared prepare(const AssembleRequest& request, const FileStatter& statter, const Platform& host) {
  if (request.binaries.empty())
    throw InputError("no binaries: give --binary PLATFORM=PATH or --binaries-dir DIR");
  Prepared prepared;
  std::string binary_path = normalize_image_path(request.binary_path, "--binary-path");
  std::vector<LayerFile> extra = extra_layer_files(request.files);
  if (!request.base.empty()) prepared.base_layout.emplace(request.base, host);

  for (size_t i = 0; i < request.binaries.size(); ++i) {
    const auto& binary = request.binaries[i];
    for (size_t j = 0; j < i; ++j)
      if (request.binaries[j].platform == binary.platform)
        throw InputError(fmt::format("{} is given twice", binary.platform.str()));
    BinaryLayerPlan planned = plan_binary_layer(binary, binary_path, extra, statter);
    // FROM nothing, no dynamic loader: the kernel's "no such file or directory" at run time.
    if (!planned.interpreter.empty() && request.base.empty() && !request.allow_dynamic)
      throw InputError(fmt::format(
          "binary for {}: {} is dynamically linked (ELF interpreter {}) and the image has no "
          "base to provide it; build it static (CGO_ENABLED=0, or cgo with -extldflags "
          "-static), give --base, or pass --allow-dynamic",
          binary.platform.str(), binary.path.string(), planned.interpreter));
    prepared.plans.push_back(std::move(planned.plan));
    if (prepared.base_layout)
      prepared.bases.push_back(prepared.base_layout->for_platform(binary.platform));
    else
      prepared.bases.emplace_back();
  }
  check_layer_stores(request);
  check_depfile_request(request);
  if (prepared.base_layout) {
    std::error_code ec;
    if (fs::equivalent(prepared.base_layout->layout().root(), request.output, ec))
      throw InputError("--base and --output must be different folders");
  }
  return prepared;
}

}  // namespace

std::vector<LayerFile> extra_layer_files(const std::vector<ExtraFile>& files) {
  std::vector<LayerFile> result;
  for (const auto& file : files) {
    std::string destination = normalize_image_path(file.destination, "--file destination");
    std::error_code ec;
    if (is_symlink_loop(file.source))
      throw InputError(fmt::format("--file {}: a symlink loop (its links never reach a file)",
                                   file.source.string()));
    if (!fs::exists(file.source, ec))
      throw InputError(fmt::format("--file {}: no such file or folder", file.source.string()));
    if (!fs::is_directory(file.source, ec)) {
      if (!fs::is_regular_file(file.source, ec))
        throw InputError(
            fmt::format("--file {}: not a regular file or folder", file.source.string()));
      LayerFile entry;
      entry.path = destination;
      entry.mode = file.mode.value_or(default_file_mode(file.source));
      entry.source = file.source;
      result.push_back(entry);
      continue;
    }
    LayerFile top;
    top.path = destination;
    top.type = TarEntry::Type::directory;
    top.mode = 0755;
    result.push_back(top);
    for (fs::recursive_directory_iterator it(file.source, ec), end; it != end; it.increment(ec)) {
      if (ec) break;
      LayerFile entry;
      // lexically: fs::relative() would resolve a link to its target's path.
      entry.path = destination + "/" + it->path().lexically_relative(file.source).generic_string();
      if (it->is_symlink(ec)) {
        // Kept as a link with its own target text, relative or absolute (a link to
        // /usr/share/zoneinfo/UTC means that path in the image, not on this machine).
        if (is_symlink_loop(it->path()))
          throw InputError(
              fmt::format("--file {}: {} is a symlink loop (its links never reach a "
                          "file); remove it or point it at a file",
                          file.source.string(), it->path().string()));
        entry.type = TarEntry::Type::symlink;
        entry.mode = 0777;
        entry.link_target = fs::read_symlink(it->path(), ec).string();
      } else if (it->is_directory(ec)) {
        entry.type = TarEntry::Type::directory;
        entry.mode = 0755;
      } else if (it->is_regular_file(ec)) {
        entry.mode = file.mode.value_or(default_file_mode(it->path()));
        entry.source = it->path();
      } else {
        throw InputError(fmt::format("--file {}: {} is not a regular file, folder or symlink",
                                     file.source.string(), it->path().string()));
      }
      result.push_back(entry);
    }
    if (ec)
      throw InputError(
          fmt::format("--file {}: cannot read folder: {}", file.source.string(), ec.message()));
  }
  return result;
}

BinaryLayerPlan plan_binary_layer(const BinaryInput& binary, const std::string& binary_path,
                                  const std::vector<LayerFile>& extra, const FileStatter& statter) {
  if (!is_known_architecture(binary.platform.architecture) || !is_known_os(binary.platform.os))
    throw InputError(
        fmt::format("unknown platform {} (see `multiarch platform list`)", binary.platform.str()));
  auto stamp = statter.stat(binary.path);
  if (!stamp)
    throw InputError(fmt::format("binary for {}: {} does not exist", binary.platform.str(),
                                 binary.path.string()));
  if (!S_ISREG(stamp->mode))
    throw InputError(fmt::format("binary for {}: {} is not a regular file", binary.platform.str(),
                                 binary.path.string()));
  CheckedBinary checked = verify_binary_for(binary.path, binary.platform);
  std::vector<LayerFile> files = extra;
  LayerFile executable;
  executable.path = binary_path;
  executable.mode = 0755;
  executable.source = binary.path;
  files.push_back(executable);
  return BinaryLayerPlan{plan_layer(std::move(files)), checked.interpreter};
}

void check_depfile_request(const AssembleRequest& request) {
  if (request.depfile.empty()) return;
  // Checked now: a path no depfile can hold is bad input, not a failure after the build.
  for (const auto& [flag, path] :
       {std::pair<std::string, std::string>{"--depfile", request.depfile.string()},
        {"--depfile-target", request.depfile_target}})
    if (path.find_first_of("\n\r\t") != std::string::npos)
      throw InputError(fmt::format(
          "{}: the path has a newline, carriage return or tab; pick a plain file name", flag));
  if (!request.depfile_target.empty()) escape_depfile_path(request.depfile_target);
}

void write_request_depfile(const AssembleRequest& request, const fs::path& default_target) {
  if (request.depfile.empty()) return;
  std::vector<std::string> inputs;
  for (const auto& binary : request.binaries) inputs.push_back(binary.path.string());
  for (auto& input : extra_file_inputs(request.files)) inputs.push_back(std::move(input));
  write_depfile(request.depfile,
                request.depfile_target.empty() ? default_target.string() : request.depfile_target,
                inputs);
}

void check_assemble_request(const AssembleRequest& request, const FileStatter& statter,
                            const Platform& host) {
  prepare(request, statter, host);
}

AssembleResult assemble_image(const AssembleRequest& request, const FileStatter& statter,
                              const Platform& host, const ProgressFunction& progress) {
  Prepared prepared = prepare(request, statter, host);

  OciLayout layout(request.output);
  LockedLayout open(layout, "--output", progress);
  LayoutTransaction& transaction = open.transaction;
  LayerCache& cache = open.cache;
  // Holding the lock, every temporary and every blob nothing names is from a dead run or
  // from an image this layout no longer holds (the CMake rule drops index.json before each
  // image). The cache's blobs stay, and what its attestation manifests name.
  std::set<std::string> keep;
  for (const auto& d : reachable_descriptors(layout, cache.blobs())) keep.insert(d.digest);
  size_t stale = remove_stale_files(layout, keep);
  if (stale > 0 && progress)
    progress(
        fmt::format("removed {} files no image in {} uses (an earlier image's or a killed run's)",
                    stale, layout.root().string()));

  std::mutex mutex;  // guards cache, progress and result counters
  auto report = [&](const std::string& line) {
    if (!progress) return;
    std::lock_guard lock(mutex);
    progress(line);
  };
  AssembleResult result;
  result.platforms.resize(request.binaries.size());
  std::vector<IndexedImage> images(request.binaries.size());

  auto build_platform = [&](size_t i) {
    auto started = std::chrono::steady_clock::now();
    const BinaryInput& binary = request.binaries[i];
    const LayerPlan& plan = prepared.plans[i];
    PlatformOutcome& outcome = result.platforms[i];
    outcome.platform = binary.platform;

    std::string key = layer_cache_key(plan, request.layer, statter);
    std::optional<BuiltLayer> layer;
    {
      std::lock_guard lock(mutex);
      layer = cache.find(key);
    }
    if (layer && layout.has_blob(layer->blob)) {
      outcome.cached = true;
    } else {
      layer.reset();
      auto store = request.layer_stores.find(binary.platform.str());
      if (store != request.layer_stores.end()) {
        layer = take_stored_layer(store->second, key, transaction, report);
        if (!layer)
          report(fmt::format("[{}] the layer store {} holds no layer of these inputs",
                             binary.platform.str(), store->second.string()));
      }
      outcome.prepared = layer.has_value();
      if (!layer) {
        report(fmt::format("[{}] building layer from {} ({})", binary.platform.str(),
                           binary.path.string(), compression_name(request.layer.compression)));
        layer = write_layer_blob(plan, request.layer, transaction);
      }
      std::lock_guard lock(mutex);
      cache.put(key, *layer);
      ++(outcome.prepared ? result.layers_prepared : result.layers_built);
    }
    outcome.diff_id = layer->diff_id;

    nlohmann::json base_config;
    std::map<std::string, std::string> annotations = request.annotations;
    if (const auto& base = prepared.bases[i]) {
      size_t base_diff_ids =
          base->config.contains("rootfs")
              ? base->config["rootfs"].value("diff_ids", nlohmann::json::array()).size()
              : 0;
      if (base_diff_ids != base->parsed.layers.size())
        throw InputError(fmt::format("--base {}: the {} config lists {} layers, its manifest {}",
                                     request.base, binary.platform.str(), base_diff_ids,
                                     base->parsed.layers.size()));
      for (const auto& base_layer : base->parsed.layers) {
        transaction.copy_blob(prepared.base_layout->layout(), base_layer);
        Descriptor reused = base_layer;
        reused.media_type = oci_media_type(base_layer.media_type);
        outcome.layers.push_back(reused);
      }
      base_config = base->config;
      annotations["org.opencontainers.image.base.digest"] = base->manifest.digest;
    }
    Descriptor ours = layer->blob;
    outcome.layers.push_back(ours);

    std::string created_by = fmt::format("multiarch image: {} and {} other entries",
                                         request.binary_path, plan.entries.size() - 1);
    std::string config = image_config_json(binary.platform, request.settings,
                                           {{layer->diff_id, created_by}}, base_config);
    outcome.config = transaction.put_blob(media_type::kOciConfig, config);
    std::string manifest = manifest_json(outcome.config, outcome.layers, annotations);
    outcome.manifest = transaction.put_blob(media_type::kOciManifest, manifest);
    outcome.manifest.platform = descriptor_platform(binary.platform);
    if (request.attest.any()) {
      PlatformAttestationInput input;
      input.platform = binary.platform;
      input.image_name = request.image_name;
      input.binary_path = request.binary_path;
      input.binary = binary.path;
      input.layer = &plan;
      if (const auto& base = prepared.bases[i])
        input.base = SbomBaseImage{request.base, base->manifest.digest};
      input.epoch = request.layer.mtime;
      input.manifest = outcome.manifest;
      std::string attestation_key = attestation_cache_key(request.attest, input);
      std::optional<BuiltLayer> cached_attestation;
      {
        std::lock_guard lock(mutex);
        cached_attestation = cache.find(attestation_key);
      }
      std::optional<WrittenAttestation> attestation;
      if (cached_attestation) attestation = reuse_attestation(layout, cached_attestation->blob);
      if (!attestation) {
        attestation = write_attestation(request.attest, input, transaction);
        std::lock_guard lock(mutex);
        // The cache wants a diff_id: the manifest's own digest stands in (never a layer).
        cache.put(attestation_key,
                  BuiltLayer{attestation->manifest.digest, attestation->manifest, 0});
      }
      images[i].attestation = attestation->manifest;
      outcome.attestation_layers = attestation->layers;
    }
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    report(fmt::format("[{}] {} layer {} ({} -> {}) manifest {}{}", binary.platform.str(),
                       outcome.cached     ? "cached"
                       : outcome.prepared ? "stored"
                                          : "built",
                       layer->blob.digest.substr(0, 19), mib(layer->tar_size),
                       mib(layer->blob.size), outcome.manifest.digest.substr(0, 19),
                       outcome.cached ? "" : fmt::format(" in {:.2f}s", outcome.seconds)));
  };

  // Platforms in parallel: each layer's compressor is single-threaded. The first failure
  // stops the rest and comes back here.
  run_in_parallel(request.binaries.size(), request.jobs, build_platform);

  for (size_t i = 0; i < images.size(); ++i) images[i].manifest = result.platforms[i].manifest;
  WrittenIndex index = write_attested_index(transaction, layout, images, request.annotations,
                                            request.tag, request.image_name);
  result.index = index.index;
  for (size_t i = 0; i < images.size(); ++i)
    result.platforms[i].attestation = index.attestation_entries[i];
  result.index_json_written = index.index_json_written;
  result.blobs_written = transaction.blobs_written();
  transaction.commit();

  // The new index is in place: what it no longer reaches can go, and the cache with it.
  if (result.blobs_written > 0 || result.index_json_written)
    result.blobs_removed = remove_unreferenced_blobs(layout);
  cache.retain([&](const BuiltLayer& l) { return layout.has_blob(l.blob); });
  write_request_depfile(request, layout.root() / "index.json");
  try {
    cache.save(open.cache_file);
  } catch (const RuntimeError& e) {
    report(fmt::format("warning: layer cache not saved: {}", e.what()));
  }
  return result;
}

}  // namespace multiarch
