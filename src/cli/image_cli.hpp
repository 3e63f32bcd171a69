#pragma once
// Helpers shared by the `multiarch image` actions (src/cli/image_*.cpp).
#include <cxxopts.hpp>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "image/assemble_plan.hpp"
#include "platform/platform.hpp"

namespace multiarch::cli {

/// Adds --help, parses, prints the help when asked (then `show_help` is true) and refuses
/// stray positional arguments.
/// `groups` orders the help's option groups ("" is the default group).
cxxopts::ParseResult parse_action(cxxopts::Options& options, const std::vector<std::string>& args,
                                  CliContext& ctx, const std::string& help, bool& show_help,
                                  const std::vector<std::string>& groups = {""});
/// "2.4 MiB".
std::string human_size(uint64_t bytes);
/// --platform SPEC of a one-platform action (load, sbom, provenance), else this machine's.
/// Throws InputError for a bad spec.
Platform platform_or_host(const cxxopts::ParseResult& parsed, const CliContext& ctx);

/// `multiarch image assemble` (src/cli/image_assemble_command.cpp).
int image_assemble(CliContext& ctx, const std::vector<std::string>& args);
/// Declares, in `group` of `options`, what goes into the layer: --binary-path, --file,
/// --ca-certs, --ca-bundle, --tz (whose help differs: assemble also sets ENV TZ).
void add_layer_content_options(cxxopts::Options& options, const std::string& group,
                               const std::string& tz_help);
/// Declares --compression and --compression-level in `group` of `options`.
void add_compression_options(cxxopts::Options& options, const std::string& group);
/// Reads the options that decide a layer's bytes into `o`: --binary-path, --file,
/// --ca-certs/--ca-bundle, --tz, --compression, --compression-level, --depfile,
/// --depfile-target, --source-date-epoch (and SOURCE_DATE_EPOCH), --module-dir. Shared by
/// image assemble and image layer, so the same flags give the same layer cache key.
void read_layer_options(const cxxopts::ParseResult& parsed, AssembleOptions& o);
/// `multiarch image layer` (src/cli/image_layer_command.cpp).
int image_layer(CliContext& ctx, const std::vector<std::string>& args);
/// `multiarch image push` (src/cli/image_push_command.cpp).
int image_push(CliContext& ctx, const std::vector<std::string>& args);
/// `multiarch image pull` and `image merge` (src/cli/image_registry_command.cpp).
int image_pull(CliContext& ctx, const std::vector<std::string>& args);
int image_merge(CliContext& ctx, const std::vector<std::string>& args);
/// `multiarch image test` (src/cli/image_test_command.cpp).
int image_test(CliContext& ctx, const std::vector<std::string>& args);

/// `multiarch image sbom` (sbom) and `multiarch image provenance`
/// (src/cli/image_attestation_command.cpp).
int image_attestation(CliContext& ctx, const std::vector<std::string>& args, bool sbom);
/// `multiarch image verify` (src/cli/image_attestation_command.cpp).
int image_verify(CliContext& ctx, const std::vector<std::string>& args);

}  // namespace multiarch::cli
