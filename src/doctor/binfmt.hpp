#pragma once
// Which foreign architectures this kernel can run, from binfmt_misc (QEMU user emulation as
// registered by Debian's qemu-user-static/binfmt-support or tonistiigi/binfmt). Running is
// needed for tests, `docker run --platform` and Dockerfile RUN steps of foreign platforms;
// packaging prebuilt binaries needs none of it.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "platform/platform.hpp"

namespace multiarch {

struct BinfmtHandler {
  std::string name;  ///< the entry's file name: "qemu-aarch64"
  bool enabled = false;
  std::string interpreter;
  std::string flags;  ///< "PF", "OCF" ...
  /// F ("fix binary"): the kernel opened the interpreter at registration, so it also works
  /// inside containers, whose file systems do not have it.
  bool fix_binary() const { return flags.find('F') != std::string::npos; }
};

struct BinfmtState {
  std::filesystem::path root;  ///< normally /proc/sys/fs/binfmt_misc
  bool mounted = false;        ///< root/status exists
  bool enabled = false;        ///< root/status says "enabled"
  std::vector<BinfmtHandler> handlers;
  const BinfmtHandler* find(const std::string& name) const;
};

/// Reads the binfmt_misc folder (an injectable root for tests); a missing folder gives
/// mounted = false, never an error.
BinfmtState read_binfmt(const std::filesystem::path& root = "/proc/sys/fs/binfmt_misc");

/// The binfmt entry name QEMU uses for a platform's architecture ("qemu-aarch64" for
/// linux/arm64, "qemu-arm" for arm/v6 and v7); "" for architectures QEMU has no entry for.
std::string qemu_handler_name(const Platform& platform);

enum class RunMode { native, emulated, unavailable };

struct RunSupport {
  Platform platform;
  RunMode mode = RunMode::unavailable;
  std::string handler;         ///< the binfmt entry used or needed
  bool in_containers = false;  ///< also works inside containers (native, or the F flag)
  std::string problem;         ///< why it cannot run (or not in containers); "" when fine
  std::string fix;             ///< the command that fixes `problem`
};

/// Whether `host` can run binaries of `target` (natively, including 386 on amd64, or through
/// an enabled QEMU handler), and if not, what to run to make it so.
RunSupport run_support(const BinfmtState& state, const Platform& host, const Platform& target);

}  // namespace multiarch
