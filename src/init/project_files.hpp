#pragma once
// `multiarch init`'s output: the CMakeLists.txt (one add_multiarch_image per service), the
// CMakePresets.json (one preset per platform set) and the seed-compatible docker-deployx
// Makefile for a module's services, and their writing (atomic, never over a file unless
// forced).
#include <filesystem>
#include <string>
#include <vector>

#include "init/service_discovery.hpp"

namespace multiarch {

/// Where a service's config folder goes in its image, and the flag kratos services read.
inline constexpr const char* kInitConfigDest = "/data/conf";
/// The time zone and port of every image init's files build (CMakeLists.txt's IMAGE_SETTINGS
/// and the Makefile's TZ and PORTS defaults: the seed's Dockerfile), with the CA certificates.
inline constexpr const char* kInitTimeZone = "Asia/Shanghai";
inline constexpr const char* kInitPort = "8080";

/// How a file meets one that exists: replaced (only with --force), or, for .gitignore, given
/// the lines it lacks and never replaced.
enum class ExistingFile { replace, append_missing_lines };

struct ProjectFile {
  std::string name;  ///< "CMakeLists.txt", relative to the module folder
  std::string content;
  ExistingFile existing = ExistingFile::replace;
};

/// What writing did with one file.
enum class WriteAction { written, appended, kept };
struct WriteResult {
  std::string name;
  WriteAction action = WriteAction::written;
  std::vector<std::string> appended;  ///< the lines added (WriteAction::appended)
};

/// CMakeLists.txt: find_package(MultiArch <major.minor>), then per service
///   add_multiarch_image(SERVICE s PACKAGE ./... [FILES cfg:/data/conf]
///                       [ENTRYPOINT /app/service -conf /data/conf] [CGO])
/// `project_name` is the CMake project() name (sanitized from the module path).
std::string render_cmake_lists(const ModuleServices& module, const std::string& multiarch_version);

/// CMakePresets.json (version 6): default (common), all-arm, all, linux-amd64, linux-arm64,
/// linux-arm-v7, buildx; each with its own build/<preset> folder and a build preset that
/// builds `images`.
std::string render_cmake_presets();

/// The seed workflow's `make docker-deployx SERVICE=s REGISTER=... REPOSITORY=...`, with a
/// per-service table (PACKAGE.s, FILES.s, ARGS.s) and deploy/<s>.env overrides.
std::string render_makefile(const ModuleServices& module);

/// .gitignore: the build folders the presets and the Makefile write (/build/).
std::string render_gitignore();

/// The lines of `wanted` (not comments, not blank) that `existing` does not ignore already;
/// "build", "build/", "/build" and "/build/" all ignore the root's build folder.
std::vector<std::string> missing_ignore_lines(const std::string& existing,
                                              const std::string& wanted);

/// The files init writes, in order: CMakeLists.txt, CMakePresets.json[, Makefile], .gitignore.
std::vector<ProjectFile> render_project_files(const ModuleServices& module, bool makefile,
                                              const std::string& multiarch_version);

/// Writes each file into `dir` through a temporary file and a rename. Unless `force`, checks
/// first that no file to replace exists and throws InputError naming the first one (nothing
/// is written). A file whose `existing` is append_missing_lines is never replaced, forced or
/// not: when it exists it gets the lines it lacks at its end, or is kept as it is.
std::vector<WriteResult> write_project_files(const std::filesystem::path& dir,
                                             const std::vector<ProjectFile>& files, bool force);

}  // namespace multiarch
