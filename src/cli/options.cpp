#include "cli/options.hpp"

#include <fmt/format.h>

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

std::pair<std::string, std::string> split_key_value(const std::string& text,
                                                    const std::string& flag) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError(fmt::format("{} \"{}\": expected KEY=VALUE", flag, text));
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace multiarch::cli
