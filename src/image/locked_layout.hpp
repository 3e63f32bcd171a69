#pragma once
// An OCI layout opened for writing by one run of `image assemble` or `image layer`: the
// transaction its blobs go through, the lock that makes a second run on the same folder wait
// (its cleanup would take this run's temporaries), and the layer cache kept inside it.
#include <filesystem>
#include <string>

#include "image/image_assembler.hpp"
#include "image/layer_cache.hpp"
#include "oci/oci_layout.hpp"
#include "util/dir_lock.hpp"

namespace multiarch {

struct LockedLayout {
  /// Sets up, in this order, the transaction (creates the folder), the lock (waits for
  /// another run, telling `progress` once; `flag` names the folder's option in messages,
  /// e.g. "--output") and the cache (empty when missing or unreadable). Throws what
  /// LayoutTransaction and DirectoryLock throw.
  LockedLayout(const OciLayout& layout, const std::string& flag, const ProgressFunction& progress);

  LayoutTransaction transaction;
  DirectoryLock lock;
  std::filesystem::path cache_file;  ///< LAYOUT/.multiarch-cache.json
  LayerCache cache;
};

}  // namespace multiarch
