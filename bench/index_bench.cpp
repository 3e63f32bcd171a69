// Index writing: serializing an OCI image index (the bytes whose digest users see) and
// writing a layout's manifests + index.json atomically, as `multiarch image assemble` does at
// the end of every run that changed something.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "oci/oci_descriptor.hpp"
#include "oci/oci_layout.hpp"
#include "oci/oci_manifest.hpp"
#include "platform/platform.hpp"

namespace {

namespace fs = std::filesystem;
using multiarch::Descriptor;

const std::vector<std::string> kPlatforms = {"linux/amd64",  "linux/arm64",  "linux/arm/v7",
                                             "linux/arm/v6", "linux/386",    "linux/ppc64le",
                                             "linux/s390x",  "linux/riscv64"};

/// One manifest per platform (the first `count`, cycling), as assemble produces them.
std::vector<Descriptor> manifests_for(size_t count, const std::string& salt) {
  const multiarch::Platform host{"linux", "amd64", ""};
  std::vector<Descriptor> manifests;
  for (size_t i = 0; i < count; ++i) {
    const auto platform = multiarch::parse_platform(kPlatforms[i % kPlatforms.size()], host);
    Descriptor config{std::string(multiarch::media_type::kOciConfig),
                      multiarch::sha256_digest("config" + std::to_string(i) + salt),
                      1200,
                      {},
                      {}};
    Descriptor layer{"application/vnd.oci.image.layer.v1.tar+gzip",
                     multiarch::sha256_digest("layer" + std::to_string(i) + salt),
                     6'000'000,
                     {},
                     {}};
    const std::string manifest = multiarch::manifest_json(config, {layer}, {});
    Descriptor entry{std::string(multiarch::media_type::kOciManifest),
                     multiarch::sha256_digest(manifest),
                     manifest.size(),
                     multiarch::descriptor_platform(platform),
                     {}};
    manifests.push_back(entry);
  }
  return manifests;
}

const std::map<std::string, std::string> kAnnotations = {
    {"org.opencontainers.image.created", "2026-01-01T00:00:00Z"},
    {"org.opencontainers.image.ref.name", "user:bench"},
    {"org.opencontainers.image.version", "bench"}};

/// index_json() throughput: indexes per second for 3 (the bench's platforms) or 8 entries.
void BM_IndexJsonSerialize(benchmark::State& state) {
  const auto manifests = manifests_for(static_cast<size_t>(state.range(0)), "");
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string json = multiarch::index_json(manifests, kAnnotations);
    bytes += json.size();
    benchmark::DoNotOptimize(json.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_IndexJsonSerialize)->Arg(3)->Arg(8);

/// A layout's end of run: put the manifest blobs, replace index.json atomically, commit.
/// Two alternating contents so every iteration really writes.
void BM_IndexWriteAtomic(benchmark::State& state) {
  const fs::path root =
      fs::temp_directory_path() / ("multiarch-index-bench-" + std::to_string(::getpid()));
  fs::remove_all(root);
  const multiarch::OciLayout layout(root);
  const size_t count = static_cast<size_t>(state.range(0));
  const std::string indexes[2] = {multiarch::index_json(manifests_for(count, "a"), kAnnotations),
                                  multiarch::index_json(manifests_for(count, "b"), kAnnotations)};
  const std::string manifest =
      multiarch::manifest_json(Descriptor{std::string(multiarch::media_type::kOciConfig),
                                          multiarch::sha256_digest("c"),
                                          10,
                                          {},
                                          {}},
                               {}, {});
  size_t flip = 0;
  for (auto _ : state) {
    multiarch::LayoutTransaction transaction(layout);
    for (size_t i = 0; i < count; ++i) {
      benchmark::DoNotOptimize(transaction.put_blob(multiarch::media_type::kOciManifest, manifest));
    }
    benchmark::DoNotOptimize(transaction.write_index_json(indexes[flip++ % 2]));
    transaction.commit();
  }
  state.SetItemsProcessed(state.iterations());
  fs::remove_all(root);
}
BENCHMARK(BM_IndexWriteAtomic)->Arg(3)->Unit(benchmark::kMicrosecond);

}  // namespace
