#pragma once
// What `multiarch image test` decides from an unpacked image and a finished run, without
// running anything: the entrypoint checks made before a run, the image's user, and the likely
// cause of a failed run in words (docs/test.md, "What a failure means").
#include <filesystem>
#include <string>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

/// Before running: `program` (the first word of Entrypoint + Cmd) is in the image at `root`
/// (on the image's PATH, from `env`, for a bare name; relative to `workdir` for a relative
/// one), is executable, is an executable for `platform` (or a script whose interpreter is in
/// the image), and its ELF interpreter, when it is dynamically linked, is in the image. ""
/// when fine, else the cause.
std::string check_entrypoint(const std::filesystem::path& root, const std::string& program,
                             const std::vector<std::string>& env, const std::string& workdir,
                             const Platform& platform);

struct ImageUser {
  unsigned uid = 0;
  unsigned gid = 0;
  std::string problem;  ///< "" when resolved; else why not ("User \"app\" is not in ...")
};

/// The uid and gid for the image's User ("65532", "1000:1000", "nobody", "app:staff"), names
/// looked up in the image's /etc/passwd and /etc/group; Docker's rules (gid 0 for a uid
/// without an entry, root for "").
ImageUser resolve_image_user(const std::filesystem::path& root, const std::string& user);

/// The likely cause of a failed run from its exit code (128+signal when killed) and output:
/// an illegal instruction (the binary's level above the platform's), Go's GOAMD64 start-up
/// check, an exec format error, a file the program could not open. "" when none is known.
std::string failure_cause(int exit_code, const std::string& output, const Platform& platform,
                          const std::string& cpu_model);

/// The first line of `output` that shows Go's runtime corrupted by QEMU user-mode emulation
/// rather than by the program ("fatal error: wirep: already in go", "runtime: morestack on
/// g0", "SIGSEGV: segmentation violation" outside any goroutine's panic, "bad g in signal
/// handler", ...): qemu-i386 7.2 delivers a signal to a Go program on the wrong stack about
/// once in two SIGTERMs (docs/test.md). "" when there is none: a program's own panic or
/// fatal error ("concurrent map writes") is never one.
std::string emulator_runtime_crash(const std::string& output);

/// The last `count` lines of `output`, without QEMU's notes about CPU features its TCG lacks
/// (not the program's words), each made printable on one line.
std::vector<std::string> output_tail(const std::string& output, size_t count);

}  // namespace multiarch
