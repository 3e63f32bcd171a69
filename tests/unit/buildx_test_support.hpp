#pragma once
// Fakes for the buildx/doctor unit tests: files, in-memory tars and `docker save` output.
// The scripted runner and the fake binaries are in tests/support/.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "oci/oci_descriptor.hpp"
#include "oci/tar_writer.hpp"
#include "support/fake_binaries.hpp"
#include "support/scripted_runner.hpp"
#include "util/byte_sink.hpp"
#include "util/error.hpp"
#include "util/process.hpp"

namespace multiarch::test {

inline std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

struct TarFile {
  TarFile(std::string p, std::string c, std::string link = {})
      : path(std::move(p)), contents(std::move(c)), link_target(std::move(link)) {}
  std::string path;
  std::string contents;
  std::string link_target;  ///< a symbolic link when not empty
};

inline std::string make_tar(const std::vector<TarFile>& files) {
  StringSink sink;
  TarWriter writer(sink, 0);
  for (const auto& file : files) {
    const bool link = !file.link_target.empty();
    const TarEntry entry{file.path, link ? TarEntry::Type::symlink : TarEntry::Type::file,
                         link ? 0777u : 0644u, link ? 0u : file.contents.size(), file.link_target};
    writer.begin_entry(entry);
    if (file.link_target.empty()) writer.write_data(file.contents.data(), file.contents.size());
    writer.end_entry();
  }
  writer.finish();
  return sink.bytes;
}

/// What `docker save` of Docker 20.10 prints for a one-layer image of `platform`; with
/// `created`, the config and its one history entry carry that time (BuildKit 0.8 writes the
/// build's wall clock there).
inline std::string docker_save(const std::string& os, const std::string& arch,
                               const std::string& variant, bool corrupt_diff_id = false,
                               const std::string& created = {}) {
  std::string layer = make_tar({{"app/service", "binary for " + arch}});
  nlohmann::ordered_json config;
  if (!created.empty()) config["created"] = created;
  config["architecture"] = arch;
  config["os"] = os;
  if (!variant.empty()) config["variant"] = variant;
  config["rootfs"] = {{"type", "layers"},
                      {"diff_ids", {corrupt_diff_id ? sha256_digest("x") : sha256_digest(layer)}}};
  if (!created.empty())
    config["history"] = {{{"created", created}, {"created_by", "COPY /app/service # buildkit"}}};
  std::string config_bytes = config.dump();
  std::string id = sha256_digest(config_bytes).substr(7);
  nlohmann::json manifest = nlohmann::json::array(
      {{{"Config", id + ".json"}, {"RepoTags", {"x:1"}}, {"Layers", {"abc/layer.tar"}}}});
  return make_tar({{"abc/VERSION", "1.0"},
                   {"abc/layer.tar", layer},
                   {id + ".json", config_bytes},
                   {"manifest.json", manifest.dump()},
                   {"repositories", "{}"}});
}

}  // namespace multiarch::test
