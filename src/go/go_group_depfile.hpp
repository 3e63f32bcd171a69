#pragma once
// The depfiles of a go-build group for a build tool: per platform, the union of every binary's
// inputs, so one build node per platform reruns when any input of any binary changed (go-build
// then rebuilds only the stale binaries, by their own stamps). Split over several files
// ("shards") on request: Ninja 1.11 checks each new depfile entry against all earlier ones of
// the same file (depfile_parser.cc), a cost quadratic in the entries of one file that small
// files avoid (figures in docs/benchmarks.md, "Scaling").
#include <string>
#include <string_view>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

struct GoGroupDepfiles {
  /// The depfile's path: "{slug}" is replaced by the platform's slug, "{shard}" by the
  /// shard's number (0 .. shards-1). Empty: none.
  std::string path;
  /// The target each depfile names, with the same placeholders, spelled as the build tool
  /// spells that output (Ninja: relative to the build folder when it is inside it).
  std::string target;
  unsigned shards = 1;
};

/// Throws InputError naming the flag when `depfiles` cannot be written as asked: a target
/// missing, {slug} missing for several platforms, {shard} missing from either template with
/// more than one shard, shards 0 or above 1024, or a newline, carriage return or tab in a path.
void check_go_group_depfiles(const GoGroupDepfiles& depfiles, size_t platforms);

/// Which shard lists `path`: FNV-1a (64-bit) of its bytes modulo `shards`, the same on every
/// run and machine, so an input stays in its shard while the input list changes around it.
unsigned go_group_shard_of(std::string_view path, unsigned shards);

/// Writes every depfile of one platform (atomically, only those whose content changed): the
/// sorted, unique union of `inputs`, each path in its shard; a shard with no input names its
/// target alone.
void write_go_group_depfiles(const GoGroupDepfiles& depfiles, const Platform& platform,
                             const std::vector<std::vector<std::string>>& inputs);

}  // namespace multiarch
