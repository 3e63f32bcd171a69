#pragma once
// An OCI image layout folder (image-spec image-layout.md): `oci-layout`, `index.json` and
// content-addressed `blobs/sha256/<hex>`. Reading verifies sizes and digests; writing goes
// through a LayoutTransaction: every blob is written to a temporary file and renamed into
// place (an existing blob is never rewritten), index.json is replaced atomically and last, and
// a transaction that is not committed removes everything it created, so a failed run leaves
// either no layout or the previous one untouched.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "oci/oci_descriptor.hpp"
#include "util/byte_sink.hpp"
#include "util/signal_cleanup.hpp"

namespace multiarch {

class OciLayout {
 public:
  explicit OciLayout(std::filesystem::path root);
  const std::filesystem::path& root() const { return root_; }

  /// True when `dir` holds an `oci-layout` file.
  static bool is_layout(const std::filesystem::path& dir);

  std::filesystem::path blob_path(std::string_view digest) const;
  /// The blob exists with the descriptor's size (a cheap stat, no hashing).
  bool has_blob(const Descriptor& descriptor) const;
  /// Reads a blob and checks its size and digest; throws RuntimeError naming the blob.
  std::string read_blob(const Descriptor& descriptor) const;
  /// The entries of index.json; throws RuntimeError when it is missing or malformed.
  std::vector<Descriptor> index_entries() const;
  /// index.json's bytes, or "" when there is none.
  std::string index_json_bytes() const;

 private:
  std::filesystem::path root_;
};

/// A temporary blob file being streamed; LayoutTransaction::finish_blob() names it.
class BlobWriter : public ByteSink {
 public:
  using ByteSink::write;
  explicit BlobWriter(std::filesystem::path temporary);
  ~BlobWriter() override;
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  void write(const void* data, size_t size) override;
  /// Closes the file; the caller then renames or removes it.
  void close();
  const std::filesystem::path& path() const { return path_; }
  uint64_t size() const { return size_; }

 private:
  std::filesystem::path path_;
  RemoveOnSignal remove_on_signal_{path_};  ///< Ctrl-C while streaming leaves no temporary
  int fd_ = -1;
  uint64_t size_ = 0;
};

class LayoutTransaction {
 public:
  /// Prepares `layout.root()` for writing: creates it (and missing parents) or accepts an
  /// empty folder or an existing layout. Throws InputError when the folder holds something
  /// else or cannot be created, RuntimeError when writing inside it fails (after removing
  /// what it created).
  explicit LayoutTransaction(const OciLayout& layout);
  /// Without commit(): removes every file and folder this transaction created.
  ~LayoutTransaction();
  LayoutTransaction(const LayoutTransaction&) = delete;
  LayoutTransaction& operator=(const LayoutTransaction&) = delete;

  /// Stores a small blob (JSON) unless an identical one exists. Thread-safe.
  Descriptor put_blob(std::string_view media_type, std::string_view bytes);
  /// Starts streaming a blob into a temporary file inside blobs/sha256/.
  std::unique_ptr<BlobWriter> begin_blob();
  /// Renames a streamed blob to its digest (or drops it when that blob exists). Thread-safe.
  void finish_blob(BlobWriter& writer, std::string_view digest);
  /// Makes `descriptor`'s blob from `source` available here (hard link, else a copy),
  /// verifying its digest. Thread-safe.
  void copy_blob(const OciLayout& source, const Descriptor& descriptor);
  /// Replaces index.json atomically; returns false (writing nothing) when unchanged.
  bool write_index_json(std::string_view bytes);
  /// Keeps everything; call after index.json is in place.
  void commit();

  /// Blobs this transaction added (not counting ones that already existed).
  size_t blobs_written() const;

 private:
  void record_created(const std::filesystem::path& path);
  void rollback();

  const OciLayout& layout_;
  mutable std::mutex mutex_;
  std::vector<std::filesystem::path> created_;  ///< in creation order
  size_t blobs_written_ = 0;
  bool committed_ = false;
};

/// The index.json annotation that names a tag ("latest", "1.2.0").
inline constexpr const char* kRefNameAnnotation = "org.opencontainers.image.ref.name";

/// The layout's index.json with `entry` in place of every entry whose ref.name is entry's
/// (other tags stay where they are), or appended when there is none.
std::string index_json_with_entry(const OciLayout& layout, const Descriptor& entry);

/// Deletes blobs that index.json no longer reaches (through indexes, manifests, configs and
/// layers) and stale temporary files. Returns how many files were removed.
size_t remove_unreferenced_blobs(const OciLayout& layout);

/// What dead runs left, for a run that holds the layout's lock (util/dir_lock.hpp): every
/// temporary file (".NAME.tmp-PID-N", in the root and in blobs/sha256) and every blob that
/// neither index.json (when there is one) reaches nor `keep_digests` ("sha256:...", e.g. the
/// layer cache's) names. Returns how many files were removed.
size_t remove_stale_files(const OciLayout& layout, const std::set<std::string>& keep_digests);

/// Every descriptor reachable from `entries` in `layout` (indexes and manifests are read).
std::vector<Descriptor> reachable_descriptors(const OciLayout& layout,
                                              const std::vector<Descriptor>& entries);

}  // namespace multiarch
