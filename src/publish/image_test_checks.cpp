#include "publish/image_test_checks.hpp"

#include <fmt/format.h>

#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <vector>

#include "platform/executable_header.hpp"
#include "publish/image_rootfs.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace multiarch {
namespace fs = std::filesystem;

namespace {

constexpr const char* kDefaultEntrypointSearchPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string env_value(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& e : env)
    if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=')
      return e.substr(key.size() + 1);
  return {};
}

bool is_number(const std::string& text) {
  return !text.empty() && text.size() <= 9 &&
         text.find_first_not_of("0123456789") == std::string::npos;
}

/// Field `field` (2 = uid or gid, 3 = primary gid) of the line of /etc/passwd or /etc/group
/// whose name is `name`; nullopt when there is none or it is not a number.
std::optional<unsigned> id_from_file(const fs::path& file, const std::string& name, size_t field) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> parts;
    std::stringstream fields(line);
    std::string part;
    while (std::getline(fields, part, ':')) parts.push_back(part);
    if (parts.size() > field && parts[0] == name && is_number(parts[field]))
      return static_cast<unsigned>(std::stoul(parts[field]));
  }
  return std::nullopt;
}

/// The first bytes of a file: enough for the ELF program headers and a script's #! line.
std::string file_head(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(size_t{1} << 20, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

}  // namespace

std::string check_entrypoint(const fs::path& root, const std::string& program,
                             const std::vector<std::string>& env, const std::string& workdir,
                             const Platform& platform) {
  std::string path = program;
  if (program.find('/') == std::string::npos) {
    std::string search = env_value(env, "PATH");
    if (search.empty()) search = kDefaultEntrypointSearchPath;
    path.clear();
    std::stringstream dirs(search);
    std::string dir;
    while (std::getline(dirs, dir, ':'))
      if (resolve_in_root(root, dir + "/" + program)) {
        path = dir + "/" + program;
        break;
      }
    if (path.empty())
      return fmt::format("missing file: \"{}\" is not on the image's PATH ({})", one_line(program),
                         one_line(search));
  } else if (program[0] != '/') {
    path = (fs::path(workdir) / program).lexically_normal().string();
  }
  auto file = resolve_in_root(root, path);
  std::error_code ec;
  if (!file || !fs::is_regular_file(*file, ec))
    return fmt::format("missing file: the entrypoint {} is not in the image", one_line(path));
  auto permissions = fs::status(*file, ec).permissions();
  if ((permissions & (fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec)) ==
      fs::perms::none)
    return fmt::format("permission denied: {} is not executable (mode {:o})", one_line(path),
                       static_cast<unsigned>(permissions));
  std::string head = file_head(*file);
  if (head.rfind("#!", 0) == 0) {
    std::string line = head.substr(2, head.find('\n') - 2);
    size_t start = line.find_first_not_of(" \t");
    std::string interpreter = start == std::string::npos
                                  ? ""
                                  : line.substr(start, line.find_first_of(" \t", start) - start);
    if (interpreter.empty() || !resolve_in_root(root, interpreter))
      return fmt::format(
          "missing interpreter: the script {} needs \"{}\", which is not in the "
          "image",
          one_line(path), one_line(interpreter));
    return {};
  }
  try {
    ExecutableHeader header = parse_executable_header(head, path);
    if (auto mismatch = executable_mismatch(header, platform))
      return fmt::format("exec format error: {} is {}", one_line(path), *mismatch);
  } catch (const InputError&) {
    return fmt::format("exec format error: {} is not an executable", one_line(path));
  }
  if (auto interpreter = elf_interpreter(head);
      !interpreter.empty() && !resolve_in_root(root, interpreter))
    return fmt::format(
        "missing interpreter: {} is dynamically linked and needs {} (ELF PT_INTERP), which is "
        "not in the image; build with CGO_ENABLED=0 or add a base image with that loader",
        one_line(path), one_line(interpreter));
  return {};
}

ImageUser resolve_image_user(const fs::path& root, const std::string& user) {
  ImageUser resolved;
  if (user.empty()) return resolved;
  std::string name = user, group;
  if (auto colon = user.find(':'); colon != std::string::npos) {
    name = user.substr(0, colon);
    group = user.substr(colon + 1);
  }
  if (is_number(name)) {
    resolved.uid = static_cast<unsigned>(std::stoul(name));
  } else if (auto uid = id_from_file(root / "etc/passwd", name, 2)) {
    resolved.uid = *uid;
    resolved.gid = id_from_file(root / "etc/passwd", name, 3).value_or(0);
  } else {
    resolved.problem = fmt::format("User \"{}\" is not in the image's /etc/passwd", one_line(name));
  }
  if (!group.empty()) {
    if (is_number(group)) {
      resolved.gid = static_cast<unsigned>(std::stoul(group));
    } else if (auto gid = id_from_file(root / "etc/group", group, 2)) {
      resolved.gid = *gid;
    } else {
      resolved.problem =
          fmt::format("group \"{}\" is not in the image's /etc/group", one_line(group));
    }
  }
  return resolved;
}

std::string failure_cause(int exit_code, const std::string& output, const Platform& platform,
                          const std::string& cpu_model) {
  static const std::regex amd64_level("can only be run on AMD64 processors with (v[0-9])");
  std::smatch match;
  if (std::regex_search(output, match, amd64_level))
    return fmt::format(
        "the binary needs x86-64-{} (GOAMD64={}), above what {} promises: build it with the "
        "platform's GOAMD64 (Go's start-up check on {})",
        match[1].str(), match[1].str(), platform.str(), cpu_model);
  if (exit_code == 128 + 4 || output.find("Illegal instruction") != std::string::npos ||
      output.find("SIGILL") != std::string::npos)
    return fmt::format(
        "illegal instruction (SIGILL) on {}: the binary was built for a higher level than {} "
        "promises (GOARM/GOAMD64/GOARM64/GOPPC64/GORISCV64)",
        cpu_model, platform.str());
  if (output.find("no floating point hardware") != std::string::npos)
    return fmt::format("the CPU model {} lacks the floating point the binary needs", cpu_model);
  if (output.find("xec format error") != std::string::npos)
    return "exec format error: the binary is not for this architecture";
  if (exit_code == 128 + 11) return "segmentation fault (SIGSEGV)";
  if (exit_code == 128 + 6) return "aborted (SIGABRT)";
  static const std::regex missing("([^\\s\"']+): no such file or directory", std::regex::icase);
  if (std::regex_search(output, match, missing))
    return fmt::format("missing file: the program could not open {}, which is not in the image",
                       one_line(match[1].str()));
  std::string crash = emulator_runtime_crash(output);
  if (!crash.empty())
    return fmt::format(
        "Go's runtime crashed under QEMU ({}): a known QEMU user-mode signal bug, not the "
        "binary's (docs/test.md)",
        crash);
  // The program's own end: its panic, or a fatal error of Go's runtime (the first such line).
  static const std::regex go_end("(^|\n)((panic|fatal error): [^\n]*)");
  if (std::regex_search(output, match, go_end)) return one_line(match[2].str());
  return {};
}

std::string emulator_runtime_crash(const std::string& output) {
  // What Go's runtime prints when its own state is broken, as seen under qemu-i386 7.2 after
  // a signal (tests/unit/image_test_checks_test.cpp has the outputs). A raw "SIGSEGV:" counts
  // at a line's start only: "[signal SIGSEGV: ...]" after "panic: runtime error" is the
  // program's own nil dereference.
  static const std::vector<std::string> anywhere = {
      "wirep: already in go", "morestack on g0", "morestack on gsignal", "bad g in signal handler",
      "unexpected signal during runtime execution"};
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("SIGSEGV: segmentation violation", 0) == 0) return one_line(line);
    for (const auto& words : anywhere)
      if (line.find(words) != std::string::npos) return one_line(line);
  }
  return {};
}

std::vector<std::string> output_tail(const std::string& output, size_t count) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(": warning: TCG doesn't support requested feature") != std::string::npos)
      continue;
    lines.push_back(one_line(line));
  }
  if (lines.size() > count)
    lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(count));
  return lines;
}

}  // namespace multiarch
