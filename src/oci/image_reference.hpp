#pragma once
// Image references in the distribution grammar (github.com/distribution/reference):
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [domain "/"] path-component ["/" path-component]*
//   domain    := host [":" port]  (the first component is a domain only when it contains
//                "." or ":" or is "localhost", as Docker decides)
//   path-component := [a-z0-9]+ ([_.]|__|[-]*) [a-z0-9]+ ...
//   tag       := [\w][\w.-]{0,127}
//   digest    := algorithm ":" hex (sha256: 64 lower-case hex digits)
// Parsed by hand (no std::regex); every error names the input and what is wrong.
#include <string>
#include <string_view>
#include <utility>

namespace multiarch {

struct ImageReference {
  std::string domain;  ///< "" when the reference has none ("user:1.0")
  std::string path;    ///< "team/user"
  std::string tag;     ///< "" when absent
  std::string digest;  ///< "" when absent ("sha256:...")

  /// domain/path without tag or digest.
  std::string name() const;
  /// The reference as written in canonical form: name[:tag][@digest].
  std::string str() const;
};

/// Parses a full reference. Throws InputError naming `text` on any violation.
/// `what` names the input in the message ("--to", "--tag").
ImageReference parse_image_reference(std::string_view text, std::string_view what = "reference");

/// Splits "NAME:TAG" at the last ':' that comes after the last '/' (a ':' before it is a
/// port): "reg:5000/team/user:1.4" -> {"reg:5000/team/user", "1.4"}; {text, ""} without a
/// tag. Lexical only, nothing is checked: references and `--base DIR:TAG` specs share it.
std::pair<std::string, std::string> split_name_tag(std::string_view text);

/// True when `tag` matches [\w][\w.-]{0,127}.
bool is_valid_tag(std::string_view tag);
/// Throws InputError naming `what` unless the tag is valid.
void check_tag(std::string_view tag, std::string_view what = "--tag");
/// Throws InputError unless `name` is a valid repository name (domain optional, no tag).
void check_repository_name(std::string_view name, std::string_view what = "--name");
/// True when `domain`'s host is a loopback address (localhost, 127.0.0.0/8, [::1]): the
/// registries Docker and multiarch talk to over plain HTTP by default.
bool is_loopback_domain(std::string_view domain);

}  // namespace multiarch
