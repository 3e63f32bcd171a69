#pragma once
// `multiarch image assemble` from option values to an AssembleRequest: the binaries (from
// go-build's folder or PLATFORM=PATH pairs), the tag and image name, the files, the image
// settings, the epoch (go/source_date_epoch.hpp) and the annotations. The CLI parses options
// into AssembleOptions, calls plan_image_assembly(), then check_assemble_request() (--dry-run)
// or assemble_image(). Everything here is checked before anything is written.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "go/source_date_epoch.hpp"
#include "image/image_assembler.hpp"
#include "platform/platform.hpp"
#include "util/process.hpp"

namespace multiarch {

/// The option values of `multiarch image assemble` as the user typed them (repeatable options
/// in command-line order; nullopt or empty when not given). docs/image.md describes each.
struct AssembleOptions {
  // Inputs
  std::filesystem::path binaries_dir;        ///< --binaries-dir: DIR/<slug>/<name><suffix>
  std::vector<std::string> platform_specs;   ///< --platform (with --binaries-dir only)
  std::vector<std::string> binary_specs;     ///< --binary PLATFORM=PATH
  std::string name;                          ///< --name ("" : discovered)
  std::string binary_path = "/app/service";  ///< --binary-path
  std::vector<std::string> files;            ///< --file SRC:DEST[:MODE]
  bool ca_certs = false;                     ///< --ca-certs, or --ca-bundle given
  std::string ca_bundle;                     ///< --ca-bundle
  std::optional<std::string> time_zone;      ///< --tz
  std::string base;                          ///< --base DIR[:TAG]
  bool allow_dynamic = false;                ///< --allow-dynamic: an ELF interpreter, no base
  std::vector<std::string> layer_stores;     ///< --layer-store PLATFORM=DIR (image layer's)
  // Output
  std::filesystem::path output;          ///< --output (required)
  std::string tag = "latest";            ///< --tag TAG or REPO:TAG
  std::string compression = "gzip";      ///< --compression
  std::optional<int> compression_level;  ///< --compression-level
  std::optional<unsigned> jobs;          ///< --jobs (default: cores)
  std::filesystem::path depfile;         ///< --depfile ("" : none)
  std::string depfile_target;            ///< --depfile-target ("" : OUTPUT/index.json)
  // Image settings
  std::string entrypoint;                        ///< --entrypoint ("" : the binary path)
  std::optional<std::string> cmd;                ///< --cmd
  std::vector<std::string> env;                  ///< --env K=V
  std::optional<std::string> workdir;            ///< --workdir
  std::optional<std::string> user;               ///< --user
  std::vector<std::string> ports;                ///< --port
  std::vector<std::string> labels;               ///< --label k=v
  std::vector<std::string> annotations;          ///< --annotation k=v
  std::optional<std::string> source_date_epoch;  ///< --source-date-epoch
  std::optional<std::string> environment_source_date_epoch;  ///< $SOURCE_DATE_EPOCH
  std::filesystem::path module_dir;     ///< --module-dir ("" : see module_dir_for())
  std::string version;                  ///< --version
  std::optional<std::string> revision;  ///< --revision (default: the last commit's hash)
  std::optional<std::string> source;    ///< --source
  // Supply chain (docs/supply-chain.md)
  bool sbom = true;                     ///< --sbom (--sbom=false: none)
  std::string sbom_format = "spdx";     ///< --sbom-format spdx|cyclonedx
  bool provenance = true;               ///< --provenance (--provenance=false: none)
  std::filesystem::path metadata_file;  ///< --metadata-file ("" : none)
};

struct AssemblePlan {
  AssembleRequest request;
  SourceDateEpoch epoch;
  std::string name;                     ///< the service (binary) name, "" when none could be found
  std::filesystem::path metadata_file;  ///< write assemble_metadata() here after success
};

/// The binaries of go-build's folder DIR/<slug>/<name><suffix>: the slugs of `platform_specs`
/// (lists and presets, parse_platform_list()), or every slug folder without any. An empty
/// `name` becomes the one binary of the first platform's folder. Throws InputError naming
/// --binaries-dir when DIR is no folder or holds no platform folder.
std::vector<BinaryInput> binaries_from_dir(const std::filesystem::path& dir, std::string& name,
                                           const std::vector<std::string>& platform_specs,
                                           const Platform& host);

/// The git folder of the default epoch and revision: --module-dir, else --binaries-dir, else
/// the first binary's folder, else ".".
std::filesystem::path module_dir_for(const AssembleOptions& options,
                                     const std::vector<BinaryInput>& binaries);

/// The org.opencontainers.image.* annotations (created from the epoch, title from the name,
/// version, revision, source), then the user's --annotation k=v on top.
std::map<std::string, std::string> image_annotations(const AssembleOptions& options,
                                                     const std::string& name, int64_t epoch,
                                                     const std::string& revision);

/// Everything above plus the tag, files, settings and layer options. Asks git (through
/// `runner`) at most once, and only when the epoch or the revision needs it. Throws InputError
/// naming the option and the fix for bad input; reads nothing else from the environment.
AssemblePlan plan_image_assembly(const AssembleOptions& options, ProcessRunner& runner,
                                 const Platform& host);

}  // namespace multiarch
