#include "cli/buildx_render.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace multiarch::cli {

void render_buildx_outcome(std::ostream& out, std::ostream& err, const BuildxJob& job,
                           const BuildxOutcome& outcome) {
  for (const auto& [platform, digest] : outcome.platform_digests)
    fmt::print(err, "multiarch buildx: {} {}\n", platform.str(), digest);
  if (outcome.digest.empty()) {
    fmt::print(err, "multiarch buildx: done (the builder reported no digest)\n");
    return;
  }
  const auto& tags = job.request.tags;
  std::string where = job.output == OutputKind::push   ? "pushed to " + tags.front()
                      : job.output == OutputKind::load ? "loaded as " + tags.front()
                                                       : "written to " + job.layout_dir.string();
  fmt::print(err, "multiarch buildx: {} {}\n", where, outcome.digest);
  fmt::print(out, "{}\n", outcome.digest);
}

}  // namespace multiarch::cli
