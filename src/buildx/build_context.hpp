#pragma once
// The build context `multiarch buildx` hands to docker: a fresh folder holding only the
// binaries of the requested platforms under their slugs (`linux_arm_v7/user`, the layout of
// `multiarch go-build`) and a `rootfs/` tree of the files the user declares (CA bundle,
// zoneinfo, configs). Nothing else is uploaded to the builder, and every staged file and folder
// gets the same mtime (the source date epoch), so BuildKit's COPY layers are byte-identical
// from one build to the next.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

/// A file (or a folder, copied recursively with symbolic links kept) placed into the image:
/// SOURCE on the host, DESTINATION an absolute path inside.
struct ContextFile {
  std::filesystem::path source;
  std::string destination;                     ///< "/etc/app/config.yaml"
  std::optional<std::filesystem::perms> mode;  ///< nullopt: the source's permission bits
};

/// Parses `--file SRC:DEST[:MODE]` (MODE octal, e.g. 0644). Throws InputError naming it.
ContextFile parse_context_file(const std::string& text);

struct ContextRequest {
  std::filesystem::path binaries_dir;  ///< the go-build layout: DIR/<slug>/<name>
  std::vector<Platform> platforms;
  std::string binary_name;  ///< "" : the single file each slug folder holds
  std::vector<ContextFile> files;
  int64_t epoch = 0;  ///< mtime of everything staged
};

/// What is staged, checked before anything is written.
struct ContextPlan {
  std::string binary_name;
  /// One entry per platform: the binary on the host (already checked: it exists, is a
  /// regular file, and its executable header matches the platform).
  std::vector<std::filesystem::path> binaries;
  std::vector<ContextFile> files;  ///< destinations normalized, sources checked
};

/// Validates the request: every platform has its binary, every binary's header matches its
/// platform, declared files exist, destinations are absolute and distinct. Throws InputError
/// naming the platform, path or flag.
ContextPlan plan_build_context(const ContextRequest& request);

/// Writes the plan into `dir` (created; must not exist or be empty). Throws RuntimeError
/// naming the path when the disk fails.
void write_build_context(const ContextPlan& plan, const std::vector<Platform>& platforms,
                         int64_t epoch, const std::filesystem::path& dir);

/// `--depfile PATH [--depfile-target TARGET]`: where to list the context's inputs.
struct DepfileRequest {
  std::filesystem::path path;  ///< "" for none
  std::string target;
};

/// Checks the depfile options (before anything runs): a path with a newline, carriage return
/// or tab, or a depfile without a target (no --depfile-target and no layout), is InputError.
DepfileRequest context_depfile_request(const std::string& path, const std::string& target,
                                       const std::filesystem::path& default_target);

/// Writes the depfile (nothing when `request.path` is empty): the binaries and every --file
/// input (image/extra_file.hpp extra_file_inputs()), so a changed config rebuilds the image.
void write_context_depfile(const DepfileRequest& request, const ContextPlan& plan);

}  // namespace multiarch
