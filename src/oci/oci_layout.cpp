#include "oci/oci_layout.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <set>

#include "oci/oci_manifest.hpp"
#include "util/digest.hpp"
#include "util/dir_lock.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kOciLayoutFile = "{\"imageLayoutVersion\":\"1.0.0\"}";
constexpr const char* kTemporaryPrefix = ".tmp-";

std::string errno_text() { return std::strerror(errno); }

/// Streams `from` into `to` while hashing; returns the hex digest.
std::string copy_and_hash(const fs::path& from, const fs::path& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw RuntimeError(fmt::format("cannot read {}: {}", from.string(), errno_text()));
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    int error = errno;
    ::close(in);
    throw RuntimeError(fmt::format("cannot write {}: {}", to.string(), std::strerror(error)));
  }
  Sha256 hash;
  std::array<char, 1 << 16> buffer;
  bool failed = false;
  while (!failed) {
    ssize_t n = read_some(in, buffer.data(), buffer.size());
    if (n <= 0) {
      failed = n < 0;
      break;
    }
    hash.update(buffer.data(), static_cast<size_t>(n));
    failed = !write_all(out, buffer.data(), static_cast<size_t>(n));
  }
  ::close(in);
  if (::close(out) != 0) failed = true;
  if (failed) {
    ::unlink(to.c_str());
    throw RuntimeError(fmt::format("cannot copy {} to {}", from.string(), to.string()));
  }
  return hash.hex_digest();
}

/// Empty, or holding only the lock file a run left (util/dir_lock.hpp).
bool empty_but_for_lock(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename() != kLockFileName) return false;
  return !ec;
}

}  // namespace

OciLayout::OciLayout(fs::path root) : root_(std::move(root)) {}

bool OciLayout::is_layout(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "oci-layout", ec);
}

fs::path OciLayout::blob_path(std::string_view digest) const {
  if (!is_sha256_digest(digest))
    throw RuntimeError(fmt::format("{}: unsupported digest \"{}\"", root_.string(), digest));
  return root_ / "blobs" / "sha256" / std::string(digest.substr(7));
}

bool OciLayout::has_blob(const Descriptor& descriptor) const {
  struct stat st {};
  return ::stat(blob_path(descriptor.digest).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         static_cast<uint64_t>(st.st_size) == descriptor.size;
}

std::string OciLayout::read_blob(const Descriptor& descriptor) const {
  auto path = blob_path(descriptor.digest);
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw RuntimeError(fmt::format("{}: blob {} is missing", root_.string(), descriptor.digest));
  std::string bytes = read_file(path);
  if (bytes.size() != descriptor.size)
    throw RuntimeError(fmt::format("{}: blob {} has {} bytes, its descriptor says {}",
                                   root_.string(), descriptor.digest, bytes.size(),
                                   descriptor.size));
  if (sha256_digest(bytes) != descriptor.digest)
    throw RuntimeError(
        fmt::format("{}: blob {} does not match its digest", root_.string(), descriptor.digest));
  return bytes;
}

std::string OciLayout::index_json_bytes() const {
  std::error_code ec;
  if (!fs::exists(root_ / "index.json", ec)) return {};
  return read_file(root_ / "index.json");
}

std::vector<Descriptor> OciLayout::index_entries() const {
  std::string bytes = index_json_bytes();
  if (bytes.empty())
    throw RuntimeError(
        fmt::format("{} is not an OCI image layout (no index.json)", root_.string()));
  return parse_index(bytes, (root_ / "index.json").string());
}

BlobWriter::BlobWriter(fs::path temporary) : path_(std::move(temporary)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) throw RuntimeError(fmt::format("cannot write {}: {}", path_.string(), errno_text()));
}

BlobWriter::~BlobWriter() {
  close();
  ::unlink(path_.c_str());  // a no-op once finish_blob() renamed it
}

void BlobWriter::write(const void* data, size_t size) {
  if (!write_all(fd_, data, size))
    throw RuntimeError(fmt::format("cannot write {}: {}", path_.string(), errno_text()));
  size_ += size;
}

void BlobWriter::close() {
  if (fd_ < 0) return;
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) throw RuntimeError(fmt::format("cannot write {}: {}", path_.string(), errno_text()));
}

LayoutTransaction::LayoutTransaction(const OciLayout& layout) : layout_(layout) {
  const fs::path& root = layout.root();
  std::error_code ec;
  try {
    if (fs::exists(root, ec)) {
      if (!fs::is_directory(root, ec))
        throw InputError(fmt::format("output {} exists and is not a folder", root.string()));
      if (!OciLayout::is_layout(root) && !empty_but_for_lock(root))
        throw InputError(fmt::format(
            "output {} is a non-empty folder that is not an OCI layout; refusing to write "
            "into it",
            root.string()));
    } else {
      // Create missing parents one by one so a failure removes exactly what we made.
      std::vector<fs::path> missing;
      for (fs::path p = fs::absolute(root); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
        missing.push_back(p);
        if (p == p.parent_path()) break;
      }
      for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        // Another process may create a shared parent at the same moment (the layer stores
        // of one service's platforms, written side by side): theirs, not ours to remove.
        if (::mkdir(it->c_str(), 0755) != 0) {
          if (errno == EEXIST && fs::is_directory(*it, ec)) continue;
          // The folder is the user's choice, so failing to create it is bad input.
          throw InputError(
              fmt::format("cannot create output folder {}: {}", it->string(), errno_text()));
        }
        record_created(*it);
      }
    }
    for (const auto& dir : {root / "blobs", root / "blobs" / "sha256"}) {
      if (fs::is_directory(dir, ec)) continue;
      if (::mkdir(dir.c_str(), 0755) != 0) {
        if (errno == EEXIST && fs::is_directory(dir, ec)) continue;
        throw RuntimeError(fmt::format("cannot create {}: {}", dir.string(), errno_text()));
      }
      record_created(dir);
    }
    if (!OciLayout::is_layout(root)) {
      atomic_write_file(root / "oci-layout", kOciLayoutFile);
      record_created(root / "oci-layout");
    }
  } catch (...) {
    rollback();
    throw;
  }
}

LayoutTransaction::~LayoutTransaction() { rollback(); }

void LayoutTransaction::rollback() {
  if (committed_) return;
  std::error_code ec;
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    // A folder we created may hold the lock file of this run (util/dir_lock.hpp).
    if (fs::is_directory(*it, ec) && empty_but_for_lock(*it)) fs::remove(*it / kLockFileName, ec);
    fs::remove(*it, ec);
  }
  created_.clear();
}

void LayoutTransaction::record_created(const fs::path& path) {
  std::lock_guard lock(mutex_);
  created_.push_back(path);
}

Descriptor LayoutTransaction::put_blob(std::string_view media_type, std::string_view bytes) {
  Descriptor d{std::string(media_type), sha256_digest(bytes), bytes.size(), {}, {}};
  if (layout_.has_blob(d)) return d;
  auto path = layout_.blob_path(d.digest);
  atomic_write_file(path, bytes);
  record_created(path);
  std::lock_guard lock(mutex_);
  ++blobs_written_;
  return d;
}

std::unique_ptr<BlobWriter> LayoutTransaction::begin_blob() {
  return std::make_unique<BlobWriter>(
      temporary_sibling(layout_.root() / "blobs" / "sha256" / "blob"));
}

void LayoutTransaction::finish_blob(BlobWriter& writer, std::string_view digest) {
  writer.close();
  Descriptor d{{}, std::string(digest), writer.size(), {}, {}};
  if (layout_.has_blob(d)) return;  // the writer's destructor removes the temporary
  auto path = layout_.blob_path(digest);
  rename_into_place(writer.path(), path);
  record_created(path);
  std::lock_guard lock(mutex_);
  ++blobs_written_;
}

void LayoutTransaction::copy_blob(const OciLayout& source, const Descriptor& descriptor) {
  if (layout_.has_blob(descriptor)) return;
  auto from = source.blob_path(descriptor.digest);
  auto to = layout_.blob_path(descriptor.digest);
  auto temporary = temporary_sibling(to);
  std::string hex;
  if (::link(from.c_str(), temporary.c_str()) == 0) {
    hex = sha256_file_hex(temporary);
  } else {
    hex = copy_and_hash(from, temporary);
  }
  if ("sha256:" + hex != descriptor.digest || fs::file_size(temporary) != descriptor.size) {
    ::unlink(temporary.c_str());
    throw RuntimeError(fmt::format("{}: blob {} does not match its digest or size",
                                   source.root().string(), descriptor.digest));
  }
  rename_into_place(temporary, to);
  record_created(to);
  std::lock_guard lock(mutex_);
  ++blobs_written_;
}

bool LayoutTransaction::write_index_json(std::string_view bytes) {
  if (layout_.index_json_bytes() == bytes) return false;
  atomic_write_file(layout_.root() / "index.json", bytes);
  return true;
}

void LayoutTransaction::commit() { committed_ = true; }

size_t LayoutTransaction::blobs_written() const {
  std::lock_guard lock(mutex_);
  return blobs_written_;
}

std::vector<Descriptor> reachable_descriptors(const OciLayout& layout,
                                              const std::vector<Descriptor>& entries) {
  std::vector<Descriptor> result;
  std::set<std::string> seen;
  std::vector<Descriptor> pending = entries;
  while (!pending.empty()) {
    Descriptor d = pending.back();
    pending.pop_back();
    if (!seen.insert(d.digest).second) continue;
    result.push_back(d);
    if (!layout.has_blob(d)) continue;
    if (is_index_media_type(d.media_type)) {
      for (auto& m : parse_index(layout.read_blob(d), d.digest)) pending.push_back(m);
    } else if (is_manifest_media_type(d.media_type)) {
      auto manifest = parse_manifest(layout.read_blob(d), d.digest);
      pending.push_back(manifest.config);
      for (auto& l : manifest.layers) pending.push_back(l);
    }
  }
  return result;
}

size_t remove_unreferenced_blobs(const OciLayout& layout) {
  std::set<std::string> keep;
  for (const auto& d : reachable_descriptors(layout, layout.index_entries()))
    keep.insert(d.digest.substr(7));
  size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.root() / "blobs" / "sha256", ec)) {
    std::string name = entry.path().filename().string();
    bool temporary = name.find(kTemporaryPrefix) != std::string::npos;
    if (keep.count(name) && !temporary) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

size_t remove_stale_files(const OciLayout& layout, const std::set<std::string>& keep_digests) {
  std::set<std::string> keep;
  for (const auto& digest : keep_digests)
    if (digest.size() > 7) keep.insert(digest.substr(7));
  bool blobs_known = true;
  try {
    if (!layout.index_json_bytes().empty())
      for (const auto& d : reachable_descriptors(layout, layout.index_entries()))
        keep.insert(d.digest.substr(7));
  } catch (const std::exception&) {
    blobs_known = false;  // an unreadable index: keep every blob, this run will say why
  }
  size_t removed = 0;
  std::error_code ec;
  for (const auto& dir : {layout.root() / "blobs" / "sha256", layout.root()}) {
    bool blobs = dir != layout.root();
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      bool temporary = name.find(kTemporaryPrefix) != std::string::npos;
      if (!temporary && (!blobs || !blobs_known || keep.count(name))) continue;
      if (!entry.is_regular_file(ec)) continue;
      if (fs::remove(entry.path(), ec)) ++removed;
    }
  }
  return removed;
}

std::string index_json_with_entry(const OciLayout& layout, const Descriptor& entry) {
  std::vector<Descriptor> entries;
  if (!layout.index_json_bytes().empty()) entries = layout.index_entries();
  const std::string& tag = entry.annotations.at(kRefNameAnnotation);
  bool replaced = false;
  for (auto& existing : entries) {
    auto ref = existing.annotations.find(kRefNameAnnotation);
    if (ref != existing.annotations.end() && ref->second == tag) {
      existing = entry;
      replaced = true;
    }
  }
  if (!replaced) entries.push_back(entry);
  return index_json(entries, {});
}

}  // namespace multiarch
