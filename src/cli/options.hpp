#pragma once
// Shared cxxopts glue for subcommands: vector args in, InputError out.
#include <cxxopts.hpp>
#include <optional>
#include <string>
#include <vector>

#include "util/strings.hpp"

namespace multiarch::cli {

/// Parses `args` with `options`; unknown options and bad values become InputError.
cxxopts::ParseResult parse_options(cxxopts::Options& options, const std::vector<std::string>& args);

/// Every value of a repeatable option, in command-line order (cxxopts would split vector
/// values on commas, which --env and --label values may contain).
std::vector<std::string> all_values(const cxxopts::ParseResult& parsed, const std::string& key);
/// The option's value, or `fallback` when it was not given.
std::string value_or(const cxxopts::ParseResult& parsed, const std::string& key,
                     const std::string& fallback = {});
/// A whole-number option (declared as a string value with its default) of at least `minimum`;
/// anything else is InputError naming the option. Parsed with std::from_chars: cxxopts's own
/// integer parsing trips GCC 12's -Wrestrict false positive (GCC bug 105329) in some files.
int int_option(const cxxopts::ParseResult& parsed, const std::string& key, int minimum);
/// The option's value, or nullopt when it was not given (an empty value is a value).
std::optional<std::string> optional_value(const cxxopts::ParseResult& parsed,
                                          const std::string& key);
// split_key_value() lives in util/strings.hpp (the image stage needs it too).

}  // namespace multiarch::cli
