#include "cli/commands.hpp"

namespace multiarch {

const std::vector<Command>& cli_commands() {
  static const std::vector<Command> commands = {
      {"platform", "resolve platform specs into BuildKit args and the Go environment",
       cli::platform_command},
      {"go-build", "cross-compile a Go package for many platforms, verified, with a depfile",
       cli::go_build_command},
      {"image", "assemble, load, push and inspect multi-platform OCI images (no daemon)",
       cli::image_command},
      {"buildx", "build a multi-platform image of prebuilt binaries with docker buildx",
       cli::buildx_command},
      {"dockerfile", "print the generated Dockerfile that `buildx --generate` builds",
       cli::dockerfile_command},
      {"doctor", "what this machine can build and run, and how to fix what is missing",
       cli::doctor_command},
      {"init",
       "write the CMakeLists.txt and presets of an existing Go module, one image per service",
       cli::init_command},
      {"completion", "the bash or zsh completion script (commands, options, platforms)",
       cli::completion_command},
  };
  return commands;
}

}  // namespace multiarch
