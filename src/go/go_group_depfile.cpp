#include "go/go_group_depfile.hpp"

#include <fmt/format.h>

#include <set>

#include "util/depfile.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace multiarch {
namespace {

constexpr unsigned kMaxShards = 1024;

std::string expand_group_template(const std::string& text, const Platform& platform,
                                  unsigned shard) {
  return replace_all(replace_all(text, "{slug}", platform.slug()), "{shard}",
                     std::to_string(shard));
}

}  // namespace

void check_go_group_depfiles(const GoGroupDepfiles& depfiles, size_t platforms) {
  if (depfiles.path.empty()) return;
  if (depfiles.target.empty())
    throw InputError(fmt::format(
        "--group-depfile \"{}\" needs --group-depfile-target (the output the depfile names)",
        one_line(depfiles.path)));
  if (depfiles.shards == 0 || depfiles.shards > kMaxShards)
    throw InputError(
        fmt::format("--group-depfile-shards {}: give 1 to {}", depfiles.shards, kMaxShards));
  for (const auto& [flag, value] : {std::pair{"--group-depfile", &depfiles.path},
                                    std::pair{"--group-depfile-target", &depfiles.target}}) {
    if (value->find_first_of("\n\r\t") != std::string::npos)
      throw InputError(fmt::format("{} \"{}\": a path with a newline, carriage return or tab", flag,
                                   one_line(*value)));
    if (platforms > 1 && value->find("{slug}") == std::string::npos)
      throw InputError(fmt::format("{} \"{}\": {} platforms need one each; put {{slug}} in it",
                                   flag, *value, platforms));
    if (depfiles.shards > 1 && value->find("{shard}") == std::string::npos)
      throw InputError(fmt::format("{} \"{}\": {} shards need one each; put {{shard}} in it", flag,
                                   *value, depfiles.shards));
  }
}

unsigned go_group_shard_of(std::string_view path, unsigned shards) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : path) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return static_cast<unsigned>(hash % shards);
}

void write_go_group_depfiles(const GoGroupDepfiles& depfiles, const Platform& platform,
                             const std::vector<std::vector<std::string>>& inputs) {
  if (depfiles.path.empty()) return;
  std::set<std::string> all;
  for (const auto& list : inputs) all.insert(list.begin(), list.end());
  std::vector<std::vector<std::string>> shards(depfiles.shards);
  for (const auto& path : all) shards[go_group_shard_of(path, depfiles.shards)].push_back(path);
  for (unsigned shard = 0; shard < depfiles.shards; ++shard) {
    std::string path = expand_group_template(depfiles.path, platform, shard);
    std::string content =
        format_depfile(expand_group_template(depfiles.target, platform, shard), shards[shard]);
    std::string old;
    try {
      old = read_file(path);
    } catch (const std::exception&) {
    }
    if (old != content) atomic_write_file(path, content);
  }
}

}  // namespace multiarch
