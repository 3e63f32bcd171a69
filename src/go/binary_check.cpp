#include "go/binary_check.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>
#include <vector>

#include "go/go_build_settings.hpp"
#include "go/go_env.hpp"
#include "platform/executable_header.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

/// The rank of a level value (higher needs more of the CPU); nullopt when unknown.
std::optional<int> level_rank(const std::string& variable, std::string value) {
  // Go 1.22+ may add options after a comma: GOARM=7,softfloat, GOARM64=v8.2,lse,crypto.
  value = value.substr(0, value.find(','));
  auto ordered = [&](std::initializer_list<std::string_view> order) -> std::optional<int> {
    int rank = 0;
    for (auto item : order) {
      if (value == item) return rank;
      ++rank;
    }
    return std::nullopt;
  };
  if (variable == "GOARM") return ordered({"5", "6", "7"});
  if (variable == "GOAMD64") return ordered({"v1", "v2", "v3", "v4"});
  if (variable == "GO386") return ordered({"softfloat", "sse2"});
  if (variable == "GOPPC64") return ordered({"power8", "power9", "power10"});
  if (variable == "GORISCV64") return ordered({"rva20u64", "rva22u64", "rva23u64"});
  if (variable == "GOMIPS" || variable == "GOMIPS64") return ordered({"softfloat", "hardfloat"});
  if (variable == "GOARM64") {
    // v8.0..v8.9, v9.0..v9.5; Go treats v9.N as v8.(N+5) for the features it uses.
    if (value.size() < 2 || value[0] != 'v' || (value[1] != '8' && value[1] != '9'))
      return std::nullopt;
    int major = value[1] - '0';
    int minor = 0;
    if (value.size() > 2) {
      if (value.size() != 4 || value[2] != '.' || value[3] < '0' || value[3] > '9')
        return std::nullopt;
      minor = value[3] - '0';
    }
    return major == 9 ? 5 + minor : minor;
  }
  return std::nullopt;
}

/// ELF program headers: the PT_INTERP segment's text, "" when there is none.
std::string elf_interpreter(std::string_view bytes) {
  if (bytes.size() < 64 || bytes.substr(0, 4) !=
                               "\x7f"
                               "ELF")
    return {};
  bool is64 = bytes[4] == 2;
  bool little = bytes[5] == 1;
  auto load = [&](size_t offset, size_t size) -> uint64_t {
    if (offset + size > bytes.size()) return 0;
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i) {
      auto byte = static_cast<uint64_t>(static_cast<unsigned char>(bytes[offset + i]));
      value |= little ? byte << (8 * i) : byte << (8 * (size - 1 - i));
    }
    return value;
  };
  uint64_t phoff = is64 ? load(32, 8) : load(28, 4);
  uint64_t phentsize = is64 ? load(54, 2) : load(42, 2);
  uint64_t phnum = is64 ? load(56, 2) : load(44, 2);
  constexpr uint32_t kPtInterp = 3;
  for (uint64_t i = 0; i < phnum && phentsize > 0; ++i) {
    uint64_t ph = phoff + i * phentsize;
    if (ph + phentsize > bytes.size()) break;
    if (load(ph, 4) != kPtInterp) continue;
    uint64_t offset = is64 ? load(ph + 8, 8) : load(ph + 4, 4);
    uint64_t size = is64 ? load(ph + 32, 8) : load(ph + 16, 4);
    if (offset >= bytes.size() || size > bytes.size() - offset) return {};
    std::string text(bytes.substr(offset, size));
    return text.substr(0, text.find('\0'));
  }
  return {};
}

}  // namespace

std::optional<std::string> go_level_excess(const std::map<std::string, std::string>& settings,
                                           const Platform& platform) {
  std::optional<GoLevelVariable> wanted;
  try {
    wanted = go_level_variable(platform);
  } catch (const InputError&) {
    return std::nullopt;  // the platform itself is checked elsewhere
  }
  if (!wanted) return std::nullopt;
  auto found = settings.find(wanted->name);
  if (found == settings.end()) return std::nullopt;
  auto have = level_rank(wanted->name, found->second);
  auto need = level_rank(wanted->name, wanted->value);
  if (!have || !need || *have <= *need) return std::nullopt;
  return fmt::format("was built with {}={}, but {} guarantees only {}={}", wanted->name,
                     found->second, platform.str(), wanted->name, wanted->value);
}

CheckedBinary verify_binary_for(const std::filesystem::path& binary, const Platform& platform) {
  verify_executable_for(binary, platform);  // header first: its message names the file's kind
  std::string bytes = read_file(binary);
  CheckedBinary checked;
  if (auto info = find_go_build_info(bytes)) {
    auto settings = parse_go_build_settings(info->module_info);
    if (auto why = go_level_excess(settings, platform))
      throw InputError(fmt::format(
          "{} {}: it would stop with an illegal instruction on the oldest {} CPUs; rebuild it "
          "with `multiarch go-build --platform {}`",
          binary.string(), *why, platform.str(), platform.str()));
  }
  if (platform.os == "linux" || platform.os == "freebsd" || platform.os == "android")
    checked.interpreter = elf_interpreter(bytes);
  return checked;
}

}  // namespace multiarch
