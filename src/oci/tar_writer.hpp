#pragma once
// A deterministic tar (ustar, with pax records only when ustar cannot hold a value): the same
// entries always give the same bytes. Owner uid/gid 0 with empty user/group names, one fixed
// mtime for every entry, no atime/ctime, modes exactly as given. Sorting entries and adding
// parent directories is the caller's job (see layer_contents.hpp).
#include <cstdint>
#include <span>
#include <string>

#include "util/byte_sink.hpp"

namespace multiarch {

struct TarEntry {
  enum class Type { file, directory, symlink };
  /// Relative path inside the archive without a leading '/' ("app/service"); directories
  /// are written with a trailing '/'.
  std::string path;
  Type type = Type::file;
  uint32_t mode = 0644;  ///< permission bits only (07777)
  uint64_t size = 0;     ///< files: the exact number of data bytes that follow
  std::string link_target;
};

class TarWriter {
 public:
  static constexpr size_t kBlockSize = 512;

  TarWriter(ByteSink& out, int64_t mtime);

  /// Writes the header (and a pax header first when needed). For files, exactly
  /// `entry.size` bytes must follow through write_data() before end_entry().
  void begin_entry(const TarEntry& entry);
  void write_data(const void* data, size_t size);
  /// The output sink's direct space (see ByteSink::direct_space), for zero-copy reads.
  std::span<char> direct_space() { return out_.direct_space(); }
  /// Pads the data to a block boundary. Throws RuntimeError when fewer or more bytes than
  /// announced were written (a file that changed while it was read).
  void end_entry();
  /// The end-of-archive marker: two zero blocks.
  void finish();

  uint64_t bytes_written() const { return written_; }

 private:
  void emit(const void* data, size_t size);
  void write_header(const std::string& name, char type, uint32_t mode, uint64_t size,
                    const std::string& link, const std::string& prefix);

  ByteSink& out_;
  int64_t mtime_;
  uint64_t written_ = 0;
  uint64_t expected_ = 0;
  uint64_t received_ = 0;
  std::string current_;
  bool in_entry_ = false;
};

}  // namespace multiarch
