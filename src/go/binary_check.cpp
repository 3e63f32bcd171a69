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
#include "util/mapped_file.hpp"

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
  MappedFile file(binary);
  std::string_view bytes = file.bytes();
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
