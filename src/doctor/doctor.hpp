#pragma once
// `multiarch doctor`: what this machine can build and run, and for each problem the command
// that fixes it. Checks Go (version, platforms it can build), docker (client, engine,
// containerd image store), buildx (version, builders, drivers, platforms), binfmt_misc/QEMU
// (which foreign architectures run, also inside containers) and skopeo.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "buildx/build_environment.hpp"
#include "doctor/binfmt.hpp"
#include "go/go_env.hpp"
#include "platform/platform.hpp"
#include "util/process.hpp"

namespace multiarch {

struct DoctorOptions {
  std::vector<Platform> platforms;  ///< requested; empty: report only
  bool require_run = false;         ///< the requested platforms must also run here
  /// A Dockerfile to be built: its RUN steps make foreign platforms need emulation in the
  /// builder's containers.
  std::optional<std::filesystem::path> dockerfile;
  std::string builder;  ///< "" = the current one
  std::string go = "go";
  std::string docker = "docker";
  std::string skopeo = "skopeo";
  std::filesystem::path binfmt_root = "/proc/sys/fs/binfmt_misc";
};

struct DoctorProblem {
  std::string area;       ///< "go", "docker", "buildx", "emulation", "skopeo", "platform"
  std::string message;    ///< what is wrong, one line
  std::string fix;        ///< the command (or step) that fixes it
  bool blocking = false;  ///< a requested platform cannot be built (or run, when required)
};

struct PlatformVerdict {
  Platform platform;
  bool go_builds = false;
  std::string go_error;
  RunSupport run;
  bool buildable = false;  ///< Go builds it and the image can be packaged
  bool runnable = false;   ///< runs here (in containers when the Dockerfile has RUN steps)
  /// `multiarch image test` can run its images here (bubblewrap + QEMU on test_cpu_model).
  bool image_testable = false;
  std::string test_cpu_model;  ///< "arm1176"
  bool test_emulated = false;  ///< under QEMU (false: the host CPU runs it, e.g. amd64/v4)
  std::string test_problem;    ///< why not, when not
};

struct DoctorReport {
  Platform host;
  std::optional<GoToolchainInfo> go;
  std::string go_error;
  std::vector<std::string> go_platforms;  ///< known platforms this Go builds
  BuildEnvironment docker;
  std::vector<BuilderInfo> builders;  ///< every builder (`docker buildx ls`), when listed
  BinfmtState binfmt;
  std::vector<RunSupport> emulation;  ///< the common foreign platforms
  std::string skopeo_path;
  std::string skopeo_version;
  bool dockerfile_runs_steps = false;
  std::vector<PlatformVerdict> requested;
  std::vector<DoctorProblem> problems;
  /// False when a requested platform cannot be built (or run, with require_run).
  bool ok() const;
};

DoctorReport run_doctor(ProcessRunner& runner, const Platform& host, const DoctorOptions& options);

/// "native", "emulated" or "unavailable", as the report prints it.
std::string run_mode_name(RunMode mode);

// The report's text and JSON renderings: cli/doctor_render.hpp.

}  // namespace multiarch
