#pragma once
// The options every registry-talking command shares (image push, pull, merge, doctor
// --registry): credentials (never from argv), TLS, --insecure HOST, retries.
#include <cxxopts.hpp>
#include <string>
#include <vector>

#include "publish/registry_connection.hpp"

namespace multiarch::cli {

/// Adds --creds, --creds-file, --authfile, --ca-file, --client-cert, --client-key,
/// --insecure and --retries to `options` (group "registry").
void add_registry_options(cxxopts::Options& options);

/// The registry options given on the command line, as "--name" (their defaults do not
/// count): the "registry" group add_registry_options() added to `options`.
std::vector<std::string> given_registry_options(const cxxopts::Options& options,
                                                const cxxopts::ParseResult& parsed);

/// Reads them. `--creds -` reads USER:PASSWORD from stdin. Throws InputError naming the option
/// for a password on the command line, a missing or world-readable file, a key without a
/// certificate.
RegistryConnectionOptions registry_connection_options(const cxxopts::ParseResult& parsed);

}  // namespace multiarch::cli
