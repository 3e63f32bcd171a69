#pragma once
// Rendering of registry push events: on a terminal one status line redrawn in place (blobs
// done of total, bytes, rate) plus a line per finished blob; `--json`: one JSON object per
// line on stdout (NDJSON, for CI logs); otherwise quiet.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>

#include "publish/registry_push.hpp"

namespace multiarch::cli {

class PushProgress {
 public:
  enum class Mode { kQuiet, kTerminal, kJson };
  PushProgress(Mode mode, std::ostream& out, std::ostream& err)
      : mode_(mode), out_(out), err_(err) {}
  /// The mode for this process: kJson with --json, kTerminal when stderr is a terminal.
  static Mode mode_for(bool json);

  void operator()(const PushEvent& event);
  void retry(const std::string& what, int attempt, const std::string& reason);
  /// Ends the status line (terminal).
  void finish();

 private:
  void redraw(bool force);

  Mode mode_;
  std::ostream& out_;
  std::ostream& err_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  std::map<std::string, uint64_t> in_flight_;  ///< digest -> bytes sent
  uint64_t total_bytes_ = 0, done_bytes_ = 0, sent_bytes_ = 0;
  size_t total_blobs_ = 0, done_blobs_ = 0;
  bool drawn_ = false;
  std::mutex mutex_;  ///< retries come from other threads than the serialized events
};

}  // namespace multiarch::cli
