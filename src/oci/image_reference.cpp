#include "oci/image_reference.hpp"

#include <fmt/format.h>

#include <cctype>

#include "util/error.hpp"

namespace multiarch {
namespace {

constexpr size_t kMaxNameLength = 255;

bool is_path_component_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

/// path-component: alnum runs joined by one separator ("." "_" "__" or any run of "-").
std::string path_component_problem(std::string_view component) {
  if (component.empty()) return "an empty path component";
  for (char c : component)
    if (std::isupper(static_cast<unsigned char>(c))) return "repository names must be lower-case";
  if (!is_path_component_alnum(component.front()) || !is_path_component_alnum(component.back()))
    return fmt::format("path component \"{}\" must start and end with a-z or 0-9", component);
  size_t i = 0;
  while (i < component.size()) {
    char c = component[i];
    if (is_path_component_alnum(c)) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < component.size() && !is_path_component_alnum(component[i])) ++i;
    std::string_view separator = component.substr(start, i - start);
    bool dashes = separator.find_first_not_of('-') == std::string_view::npos;
    if (separator == "." || separator == "_" || separator == "__" || dashes) continue;
    return fmt::format("\"{}\" is not allowed in path component \"{}\"", separator, component);
  }
  return {};
}

/// domain-component: [a-zA-Z0-9] or [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9].
bool is_domain_component(std::string_view c) {
  if (c.empty()) return false;
  auto alnum = [](char x) { return std::isalnum(static_cast<unsigned char>(x)) != 0; };
  if (!alnum(c.front()) || !alnum(c.back())) return false;
  for (char x : c)
    if (!alnum(x) && x != '-') return false;
  return true;
}

std::string domain_problem(std::string_view domain) {
  std::string_view host = domain;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address";
    std::string_view address = host.substr(1, close - 1);
    if (address.empty() ||
        address.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return fmt::format("\"{}\" is not an IPv6 address", address);
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "unexpected text after the IPv6 address";
    if (!rest.empty()) port = rest.substr(1);
    if (!rest.empty() && port.empty()) return "empty port";
  } else {
    size_t colon = host.find(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
      if (port.empty()) return "empty port";
    }
    size_t start = 0;
    while (true) {
      size_t dot = host.find('.', start);
      std::string_view part = host.substr(start, dot == std::string_view::npos ? dot : dot - start);
      if (!is_domain_component(part))
        return fmt::format("\"{}\" is not a valid registry host", host);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
  }
  if (!port.empty() && port.find_first_not_of("0123456789") != std::string_view::npos)
    return fmt::format("port \"{}\" is not a number", port);
  return {};
}

std::string digest_problem(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return fmt::format("digest \"{}\" must be algorithm:hex", digest);
  std::string_view algorithm = digest.substr(0, colon);
  std::string_view hex = digest.substr(colon + 1);
  if (!std::isalpha(static_cast<unsigned char>(algorithm.front())))
    return fmt::format("digest algorithm \"{}\" must start with a letter", algorithm);
  for (char c : algorithm)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '.' && c != '-' &&
        c != '_')
      return fmt::format("digest algorithm \"{}\" has a bad character", algorithm);
  if (hex.size() < 32) return fmt::format("digest \"{}\" is too short", digest);
  for (char c : hex)
    if (!is_hex(c)) return fmt::format("digest \"{}\" is not hexadecimal", digest);
  if (algorithm == "sha256") {
    if (hex.size() != 64) return "a sha256 digest has 64 hex digits";
    for (char c : hex)
      if (std::isupper(static_cast<unsigned char>(c))) return "sha256 digests are lower-case hex";
  }
  return {};
}

/// Splits and checks a name (no tag, no digest); returns the problem or "".
std::string name_problem(std::string_view name, std::string& domain, std::string& path) {
  if (name.empty()) return "the repository name is empty";
  if (name.size() > kMaxNameLength)
    return fmt::format("the repository name is longer than {} characters", kMaxNameLength);
  size_t slash = name.find('/');
  domain.clear();
  std::string_view rest = name;
  if (slash != std::string_view::npos) {
    std::string_view first = name.substr(0, slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
        first.front() == '[') {
      if (auto problem = domain_problem(first); !problem.empty()) return problem;
      domain = std::string(first);
      rest = name.substr(slash + 1);
    }
  }
  size_t start = 0;
  while (true) {
    size_t next = rest.find('/', start);
    std::string_view component =
        rest.substr(start, next == std::string_view::npos ? next : next - start);
    if (auto problem = path_component_problem(component); !problem.empty()) return problem;
    if (next == std::string_view::npos) break;
    start = next + 1;
  }
  path = std::string(rest);
  return {};
}

}  // namespace

std::string ImageReference::name() const { return domain.empty() ? path : domain + "/" + path; }

std::string ImageReference::str() const {
  std::string text = name();
  if (!tag.empty()) text += ":" + tag;
  if (!digest.empty()) text += "@" + digest;
  return text;
}

bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || !is_word(tag.front())) return false;
  for (char c : tag)
    if (!is_word(c) && c != '.' && c != '-') return false;
  return true;
}

void check_tag(std::string_view tag, std::string_view what) {
  if (!is_valid_tag(tag))
    throw InputError(fmt::format(
        "{} \"{}\": a tag is 1-128 of A-Z a-z 0-9 _ . - and cannot start with . or -", what, tag));
}

void check_repository_name(std::string_view name, std::string_view what) {
  std::string domain, path;
  if (auto problem = name_problem(name, domain, path); !problem.empty())
    throw InputError(fmt::format("{} \"{}\": {}", what, name, problem));
}

ImageReference parse_image_reference(std::string_view text, std::string_view what) {
  auto fail = [&](const std::string& problem) {
    return InputError(fmt::format("{} \"{}\": {}", what, text, problem));
  };
  if (text.empty()) throw fail("empty reference");
  if (auto scheme = text.find("://"); scheme != std::string_view::npos)
    throw fail(
        fmt::format("a reference has no scheme; drop \"{}\" (plain HTTP is chosen by "
                    "the registry options, not the name)",
                    text.substr(0, scheme + 3)));
  ImageReference reference;
  std::string_view rest = text;
  size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    reference.digest = std::string(rest.substr(at + 1));
    if (auto problem = digest_problem(reference.digest); !problem.empty()) throw fail(problem);
    rest = rest.substr(0, at);
  }
  auto [name, tag] = split_name_tag(rest);
  if (name.size() != rest.size()) {
    reference.tag = tag;
    if (!is_valid_tag(reference.tag))
      throw fail(
          fmt::format("tag \"{}\" must be 1-128 of A-Z a-z 0-9 _ . - and cannot start with . or -",
                      reference.tag));
    rest = rest.substr(0, name.size());
  }
  if (auto problem = name_problem(rest, reference.domain, reference.path); !problem.empty())
    throw fail(problem);
  return reference;
}

std::pair<std::string, std::string> split_name_tag(std::string_view text) {
  size_t last_slash = text.rfind('/');
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos ||
      (last_slash != std::string_view::npos && colon < last_slash))
    return {std::string(text), ""};
  return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

bool is_loopback_domain(std::string_view domain) {
  std::string_view host = domain;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    return close != std::string_view::npos && host.substr(1, close - 1) == "::1";
  }
  host = host.substr(0, host.find(':'));
  if (host == "localhost") return true;
  if (host.substr(0, 4) != "127.") return false;
  // 127.a.b.c with numeric parts only.
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 3;
}

}  // namespace multiarch
