#include "oci/tar_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "util/error.hpp"

namespace multiarch {
namespace {

constexpr uint64_t kMaxOctal11 = 077777777777ull;  // what an 11-digit octal field can hold
constexpr size_t kNameSize = 100;
constexpr size_t kPrefixSize = 155;

void put_octal(char* field, size_t width, uint64_t value) {
  // width-1 zero-padded octal digits and a NUL, as GNU tar and Go's archive/tar write them.
  std::string digits = fmt::format("{:0{}o}", value, width - 1);
  std::memcpy(field, digits.data(), width - 1);
  field[width - 1] = '\0';
}

void put_string(char* field, size_t width, const std::string& value) {
  std::memcpy(field, value.data(), std::min(width, value.size()));
}

/// Splits a long path into ustar's prefix and name fields at a '/', or returns false.
bool split_ustar_path(const std::string& path, std::string& prefix, std::string& name) {
  if (path.size() <= kNameSize) {
    prefix.clear();
    name = path;
    return true;
  }
  size_t limit = std::min(path.size() - 1, kPrefixSize);
  for (size_t slash = path.rfind('/', limit); slash != std::string::npos && slash > 0;
       slash = path.rfind('/', slash - 1)) {
    if (path.size() - slash - 1 > kNameSize) break;
    prefix = path.substr(0, slash);
    name = path.substr(slash + 1);
    if (!name.empty()) return true;
  }
  return false;
}

/// One pax record: "<length> <key>=<value>\n" where length counts the whole record.
std::string format_pax_record(const std::string& key, const std::string& value) {
  size_t base = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size_t length = base + 1;
  while (std::to_string(length).size() + base != length) ++length;
  return fmt::format("{} {}={}\n", length, key, value);
}

}  // namespace

TarWriter::TarWriter(ByteSink& out, int64_t mtime)
    : out_(out), mtime_(std::max<int64_t>(0, mtime)) {}

void TarWriter::emit(const void* data, size_t size) {
  out_.write(data, size);
  written_ += size;
}

void TarWriter::write_header(const std::string& name, char type, uint32_t mode, uint64_t size,
                             const std::string& link, const std::string& prefix) {
  std::array<char, kBlockSize> block{};
  put_string(&block[0], kNameSize, name);
  put_octal(&block[100], 8, mode & 07777);
  put_octal(&block[108], 8, 0);  // uid
  put_octal(&block[116], 8, 0);  // gid
  put_octal(&block[124], 12, std::min(size, kMaxOctal11));
  put_octal(&block[136], 12, std::min(static_cast<uint64_t>(mtime_), kMaxOctal11));
  block[156] = type;
  put_string(&block[157], kNameSize, link);
  std::memcpy(&block[257], "ustar", 6);  // magic with its NUL
  std::memcpy(&block[263], "00", 2);
  put_octal(&block[329], 8, 0);  // devmajor
  put_octal(&block[337], 8, 0);  // devminor
  put_string(&block[345], kPrefixSize, prefix);
  // The checksum is computed with its own field filled with spaces.
  std::memset(&block[148], ' ', 8);
  unsigned sum = 0;
  for (char c : block) sum += static_cast<unsigned char>(c);
  std::string checksum = fmt::format("{:06o}", sum);
  std::memcpy(&block[148], checksum.data(), 6);
  block[154] = '\0';
  block[155] = ' ';
  emit(block.data(), block.size());
}

void TarWriter::begin_entry(const TarEntry& entry) {
  if (in_entry_) throw RuntimeError("internal error: tar entry " + current_ + " not ended");
  if (entry.path.empty() || entry.path.front() == '/')
    throw RuntimeError("internal error: bad tar path \"" + entry.path + "\"");
  std::string path = entry.path;
  char type = '0';
  uint64_t size = entry.size;
  if (entry.type == TarEntry::Type::directory) {
    if (path.back() != '/') path += '/';
    type = '5';
    size = 0;
  } else if (entry.type == TarEntry::Type::symlink) {
    type = '2';
    size = 0;
  }

  std::string prefix, name, pax;
  if (!split_ustar_path(path, prefix, name)) {
    pax += format_pax_record("path", path);
    prefix.clear();
    name = path.substr(0, kNameSize);
  }
  if (entry.link_target.size() > kNameSize) pax += format_pax_record("linkpath", entry.link_target);
  if (size > kMaxOctal11) pax += format_pax_record("size", std::to_string(size));
  if (static_cast<uint64_t>(mtime_) > kMaxOctal11)
    pax += format_pax_record("mtime", std::to_string(mtime_));
  if (!pax.empty()) {
    // A fixed pax header name keeps the bytes reproducible (GNU tar puts its pid there).
    std::string base = path.substr(path.find_last_of('/', path.size() - 2) + 1);
    std::string pax_name = ("PaxHeaders/" + base).substr(0, kNameSize);
    write_header(pax_name, 'x', 0644, pax.size(), {}, {});
    emit(pax.data(), pax.size());
    static const std::array<char, kBlockSize> zeros{};
    if (pax.size() % kBlockSize) emit(zeros.data(), kBlockSize - pax.size() % kBlockSize);
  }
  write_header(name, type, entry.mode, size, entry.link_target.substr(0, kNameSize), prefix);
  in_entry_ = true;
  current_ = path;
  expected_ = size;
  received_ = 0;
}

void TarWriter::write_data(const void* data, size_t size) {
  received_ += size;
  if (received_ > expected_)
    throw RuntimeError(
        fmt::format("{} grew while it was read ({} bytes expected)", current_, expected_));
  emit(data, size);
}

void TarWriter::end_entry() {
  if (!in_entry_) throw RuntimeError("internal error: end_entry() without begin_entry()");
  if (received_ != expected_)
    throw RuntimeError(fmt::format("{} changed while it was read ({} of {} bytes)", current_,
                                   received_, expected_));
  static const std::array<char, kBlockSize> zeros{};
  if (expected_ % kBlockSize) emit(zeros.data(), kBlockSize - expected_ % kBlockSize);
  in_entry_ = false;
}

void TarWriter::finish() {
  if (in_entry_) end_entry();
  static const std::array<char, 2 * kBlockSize> zeros{};
  emit(zeros.data(), zeros.size());
}

}  // namespace multiarch
