#include "cli/options.hpp"

#include <fmt/format.h>

#include <charconv>

#include "util/error.hpp"

namespace multiarch::cli {

cxxopts::ParseResult parse_options(cxxopts::Options& options,
                                   const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  argv.push_back(options.program().c_str());
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    return options.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const cxxopts::exceptions::exception& e) {
    throw InputError(fmt::format("{}; see `{} --help`", e.what(), options.program()));
  }
}

std::vector<std::string> all_values(const cxxopts::ParseResult& parsed, const std::string& key) {
  std::vector<std::string> values;
  for (const auto& argument : parsed.arguments())
    if (argument.key() == key) values.push_back(argument.value());
  return values;
}

std::string value_or(const cxxopts::ParseResult& parsed, const std::string& key,
                     const std::string& fallback) {
  return parsed.count(key) ? parsed[key].as<std::string>() : fallback;
}

int int_option(const cxxopts::ParseResult& parsed, const std::string& key, int minimum) {
  std::string text = parsed[key].as<std::string>();
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < minimum)
    throw InputError(fmt::format("--{} \"{}\": expected a whole number of at least {}", key,
                                 one_line(text), minimum));
  return value;
}

std::optional<std::string> optional_value(const cxxopts::ParseResult& parsed,
                                          const std::string& key) {
  if (!parsed.count(key)) return std::nullopt;
  return parsed[key].as<std::string>();
}

}  // namespace multiarch::cli
