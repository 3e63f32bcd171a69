#include "buildx/build_context.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>

#include "go/binaries_dir.hpp"
#include "go/binary_check.hpp"
#include "image/extra_file.hpp"
#include "platform/executable_header.hpp"
#include "util/depfile.hpp"
#include "util/error.hpp"

namespace multiarch {
namespace fs = std::filesystem;
namespace {

/// "/etc//app/./x" -> "/etc/app/x"; rejects relative paths, "..", and the root itself.
std::string normalize_destination(const std::string& destination, const std::string& flag) {
  if (destination.empty() || destination[0] != '/')
    throw InputError(
        fmt::format("{}: destination \"{}\" must be an absolute path", flag, destination));
  std::string out;
  size_t start = 1;
  while (start <= destination.size()) {
    auto slash = destination.find('/', start);
    auto part = destination.substr(start, slash == std::string::npos ? slash : slash - start);
    if (part == "..")
      throw InputError(fmt::format("{}: destination \"{}\" may not contain ..", flag, destination));
    if (!part.empty() && part != ".") out += "/" + part;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (out.empty())
    throw InputError(fmt::format("{}: destination \"{}\" names no file", flag, destination));
  for (unsigned char c : out)
    if (c < 0x20 || c == 0x7f)
      throw InputError(
          fmt::format("{}: destination \"{}\" has control characters", flag, destination));
  return out;
}

void set_mtime(const fs::path& path, int64_t epoch) {
  // utimensat with AT_SYMLINK_NOFOLLOW: exact seconds, no clock conversion.
  struct timespec times[2];
  times[0].tv_sec = static_cast<time_t>(epoch);
  times[0].tv_nsec = 0;
  times[1] = times[0];
  if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
    throw RuntimeError(fmt::format("cannot set the time of {}", path.string()));
}

void copy_regular_file(const fs::path& from, const fs::path& to, fs::perms mode) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (ec)
    throw RuntimeError(
        fmt::format("cannot create {}: {}", to.parent_path().string(), ec.message()));
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec)
    throw RuntimeError(
        fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), ec.message()));
  fs::permissions(to, mode, ec);
  if (ec)
    throw RuntimeError(fmt::format("cannot set the mode of {}: {}", to.string(), ec.message()));
}

}  // namespace

ContextFile parse_context_file(const std::string& text) {
  ExtraFile parsed = parse_extra_file(text);
  ContextFile file;
  file.source = parsed.source;
  if (parsed.mode) file.mode = static_cast<fs::perms>(*parsed.mode);
  file.destination = normalize_destination(parsed.destination, "--file " + text);
  return file;
}

ContextPlan plan_build_context(const ContextRequest& request) {
  if (request.platforms.empty()) throw InputError("--platform: no platform given");
  std::error_code ec;
  if (!fs::is_directory(request.binaries_dir, ec))
    throw InputError(
        fmt::format("--binaries-dir {}: not a directory (build the binaries with "
                    "`multiarch go-build --output-dir {}`)",
                    request.binaries_dir.string(), request.binaries_dir.string()));
  ContextPlan plan;
  plan.binary_name = request.binary_name;
  for (const auto& platform : request.platforms) {
    fs::path slug_dir = request.binaries_dir / platform.slug();
    if (!fs::is_directory(slug_dir, ec))
      throw InputError(fmt::format(
          "--binaries-dir: no binaries for {} ({} is missing; build it with `multiarch go-build "
          "--platform {} --output-dir {}`)",
          platform.str(), slug_dir.string(), platform.str(), request.binaries_dir.string()));
    std::string name = plan.binary_name;
    if (name.empty()) {
      name = single_binary_name(slug_dir, platform);
      plan.binary_name = name;
    }
    fs::path binary = slug_dir / (name + platform.binary_suffix());
    if (!fs::is_regular_file(binary, ec))
      throw InputError(
          fmt::format("--binaries-dir: {} is missing for {}", binary.string(), platform.str()));
    verify_binary_for(binary, platform);  // header and the Go level (GOARM...) it needs
    plan.binaries.push_back(binary);
  }
  std::set<std::string> destinations;
  for (auto file : request.files) {
    if (!fs::is_regular_file(file.source, ec) && !fs::is_directory(file.source, ec))
      throw InputError(
          fmt::format("--file {}: not a regular file or folder", file.source.string()));
    if (!destinations.insert(file.destination).second)
      throw InputError(fmt::format("--file: {} is given twice", file.destination));
    plan.files.push_back(std::move(file));
  }
  return plan;
}

void write_build_context(const ContextPlan& plan, const std::vector<Platform>& platforms,
                         int64_t epoch, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw RuntimeError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  if (!fs::is_empty(dir, ec)) throw RuntimeError(fmt::format("{} is not empty", dir.string()));
  const auto executable = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                          fs::perms::others_read | fs::perms::others_exec;
  for (size_t i = 0; i < platforms.size(); ++i) {
    copy_regular_file(plan.binaries[i], dir / platforms[i].slug() / plan.binaries[i].filename(),
                      executable);
  }
  const auto permission_bits = fs::perms::owner_all | fs::perms::group_all | fs::perms::others_all;
  for (const auto& file : plan.files) {
    fs::path target = dir / "rootfs" / file.destination.substr(1);
    if (!fs::is_directory(file.source)) {
      copy_regular_file(
          file.source, target,
          file.mode ? *file.mode : fs::status(file.source).permissions() & permission_bits);
      continue;
    }
    // A folder: its tree, symbolic links kept as links; MODE (if any) applies to its files.
    fs::create_directories(target, ec);
    for (auto it = fs::recursive_directory_iterator(file.source);
         it != fs::recursive_directory_iterator(); ++it) {
      fs::path to = target / it->path().lexically_relative(file.source);  // links unresolved
      if (it->is_symlink()) {
        fs::create_directories(to.parent_path());
        fs::copy_symlink(it->path(), to, ec);
        if (ec)
          throw RuntimeError(fmt::format("cannot copy {}: {}", it->path().string(), ec.message()));
      } else if (it->is_directory()) {
        fs::create_directories(to);
      } else if (it->is_regular_file()) {
        copy_regular_file(it->path(), to,
                          file.mode ? *file.mode : it->status().permissions() & permission_bits);
      }
    }
  }
  // Every entry, deepest first, then the root: one fixed mtime (see header).
  std::vector<fs::path> entries;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it)
    entries.push_back(it->path());
  std::sort(entries.begin(), entries.end(), [](const fs::path& a, const fs::path& b) {
    return a.string().size() > b.string().size();
  });
  for (const auto& entry : entries) set_mtime(entry, epoch);
  set_mtime(dir, epoch);
}

DepfileRequest context_depfile_request(const std::string& path, const std::string& target,
                                       const fs::path& default_target) {
  DepfileRequest request;
  if (path.empty()) return request;
  for (const auto& [flag, text] :
       {std::pair<std::string, std::string>{"--depfile", path}, {"--depfile-target", target}})
    if (text.find_first_of("\n\r\t") != std::string::npos)
      throw InputError(fmt::format(
          "{}: the path has a newline, carriage return or tab; pick a plain file name", flag));
  request.path = path;
  request.target = target.empty() ? default_target.string() : target;
  if (request.target.empty())
    throw InputError(
        "--depfile: give --depfile-target (without --output-layout there is no file "
        "to name)");
  return request;
}

void write_context_depfile(const DepfileRequest& request, const ContextPlan& plan) {
  if (request.path.empty()) return;
  std::vector<std::string> inputs;
  for (const auto& binary : plan.binaries) inputs.push_back(binary.string());
  std::vector<ExtraFile> files;
  for (const auto& file : plan.files) files.push_back(ExtraFile{file.source, file.destination, {}});
  for (auto& input : extra_file_inputs(files)) inputs.push_back(std::move(input));
  write_depfile(request.path, request.target, inputs);
}

}  // namespace multiarch
