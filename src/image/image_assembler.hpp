#pragma once
// `multiarch image assemble` without the CLI: from per-platform binaries (plus extra files and
// settings) to a multi-platform OCI image in a layout folder. Per platform: one layer (the
// binary and the extra files; from the cache when its inputs did not change), a config and a
// manifest, and with `attest` an attestation manifest holding its SBOM and provenance
// (image_attestations.hpp; cached like the layer); then one image index naming every platform
// (the attestation manifests after the platforms), referenced from index.json by tag.
// Everything is checked before anything is written; a failure leaves no partial layout.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/extra_file.hpp"
#include "image/image_attestations.hpp"
#include "image/image_config.hpp"
#include "image/layer_builder.hpp"
#include "image/layer_cache.hpp"
#include "oci/oci_descriptor.hpp"
#include "platform/platform.hpp"

namespace multiarch {

struct BinaryInput {
  Platform platform;
  std::filesystem::path path;
};

/// `--file SRC:DEST[:MODE]`: a file or a folder (copied recursively) from the host.
struct AssembleRequest {
  std::vector<BinaryInput> binaries;  ///< in index order
  std::string binary_path = "/app/service";
  std::vector<ExtraFile> files;
  ImageSettings settings;
  LayerOptions layer;  ///< layer.mtime is the epoch as well
  std::filesystem::path output;
  std::string tag = "latest";  ///< org.opencontainers.image.ref.name in index.json
  std::string image_name;      ///< io.containerd.image.name ("" for none)
  std::map<std::string, std::string> annotations;  ///< on the index and every manifest
  std::string base;                                ///< "" or "DIR[:TAG]"
  unsigned jobs = 1;                               ///< platforms built at once
  /// "" or a depfile to write after success: every input (binaries, --file sources; see
  /// extra_file_inputs()) as prerequisites of `depfile_target` (default OUTPUT/index.json).
  std::filesystem::path depfile;
  std::string depfile_target;
  /// Accept a dynamically linked binary (ELF interpreter) without a base image.
  bool allow_dynamic = false;
  AttestationOptions attest;
  /// Platform (Platform::str(), e.g. "linux/arm/v7") -> a layer store folder that
  /// `multiarch image layer` (store_layer(), image/layer_store.hpp) filled for that binary.
  /// A layer whose cache key the store holds is linked from there instead of being built.
  std::map<std::string, std::filesystem::path> layer_stores;
};

struct PlatformOutcome {
  Platform platform;
  Descriptor manifest;  ///< with its platform
  Descriptor config;
  std::vector<Descriptor> layers;  ///< base layers first
  std::string diff_id;             ///< of our layer
  bool cached = false;             ///< our layer came from the cache
  bool prepared = false;           ///< our layer came from its layer store (image layer)
  /// The attestation manifest (platform unknown/unknown, with the vnd.docker.reference.*
  /// annotations) and its in-toto layers; empty when attestations are off.
  std::optional<Descriptor> attestation;
  std::vector<Descriptor> attestation_layers;
  double seconds = 0;
};

struct AssembleResult {
  Descriptor index;  ///< the image index blob (its digest is the image's)
  std::vector<PlatformOutcome> platforms;
  size_t blobs_written = 0;
  size_t layers_built = 0;     ///< tar + compression in this run
  size_t layers_prepared = 0;  ///< linked from a layer store, nothing compressed
  size_t blobs_removed = 0;
  bool index_json_written = false;
};

using ProgressFunction = std::function<void(const std::string& line)>;

/// Turns the extra files into layer entries (folders walked; modes normalized). Throws
/// InputError naming a missing source.
std::vector<LayerFile> extra_layer_files(const std::vector<ExtraFile>& files);

/// One binary's layer as assemble_image() and store_layer() plan it: the binary at
/// `binary_path` (0755) plus `extra` (extra_layer_files()), and the binary's ELF interpreter
/// ("" when static).
struct BinaryLayerPlan {
  LayerPlan plan;
  std::string interpreter;
};

/// Checks the binary (a known platform, a regular file, its header and Go level fit the
/// platform: go/binary_check.hpp) and plans its layer. Throws InputError naming the binary.
BinaryLayerPlan plan_binary_layer(const BinaryInput& binary, const std::string& binary_path,
                                  const std::vector<LayerFile>& extra, const FileStatter& statter);

/// InputError naming --depfile or --depfile-target when a depfile could not hold the path.
void check_depfile_request(const AssembleRequest& request);

/// With request.depfile: writes it after success, naming request.depfile_target (else
/// `default_target`) with every binary and extra_file_inputs() of the files.
void write_request_depfile(const AssembleRequest& request,
                           const std::filesystem::path& default_target);

/// Every check assemble_image() makes before writing (binaries, headers, files, base
/// platforms), without writing anything: `--dry-run`. Throws InputError.
void check_assemble_request(const AssembleRequest& request, const FileStatter& statter,
                            const Platform& host);

/// Builds or updates the layout. Throws InputError for bad input (before writing anything),
/// RuntimeError for failures while writing (after removing what this run created).
AssembleResult assemble_image(const AssembleRequest& request, const FileStatter& statter,
                              const Platform& host, const ProgressFunction& progress = {});

}  // namespace multiarch
