// Depfile writing for a large synthetic package graph: parsing go list's JSON, deriving the
// prerequisites for one platform, formatting (escaping) and writing the depfile.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "go/go_build_inputs.hpp"
#include "go/go_list.hpp"
#include "util/depfile.hpp"

namespace {

constexpr int kFilesPerPackage = 10;

/// go list -deps -json output for `packages` local packages of kFilesPerPackage files each
/// (one windows-only, one embed asset), plus as many standard-library packages.
std::string synthetic_go_list(int packages) {
  std::string out;
  for (int p = 0; p < packages; ++p) {
    out += "{\n\t\"Dir\": \"/usr/local/go/src/std" + std::to_string(p) +
           "\",\n\t\"ImportPath\": \"std" + std::to_string(p) +
           "\",\n\t\"Root\": \"/usr/local/go\",\n\t\"Standard\": true,\n\t\"GoFiles\": "
           "[\"a.go\", \"b.go\"]\n}\n";
  }
  for (int p = 0; p < packages; ++p) {
    std::string dir = "/work/my project/internal/pkg" + std::to_string(p);
    out += "{\n\t\"Dir\": \"" + dir + "\",\n\t\"ImportPath\": \"example.com/m/internal/pkg" +
           std::to_string(p) +
           "\",\n\t\"Module\": {\"Path\": \"example.com/m\", \"Main\": true, \"Dir\": "
           "\"/work/my project\", \"GoMod\": \"/work/my project/go.mod\"},\n\t\"GoFiles\": [";
    for (int f = 0; f < kFilesPerPackage - 2; ++f)
      out += std::string(f ? ", " : "") + "\"file" + std::to_string(f) + ".go\"";
    out +=
        "],\n\t\"EmbedFiles\": [\"assets/banner.txt\"],\n\t\"IgnoredGoFiles\": "
        "[\"x_windows.go\"]\n}\n";
  }
  return out;
}

multiarch::GoBuildInputsContext linux_context() {
  multiarch::GoBuildInputsContext context;
  context.platform = {"linux", "arm64", ""};
  context.go_executable = "/usr/local/go/bin/go";
  return context;
}

void BM_ParseGoList(benchmark::State& state) {
  std::string json = synthetic_go_list(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(multiarch::parse_go_list_json(json));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(json.size()));
  state.counters["packages"] = static_cast<double>(state.range(0) * 2);
}
BENCHMARK(BM_ParseGoList)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_DepfileInputs(benchmark::State& state) {
  auto packages =
      multiarch::parse_go_list_json(synthetic_go_list(static_cast<int>(state.range(0))));
  auto context = linux_context();
  for (auto _ : state) benchmark::DoNotOptimize(multiarch::go_build_inputs(packages, context));
  state.counters["inputs"] =
      static_cast<double>(multiarch::go_build_inputs(packages, context).size());
}
BENCHMARK(BM_DepfileInputs)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_FormatDepfile(benchmark::State& state) {
  auto packages =
      multiarch::parse_go_list_json(synthetic_go_list(static_cast<int>(state.range(0))));
  auto inputs = multiarch::go_build_inputs(packages, linux_context());
  size_t bytes = 0;
  for (auto _ : state) {
    auto text = multiarch::format_depfile("/work/out/linux_arm64/user", inputs);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(inputs.size()));
}
BENCHMARK(BM_FormatDepfile)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

/// The whole step go-build does after `go list`: graph in, depfile atomically on disk.
void BM_WriteDepfileFromGoList(benchmark::State& state) {
  std::string json = synthetic_go_list(static_cast<int>(state.range(0)));
  auto path = std::filesystem::temp_directory_path() /
              ("multiarch-depfile-bench-" + std::to_string(getpid())) / "user.d";
  auto context = linux_context();
  for (auto _ : state) {
    auto inputs = multiarch::go_build_inputs(multiarch::parse_go_list_json(json), context);
    multiarch::write_depfile(path, "/work/out/linux_arm64/user", inputs);
  }
  std::filesystem::remove_all(path.parent_path());
  state.SetItemsProcessed(state.iterations() * state.range(0) * kFilesPerPackage);
}
BENCHMARK(BM_WriteDepfileFromGoList)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
