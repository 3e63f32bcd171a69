#include "cli/image_test_render.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace multiarch::cli {

void render_image_test_plan(std::ostream& out, const std::vector<PlannedPlatformTest>& plan,
                            const ImageTestOptions& options) {
  for (const auto& p : plan) {
    if (options.docker)
      fmt::print(out, "{:<16} docker run --platform {}\n", p.platform.str(), p.platform.str());
    else if (p.runner)
      fmt::print(out, "{:<16} cpu {:<12} {}\n", p.platform.str(), p.runner->cpu_model,
                 p.runner->describe());
    else
      fmt::print(out, "{:<16} cannot be tested here: {}\n", p.platform.str(), p.why_not);
  }
}

void render_image_test_report(std::ostream& out, const ImageTestReport& report, bool json) {
  if (json) {
    nlohmann::ordered_json j;
    j["index_digest"] = report.index_digest;
    j["passed"] = report.passed();
    j["platforms"] = nlohmann::ordered_json::array();
    for (const auto& p : report.platforms) {
      nlohmann::ordered_json e;
      e["platform"] = p.platform.str();
      e["manifest_digest"] = p.manifest_digest;
      e["passed"] = p.passed;
      e["ran"] = p.ran;
      e["seconds"] = p.seconds;
      e["cpu_model"] = p.cpu_model;
      e["runner"] = p.runner;
      e["check"] = p.check;
      e["exit_code"] = p.exit_code ? nlohmann::ordered_json(*p.exit_code) : nullptr;
      e["cause"] = p.cause;
      e["output_tail"] = p.output_tail;
      e["retried"] = p.retried;
      j["platforms"].push_back(e);
    }
    fmt::print(out, "{}\n", j.dump(2));
    return;
  }
  for (const auto& p : report.platforms) {
    fmt::print(out, "{} {:<16} {:>6.1f} s  cpu {:<12} {}\n", p.passed ? "PASS" : "FAIL",
               p.platform.str(), p.seconds, p.cpu_model.empty() ? "-" : p.cpu_model, p.check);
    for (const auto& why : p.retried)
      fmt::print(out, "     retried, not counted: {} (Go's runtime under QEMU)\n", why);
    if (p.passed) continue;
    fmt::print(out, "     cause: {}\n", p.cause);
    for (const auto& line : p.output_tail) fmt::print(out, "     | {}\n", line);
  }
  fmt::print(out, "{} of {} platforms passed (index {})\n",
             std::count_if(report.platforms.begin(), report.platforms.end(),
                           [](const auto& p) { return p.passed; }),
             report.platforms.size(), report.index_digest);
}

}  // namespace multiarch::cli
