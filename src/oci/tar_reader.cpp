#include "oci/tar_reader.hpp"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "util/error.hpp"

namespace multiarch {
namespace {

constexpr size_t kBlock = 512;

std::string field(std::string_view header, size_t offset, size_t size) {
  auto value = header.substr(offset, size);
  auto nul = value.find('\0');
  return std::string(value.substr(0, nul));
}

uint64_t octal(std::string_view header, size_t offset, size_t size) {
  auto text = field(header, offset, size);
  uint64_t value = 0;
  for (char c : text) {
    if (c == ' ') continue;
    if (c < '0' || c > '7') throw RuntimeError(fmt::format("tar: bad octal field \"{}\"", text));
    value = value * 8 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

/// "a/./b/../c" -> "a/c"; leading "./" and "/" dropped.
std::string clean_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto part = path.substr(start, slash == std::string::npos ? slash : slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

/// A record ("path", "linkpath") of a pax header block ("LEN key=VALUE\n" records).
std::string find_pax_record(std::string_view records, std::string_view key) {
  std::string prefix = std::string(key) + "=";
  while (!records.empty()) {
    auto space = records.find(' ');
    if (space == std::string_view::npos) break;
    // "LEN key=VALUE\n", LEN counting the whole record; anything else is a malformed header.
    size_t length = 0;
    auto digits = records.substr(0, space);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (error != std::errc() || end != digits.data() + digits.size() || length < space + 2 ||
        length > records.size() || records[length - 1] != '\n')
      throw RuntimeError("tar: malformed pax header record (expected \"LEN key=value\\n\")");
    auto record = records.substr(space + 1, length - space - 2);  // without the newline
    if (record.starts_with(prefix)) return std::string(record.substr(prefix.size()));
    records.remove_prefix(length);
  }
  return {};
}

}  // namespace

std::map<std::string, std::string_view> read_tar_files(std::string_view archive) {
  std::map<std::string, std::string_view> files;
  std::map<std::string, std::string> links;
  std::string next_name;  // from a GNU 'L' or pax 'x' entry, for the following header
  std::string next_link;  // from a GNU 'K' or pax 'x' entry
  size_t offset = 0;
  bool ended = false;
  while (offset + kBlock <= archive.size()) {
    auto header = archive.substr(offset, kBlock);
    if (header.find_first_not_of('\0') == std::string_view::npos) {  // end of archive
      ended = true;
      break;
    }
    uint64_t size = octal(header, 124, 12);
    char type = header[156];
    size_t data = offset + kBlock;
    if (data + size > archive.size())
      throw RuntimeError(fmt::format("tar: truncated entry \"{}\"", field(header, 0, 100)));
    auto contents = archive.substr(data, size);
    offset = data + (size + kBlock - 1) / kBlock * kBlock;

    std::string name = field(header, 0, 100);
    if (field(header, 257, 6) == "ustar") {
      auto prefix = field(header, 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    if (!next_name.empty()) {
      name = next_name;
      next_name.clear();
    }
    std::string link = field(header, 157, 100);
    if (!next_link.empty()) {
      link = next_link;
      next_link.clear();
    }
    if (type == 'L' || type == 'K') {
      (type == 'L' ? next_name : next_link) = std::string(contents.substr(0, contents.find('\0')));
      continue;
    }
    if (type == 'x') {
      next_name = find_pax_record(contents, "path");
      next_link = find_pax_record(contents, "linkpath");
      continue;
    }
    if (type == 'g') continue;
    name = clean_path(name);
    if (type == '0' || type == '\0' || type == '7') {
      files[name] = contents;
    } else if (type == '2') {
      auto slash = name.rfind('/');
      std::string dir = slash == std::string::npos ? "" : name.substr(0, slash + 1);
      links[name] = clean_path(link.starts_with("/") ? link : dir + link);
    }
  }
  if (!ended) throw RuntimeError("tar: truncated archive (no end-of-archive block)");
  for (const auto& [link, target] : links) {
    auto it = files.find(target);
    if (it != files.end()) files[link] = it->second;
  }
  return files;
}

}  // namespace multiarch
