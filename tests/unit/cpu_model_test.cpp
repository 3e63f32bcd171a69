#include "platform/cpu_model.hpp"

#include <gtest/gtest.h>

namespace multiarch {
namespace {

Platform linux_platform(const std::string& spec) {
  return parse_platform(spec, Platform{"linux", "amd64", ""});
}

TEST(CpuModel, EveryListedPlatformHasAModel) {
  for (const auto& spec : cpu_model_platforms()) {
    auto model = minimum_cpu_model(linux_platform(spec));
    ASSERT_TRUE(model.has_value()) << spec;
    EXPECT_FALSE(model->model.empty()) << spec;
    EXPECT_FALSE(model->cpu.empty()) << spec;
    EXPECT_EQ(model->exact, model->note.empty()) << spec << ": an inexact model says why";
  }
}

TEST(CpuModel, VariantsPickTheOldestCpuOfTheirLevel) {
  EXPECT_EQ(minimum_cpu_model(linux_platform("linux/arm/v6"))->model, "arm1176");
  EXPECT_EQ(minimum_cpu_model(linux_platform("linux/arm/v7"))->model, "cortex-a8");
  EXPECT_EQ(minimum_cpu_model(linux_platform("armhf"))->model, "cortex-a8");
  EXPECT_EQ(minimum_cpu_model(linux_platform("linux/arm64/v8"))->model, "cortex-a53");
  EXPECT_EQ(minimum_cpu_model(linux_platform("linux/amd64/v1"))->model, "Opteron_G1");
  EXPECT_EQ(minimum_cpu_model(linux_platform("linux/amd64/v3"))->model, "Haswell-noTSX");
  EXPECT_EQ(minimum_cpu_model(linux_platform("linux/amd64"))->qemu_arch, "x86_64");
  EXPECT_TRUE(minimum_cpu_model(linux_platform("linux/amd64/v4"))->native);
  auto i386 = minimum_cpu_model(linux_platform("i386"));
  ASSERT_EQ(i386->env.size(), 1u);
  EXPECT_EQ(i386->env[0].first, "GODEBUG");
}

TEST(CpuModel, UnknownPlatformsHaveNone) {
  EXPECT_FALSE(minimum_cpu_model(linux_platform("windows/amd64")).has_value());
  EXPECT_FALSE(minimum_cpu_model(linux_platform("linux/mips64le")).has_value());
}

}  // namespace
}  // namespace multiarch
