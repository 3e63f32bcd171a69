#pragma once
// Small string helpers every stage uses: KEY=VALUE splitting, joining, trimming.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace multiarch {

/// Splits "KEY=VALUE" at the first '='; throws InputError naming `flag` when there is no '='
/// or no key ("--env \"x\": expected KEY=VALUE").
std::pair<std::string, std::string> split_key_value(const std::string& text,
                                                    const std::string& flag);

/// `items` joined with `separator` between them ("" for none).
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// `text` with every occurrence of `from` (non-empty) replaced by `to`, left to right; a
/// replacement is not searched again ("{slug}" in a path template).
std::string replace_all(std::string text, std::string_view from, std::string_view to);

/// `text` without leading and trailing ASCII whitespace (space, \t, \n, \r, \f, \v).
std::string_view trim(std::string_view text);

/// `text` with control characters escaped ("a\nb" -> "a\\nb", other bytes < 0x20 and 0x7f
/// as \xNN), so a value quoted in an error message stays on one line.
std::string one_line(const std::string& text);

}  // namespace multiarch
