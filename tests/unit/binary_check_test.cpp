// The checks a prebuilt binary passes before it enters an image: the Go CPU level it was
// built for against the platform's variant, and its ELF interpreter (dynamic linking).
#include "go/binary_check.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "support/fake_binaries.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch {
namespace {

namespace fs = std::filesystem;
const Platform kHost{"linux", "amd64", ""};

Platform platform(const std::string& spec) { return parse_platform(spec, kHost); }

std::optional<std::string> excess(const std::string& setting, const std::string& spec) {
  auto eq = setting.find('=');
  return go_level_excess({{setting.substr(0, eq), setting.substr(eq + 1)}}, platform(spec));
}

TEST(GoLevelExcess, AHigherLevelThanThePlatformGuaranteesIsFound) {
  EXPECT_EQ(excess("GOARM=7", "linux/arm/v6"),
            "was built with GOARM=7, but linux/arm/v6 guarantees only GOARM=6");
  EXPECT_EQ(excess("GOAMD64=v3", "linux/amd64"),
            "was built with GOAMD64=v3, but linux/amd64 guarantees only GOAMD64=v1");
  EXPECT_TRUE(excess("GOARM=7,softfloat", "linux/arm/v5"));
  EXPECT_TRUE(excess("GOARM64=v8.2", "linux/arm64"));
  EXPECT_TRUE(excess("GOARM64=v9.0", "linux/arm64/v8.2"));  // v9.0 is v8.5 to Go
  EXPECT_TRUE(excess("GOPPC64=power10", "linux/ppc64le/power9"));
  EXPECT_TRUE(excess("GORISCV64=rva23u64", "linux/riscv64"));
  EXPECT_TRUE(excess("GO386=sse2", "linux/386/softfloat"));
}

TEST(GoLevelExcess, TheSameOrALowerLevelRunsThere) {
  EXPECT_FALSE(excess("GOARM=6", "linux/arm/v6"));
  EXPECT_FALSE(excess("GOARM=6", "linux/arm/v7"));
  EXPECT_FALSE(excess("GOARM=7", "linux/arm/v8"));  // OCI arm/v8 runs GOARM=7 code
  EXPECT_FALSE(excess("GOAMD64=v1", "linux/amd64/v3"));
  EXPECT_FALSE(excess("GOARM64=v8.0", "linux/arm64/v9"));
  EXPECT_FALSE(excess("GOARM64=v8.5,lse", "linux/arm64/v9"));
  EXPECT_FALSE(excess("GOPPC64=power8", "linux/ppc64le"));
  // Nothing recorded (not Go, or Go before 1.18): nothing to compare.
  EXPECT_FALSE(go_level_excess({}, platform("linux/arm/v6")));
  EXPECT_FALSE(go_level_excess({{"GOARM", "7"}}, platform("linux/s390x")));
}

/// A 64-bit x86-64 ELF whose only program header is PT_INTERP naming `interpreter`.
std::string dynamic_elf(const std::string& interpreter) {
  std::string bytes = test::elf_for("amd64");
  auto put = [&](size_t at, uint64_t value, size_t size) {
    for (size_t i = 0; i < size; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
  };
  put(32, 64, 8);  // e_phoff
  put(54, 56, 2);  // e_phentsize
  put(56, 1, 2);   // e_phnum
  std::string ph(56, '\0');
  bytes += ph;
  put(64, 3, 4);                            // p_type PT_INTERP
  put(64 + 8, 120, 8);                      // p_offset
  put(64 + 32, interpreter.size() + 1, 8);  // p_filesz
  bytes += interpreter + '\0';
  return bytes;
}

class BinaryCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("multiarch-binary-check-" + std::to_string(std::random_device()()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& bytes) {
    atomic_write_file(dir_ / name, bytes, fs::perms::owner_all);
    return dir_ / name;
  }
  fs::path dir_;
};

TEST_F(BinaryCheck, AGoArm7BinaryIsRefusedForArmV6NamingWhatWasFoundAndWhatIsNeeded) {
  auto binary = write("user", test::elf_for("arm") +
                                  test::go_build_info_blob(
                                      "go1.26.8", "path\tx\nbuild\tGOARCH=arm\nbuild\tGOARM=7\n"));
  try {
    verify_binary_for(binary, platform("linux/arm/v6"));
    FAIL() << "accepted a GOARM=7 binary for linux/arm/v6";
  } catch (const InputError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(binary.string()), std::string::npos) << message;
    EXPECT_NE(message.find("GOARM=7"), std::string::npos) << message;
    EXPECT_NE(message.find("guarantees only GOARM=6"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_NO_THROW(verify_binary_for(binary, platform("linux/arm/v7")));
}

TEST_F(BinaryCheck, TheInterpreterOfADynamicBinaryIsReported) {
  auto dynamic = write("dynamic", dynamic_elf("/lib64/ld-linux-x86-64.so.2"));
  EXPECT_EQ(verify_binary_for(dynamic, platform("linux/amd64")).interpreter,
            "/lib64/ld-linux-x86-64.so.2");
  auto fixed = write("static", test::elf_for("amd64"));
  EXPECT_EQ(verify_binary_for(fixed, platform("linux/amd64")).interpreter, "");
}

}  // namespace
}  // namespace multiarch
