#include "image/locked_layout.hpp"

namespace multiarch {

LockedLayout::LockedLayout(const OciLayout& layout, const std::string& flag,
                           const ProgressFunction& progress)
    : transaction(layout),
      lock(layout.root(), flag,
           [&progress](const std::string& line) {
             if (progress) progress(line);
           }),
      cache_file(layout.root() / kLayerCacheFile),
      cache(LayerCache::load(cache_file)) {}

}  // namespace multiarch
