#pragma once
// Shared cxxopts glue for subcommands: vector args in, InputError out.
#include <cxxopts.hpp>
#include <string>
#include <vector>

namespace multiarch::cli {

/// Parses `args` with `options`; unknown options and bad values become InputError.
cxxopts::ParseResult parse_options(cxxopts::Options& options, const std::vector<std::string>& args);

/// Splits "KEY=VALUE"; throws InputError naming `flag` when there is no '=' or no key.
std::pair<std::string, std::string> split_key_value(const std::string& text,
                                                    const std::string& flag);

}  // namespace multiarch::cli
