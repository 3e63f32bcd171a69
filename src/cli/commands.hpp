#pragma once
// One function per subcommand, each in its own file under src/cli/.
#include "cli/cli.hpp"

namespace multiarch::cli {

int platform_command(CliContext& context, const std::vector<std::string>& args);
int go_build_command(CliContext& context, const std::vector<std::string>& args);
int image_command(CliContext& context, const std::vector<std::string>& args);
int buildx_command(CliContext& context, const std::vector<std::string>& args);
int dockerfile_command(CliContext& context, const std::vector<std::string>& args);
int doctor_command(CliContext& context, const std::vector<std::string>& args);
int init_command(CliContext& context, const std::vector<std::string>& args);
int completion_command(CliContext& context, const std::vector<std::string>& args);

}  // namespace multiarch::cli
