#include "doctor/binfmt.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace multiarch {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> read_small_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

BinfmtHandler parse_entry(const std::string& name, const std::string& text) {
  BinfmtHandler handler;
  handler.name = name;
  std::istringstream lines(text);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    if (first) {
      handler.enabled = line == "enabled";
      first = false;
    } else if (line.starts_with("interpreter ")) {
      handler.interpreter = line.substr(12);
    } else if (line.starts_with("flags: ")) {
      handler.flags = line.substr(7);
    } else if (line.starts_with("flags:")) {
      handler.flags = line.substr(6);
    }
  }
  return handler;
}

}  // namespace

const BinfmtHandler* BinfmtState::find(const std::string& name) const {
  for (const auto& h : handlers)
    if (h.name == name) return &h;
  return nullptr;
}

BinfmtState read_binfmt(const fs::path& root) {
  BinfmtState state;
  state.root = root;
  auto status = read_small_file(root / "status");
  if (!status) return state;
  state.mounted = true;
  state.enabled = status->starts_with("enabled");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    auto name = entry.path().filename().string();
    if (name == "status" || name == "register") continue;
    if (auto text = read_small_file(entry.path()))
      state.handlers.push_back(parse_entry(name, *text));
  }
  std::sort(state.handlers.begin(), state.handlers.end(),
            [](const BinfmtHandler& a, const BinfmtHandler& b) { return a.name < b.name; });
  return state;
}

std::string qemu_handler_name(const Platform& platform) {
  static const std::map<std::string, std::string> qemu = {
      {"amd64", "x86_64"},       {"386", "i386"},      {"arm64", "aarch64"}, {"arm", "arm"},
      {"ppc64le", "ppc64le"},    {"ppc64", "ppc64"},   {"s390x", "s390x"},   {"riscv64", "riscv64"},
      {"mips64le", "mips64el"},  {"mips64", "mips64"}, {"mipsle", "mipsel"}, {"mips", "mips"},
      {"loong64", "loongarch64"}};
  auto it = qemu.find(platform.architecture);
  return it == qemu.end() ? std::string() : "qemu-" + it->second;
}

RunSupport run_support(const BinfmtState& state, const Platform& host, const Platform& target) {
  RunSupport support;
  support.platform = target;
  bool same_arch = target.os == host.os && target.architecture == host.architecture;
  bool ia32_on_amd64 = target.os == "linux" && host.os == "linux" && host.architecture == "amd64" &&
                       target.architecture == "386";
  if (same_arch || ia32_on_amd64) {
    support.mode = RunMode::native;
    support.in_containers = true;
    return support;
  }
  if (target.os != host.os) {
    support.problem = fmt::format("{} binaries do not run on a {} kernel", target.os, host.os);
    return support;
  }
  support.handler = qemu_handler_name(target);
  if (support.handler.empty()) {
    support.problem = fmt::format("QEMU has no user emulation for {}", target.architecture);
    return support;
  }
  const std::string entry = (state.root / support.handler).string();
  if (!state.mounted) {
    support.problem = "binfmt_misc is not mounted, so no foreign binary can run";
    support.fix = fmt::format("mount -t binfmt_misc binfmt_misc {}", state.root.string());
    return support;
  }
  if (!state.enabled) {
    support.problem = "binfmt_misc is disabled, so no foreign binary can run";
    support.fix = fmt::format("echo 1 > {}", (state.root / "status").string());
    return support;
  }
  const BinfmtHandler* handler = state.find(support.handler);
  if (!handler) {
    support.problem = fmt::format("no binfmt_misc handler {} is registered", support.handler);
    support.fix =
        fmt::format("apt-get install qemu-user-static binfmt-support && update-binfmts --enable {}",
                    support.handler);
    return support;
  }
  if (!handler->enabled) {
    support.problem = fmt::format("the binfmt_misc handler {} is disabled", support.handler);
    support.fix = fmt::format("echo 1 > {}", entry);
    return support;
  }
  support.mode = RunMode::emulated;
  support.in_containers = handler->fix_binary();
  if (!support.in_containers) {
    support.problem = fmt::format(
        "{} runs on the host but not inside containers (docker run --platform, Dockerfile RUN): "
        "its handler lacks the F flag",
        target.str());
    support.fix = fmt::format(
        "re-register {} with flags FP and the static interpreter /usr/bin/{}-static "
        "(scripts/setup-test-env in the multiarch source tree does it)",
        support.handler, support.handler);
  }
  return support;
}

}  // namespace multiarch
