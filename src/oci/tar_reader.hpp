#pragma once
// Reading a tar held in memory (what `docker save` prints): ustar with its name prefix, GNU
// long names ('L') and pax path records ('x'), regular files and symbolic links. Enough for
// docker-archives of every Docker version; not a general extractor.
#include <map>
#include <string>
#include <string_view>

namespace multiarch {

/// Every regular file of the archive by path ("manifest.json", "abc/layer.tar"); symbolic
/// links to files in the archive are resolved (Docker >= 25 links layer.tar into blobs/).
/// Views point into `archive`. Throws RuntimeError on a truncated or malformed archive.
std::map<std::string, std::string_view> read_tar_files(std::string_view archive);

}  // namespace multiarch
