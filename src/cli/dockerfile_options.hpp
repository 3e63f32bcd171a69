#pragma once
// Options shared by `multiarch dockerfile` and `multiarch buildx`: the generated Dockerfile's
// settings and the files staged into the build context (`--file`, `--ca-certs`, `--tz`).
#include <cxxopts.hpp>
#include <string>
#include <vector>

#include "buildx/build_context.hpp"
#include "buildx/dockerfile_generator.hpp"
#include "cli/options.hpp"

namespace multiarch::cli {

/// Adds --base, --binary-path, --entrypoint, --cmd, --env, --workdir, --user, --port,
/// --label, --file, --ca-certs, --ca-bundle, --tz under the group "Image".
void add_dockerfile_options(cxxopts::Options& options);

/// The generated Dockerfile's settings from parsed options (binary_name left to the caller).
/// Throws InputError naming the option.
DockerfileSpec dockerfile_spec_from(const cxxopts::ParseResult& parsed);

/// The files to stage under rootfs/: --file entries, the CA bundle, the zoneinfo file.
std::vector<ContextFile> context_files_from(const cxxopts::ParseResult& parsed);

/// all_values() of cli/options.hpp under its former name, for branches still calling it.
inline std::vector<std::string> option_values(const cxxopts::ParseResult& parsed,
                                              const std::string& key) {
  return all_values(parsed, key);
}

}  // namespace multiarch::cli
