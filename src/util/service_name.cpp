#include "util/service_name.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace multiarch {
namespace {

bool is_service_name_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_service_name_separator(char c) { return c == '.' || c == '_' || c == '-'; }

}  // namespace

bool is_service_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxServiceNameLength) return false;
  // Starts and ends with [a-z0-9]; a separator only between two of them.
  if (!is_service_name_alnum(name.front()) || !is_service_name_alnum(name.back())) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (is_service_name_alnum(c)) continue;
    if (!is_service_name_separator(c) || !is_service_name_alnum(name[i + 1])) return false;
  }
  return true;
}

void check_service_name(std::string_view name, std::string_view what) {
  if (!is_service_name(name))
    throw InputError(fmt::format(
        "{} \"{}\": a service name is lower-case letters and digits with single '.', '_' or "
        "'-' between them, at most {} characters (e.g. user, order-api)",
        what, name, kMaxServiceNameLength));
}

}  // namespace multiarch
