// Parse + normalize throughput of the platform engine (specs per second).
#include <benchmark/benchmark.h>

#include "go/go_env.hpp"
#include "platform/platform.hpp"

namespace {

const std::vector<std::string> kSpecs = {
    "linux/amd64",    "linux/arm64/v8", "armhf",         "aarch64",       "linux/arm/v6",
    "linux/amd64/v3", "i686",           "linux/ppc64le", "windows/amd64", "linux/riscv64/rva22u64"};

void BM_ParseNormalize(benchmark::State& state) {
  const multiarch::Platform host{"linux", "amd64", ""};
  for (auto _ : state) {
    for (const auto& spec : kSpecs) benchmark::DoNotOptimize(multiarch::parse_platform(spec, host));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kSpecs.size()));
}
BENCHMARK(BM_ParseNormalize);

void BM_GoEnv(benchmark::State& state) {
  const multiarch::Platform host{"linux", "amd64", ""};
  multiarch::GoToolchainInfo toolchain;
  toolchain.version = {1, 26, 0};
  std::vector<multiarch::Platform> platforms;
  for (const auto& spec : kSpecs) platforms.push_back(multiarch::parse_platform(spec, host));
  for (auto _ : state) {
    for (const auto& p : platforms) benchmark::DoNotOptimize(multiarch::go_env_for(p, toolchain));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(platforms.size()));
}
BENCHMARK(BM_GoEnv);

}  // namespace
