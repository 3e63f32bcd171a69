// `multiarch doctor` against the real machine: its findings match what go, docker and buildx
// say themselves, and a binfmt_misc handler switched off in the kernel is reported as not
// runnable with the command that fixes it; applying that command makes the platform run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "buildkitd.hpp"
#include "buildx_support.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace multiarch::test {
namespace {

/// The handler the toggle test switches off. Not one other tests run binaries with
/// (aarch64, arm, s390x, ... are used concurrently under ctest -j): mips64el.
constexpr const char* kHandler = "/proc/sys/fs/binfmt_misc/qemu-mips64el";

/// Switches a binfmt_misc handler off and back on when it goes out of scope, whatever
/// happened in between (a failed assertion returns early; the destructor still runs).
class DisabledHandler {
 public:
  explicit DisabledHandler(std::string path) : path_(std::move(path)) {
    std::ifstream in(path_);
    std::string state;
    std::getline(in, state);
    was_enabled_ = state == "enabled";
    write("0");
  }
  ~DisabledHandler() {
    if (was_enabled_) write("1");
  }
  DisabledHandler(const DisabledHandler&) = delete;
  DisabledHandler& operator=(const DisabledHandler&) = delete;
  bool was_enabled() const { return was_enabled_; }
  bool enabled() const {
    std::ifstream in(path_);
    std::string state;
    std::getline(in, state);
    return state == "enabled";
  }
  void write(const char* value) { std::ofstream(path_) << value; }

 private:
  std::string path_;
  bool was_enabled_ = false;
};

nlohmann::json doctor_json(const std::vector<std::string>& extra, int expected_exit) {
  std::vector<std::string> args = {"doctor", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto result = run_multiarch(args);
  EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
  try {
    return nlohmann::json::parse(result.out);
  } catch (const nlohmann::json::exception& e) {
    ADD_FAILURE() << "doctor --json printed no JSON: " << e.what() << "\n" << result.out;
    return {};
  }
}

TEST(DoctorMachine, FindingsMatchWhatTheToolsSay) {
  MULTIARCH_REQUIRE_BUILDX(false);
  auto report = doctor_json({"--platform", "linux/amd64,linux/arm64"}, 0);
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["go"]["version"], trimmed(run({"go", "env", "GOVERSION"}).out));
  EXPECT_EQ(report["docker"]["client"],
            trimmed(run({"docker", "version", "--format", "{{.Client.Version}}"}).out));
  EXPECT_EQ(report["docker"]["engine"],
            trimmed(run({"docker", "version", "--format", "{{.Server.Version}}"}).out));
  auto buildx = trimmed(run({"docker", "buildx", "version"}).out);
  EXPECT_NE(buildx.find(report["docker"]["buildx"].get<std::string>()), std::string::npos)
      << buildx;
  // The current builder and its driver, as `docker buildx inspect` says.
  auto inspect = run({"docker", "buildx", "inspect"}).out;
  EXPECT_NE(
      inspect.find("Driver:        " + report["docker"]["builder"]["driver"].get<std::string>()),
      std::string::npos)
      << inspect;
  // skopeo where `command -v` would find it.
  EXPECT_EQ(report["skopeo"]["path"], find_executable("skopeo"));
  // arm64's runnability follows the kernel's handler.
  std::ifstream handler("/proc/sys/fs/binfmt_misc/qemu-aarch64");
  std::string state;
  std::getline(handler, state);
  EXPECT_EQ(report["requested"][1]["platform"], "linux/arm64");
  EXPECT_EQ(report["requested"][1]["runnable"], state == "enabled");
  EXPECT_EQ(report["requested"][0]["run"]["run"], "native");
}

TEST(DoctorMachine, SwitchedOffHandlerIsNotRunnableUntilTheFixIsApplied) {
  MULTIARCH_REQUIRE_TOOL("qemu-mips64el-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  if (::geteuid() != 0) GTEST_SKIP() << "switching binfmt_misc handlers needs root";
  ASSERT_TRUE(std::filesystem::exists(kHandler))
      << kHandler << " is not registered: run scripts/setup-test-env (update-binfmts --enable)";

  // A mips64le binary to prove what doctor says: a tiny program (little of the standard
  // library to cross-compile on a cold Go cache), built by multiarch go-build.
  TempDir dir;
  atomic_write_file(dir / "tiny" / "go.mod", "module tiny\n\ngo 1.21\n");
  atomic_write_file(dir / "tiny" / "main.go",
                    "package main\n\nimport \"os\"\n\n"
                    "func main() { os.Stdout.WriteString(\"linux/mips64le runs\\n\") }\n");
  auto built = run_multiarch({"go-build", "--module-dir", (dir / "tiny").string(), "--package", ".",
                              "--name", "tiny", "--platform", "linux/mips64le", "--output-dir",
                              (dir / "bin").string(), "--version", "test", "-q"});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  auto binary = (dir / "bin" / "linux_mips64le" / "tiny").string();
  // Exec of a binary the kernel cannot run fails before the program starts (ENOEXEC).
  auto runs = [&] {
    try {
      auto result = run({binary});
      return result.ok() && result.out == "linux/mips64le runs\n";
    } catch (const RuntimeError&) {
      return false;
    }
  };

  std::string fix;
  {
    DisabledHandler off(kHandler);
    ASSERT_TRUE(off.was_enabled()) << kHandler << " was already disabled";
    ASSERT_FALSE(off.enabled());
    EXPECT_FALSE(runs()) << "ran although switched off";

    auto report = doctor_json({"--platform", "linux/mips64le", "--runnable"}, 1);
    ASSERT_TRUE(report.is_object());
    EXPECT_EQ(report["ok"], false);
    EXPECT_EQ(report["requested"][0]["buildable"], true);
    EXPECT_EQ(report["requested"][0]["runnable"], false);
    EXPECT_EQ(report["requested"][0]["run"]["problem"],
              "the binfmt_misc handler qemu-mips64el is disabled");
    fix = report["requested"][0]["run"]["fix"];
    EXPECT_EQ(fix, std::string("echo 1 > ") + kHandler);
    bool listed = false;
    for (const auto& problem : report["problems"])
      listed |= problem["fix"] == fix && problem["blocking"] == true;
    EXPECT_TRUE(listed) << report["problems"].dump(2);

    // Without --runnable it is reported, but building is possible: exit 0.
    auto relaxed = doctor_json({"--platform", "linux/mips64le"}, 0);
    ASSERT_TRUE(relaxed.is_object());
    EXPECT_EQ(relaxed["requested"][0]["runnable"], false);

    // The text report says it in words, with the fix.
    auto text = run_multiarch({"doctor", "--platform", "linux/mips64le", "--runnable"});
    EXPECT_EQ(text.exit_code, 1);
    EXPECT_NE(text.out.find("linux/mips64le is not runnable here"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("  fix: " + fix), std::string::npos) << text.out;

    // Apply the fix doctor printed ("echo 1 > HANDLER", written here without a shell).
    off.write("1");
    auto fixed = doctor_json({"--platform", "linux/mips64le", "--runnable"}, 0);
    EXPECT_EQ(fixed["requested"][0]["runnable"], true);
    EXPECT_TRUE(runs());
  }
  std::ifstream restored(kHandler);
  std::string state;
  std::getline(restored, state);
  EXPECT_EQ(state, "enabled");
}

// `image test` per requested platform: on which CPU model, or why not (no table entry).
TEST(DoctorMachine, SaysWhereImagesCanBeTestedAndOnWhichCpu) {
  MULTIARCH_REQUIRE_TOOL("bwrap", "apt-get install bubblewrap", "MULTIARCH_SKIP_SANDBOX");
  MULTIARCH_REQUIRE_TOOL("qemu-arm-static", "apt-get install qemu-user-static",
                         "MULTIARCH_SKIP_QEMU");
  auto report = doctor_json({"--platform", "linux/arm/v6,linux/mips64le"}, 0);
  ASSERT_TRUE(report.is_object());
  ASSERT_EQ(report["requested"].size(), 2u) << report.dump(2);
  EXPECT_EQ(report["requested"][0]["image_testable"], true);
  EXPECT_EQ(report["requested"][0]["test_cpu_model"], "arm1176");
  EXPECT_EQ(report["requested"][1]["image_testable"], false);
  EXPECT_NE(report["requested"][1]["test_problem"].get<std::string>().find(
                "no minimum CPU model for linux/mips64le"),
            std::string::npos);
  EXPECT_EQ(report["requested"][0]["test_emulated"], true);
  // No CPU table entry: nothing to install helps, and the fix says so.
  bool named = false;
  for (const auto& problem : report["problems"])
    if (problem["area"] == "image-test" &&
        problem["message"].get<std::string>().find("linux/mips64le") != std::string::npos) {
      named = true;
      EXPECT_NE(problem["fix"].get<std::string>().find("none here"), std::string::npos)
          << problem.dump();
    }
  EXPECT_TRUE(named) << report.dump(2);
  auto text = run_multiarch({"doctor", "--platform", "linux/arm/v6"});
  EXPECT_NE(text.out.find("image test: on cpu arm1176 (bubblewrap + QEMU)"), std::string::npos)
      << text.out;

  // Without --platform: the CMake module's default platforms (common).
  auto plain = doctor_json({}, 0);
  ASSERT_EQ(plain["requested"].size(), 2u) << plain.dump(2);
  EXPECT_EQ(plain["requested"][0]["platform"], "linux/amd64");
  EXPECT_EQ(plain["requested"][1]["platform"], "linux/arm64");
  EXPECT_EQ(plain["requested"][1]["test_cpu_model"], "cortex-a53");

  // amd64/v4 runs on the host's own CPU when it has AVX-512 (image test's "bwrap (native)").
  auto v4 = doctor_json({"--platform", "linux/amd64/v4"}, 0);
  if (v4["requested"][0]["image_testable"] == true) {
    EXPECT_EQ(v4["requested"][0]["test_emulated"], false) << v4.dump(2);
    auto v4_text = run_multiarch({"doctor", "--platform", "linux/amd64/v4"});
    EXPECT_NE(v4_text.out.find("(bubblewrap, native)"), std::string::npos) << v4_text.out;
  }
}

TEST(DoctorMachine, PlatformGoCannotBuildExitsNonZero) {
  auto report = doctor_json({"--platform", "windows/s390x"}, 1);
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["requested"][0]["buildable"], false);
  EXPECT_NE(report["requested"][0]["go_error"].get<std::string>().find("windows/s390x"),
            std::string::npos);
}

}  // namespace
}  // namespace multiarch::test
