#include "commands.hpp"

namespace multiarch {

const std::vector<Command>& cli_commands() {
  static const std::vector<Command> commands = {
      {"platform", "resolve platform specs into BuildKit args and the Go environment",
       cli::platform_command},
      {"go-build", "cross-compile a Go package for many platforms, verified, with a depfile",
       cli::go_build_command},
      {"image", "assemble, load, push and inspect multi-platform OCI images (no daemon)",
       cli::image_command},
  };
  return commands;
}

}  // namespace multiarch
