#include "cli/push_progress.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/image_cli.hpp"

namespace multiarch::cli {

PushProgress::Mode PushProgress::mode_for(bool json) {
  if (json) return Mode::kJson;
  return ::isatty(STDERR_FILENO) ? Mode::kTerminal : Mode::kQuiet;
}

void PushProgress::operator()(const PushEvent& event) {
  if (mode_ == Mode::kQuiet) return;
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (mode_ == Mode::kJson) {
    // Progress at most every half second per run, so CI logs stay readable.
    if (event.type == "blob-progress") {
      if (now - last_draw_ < std::chrono::milliseconds(500)) return;
      last_draw_ = now;
    }
    nlohmann::ordered_json j;
    j["event"] = event.type;
    j["digest"] = event.digest;
    j["size"] = event.size;
    if (event.type == "blob-progress" || event.type == "blob-pushed") j["bytes"] = event.bytes;
    if (event.type == "plan") j["blobs"] = event.bytes;
    if (!event.detail.empty()) j["detail"] = event.detail;
    fmt::print(out_, "{}\n", j.dump());
    out_.flush();
    return;
  }
  if (event.type == "plan") {
    total_bytes_ = event.size;
    total_blobs_ = event.bytes;
  } else if (event.type == "blob-start") {
    in_flight_[event.digest] = 0;
  } else if (event.type == "blob-progress") {
    in_flight_[event.digest] = event.bytes;
  } else if (event.type == "blob-exists" || event.type == "blob-mounted" ||
             event.type == "blob-pushed") {
    in_flight_.erase(event.digest);
    ++done_blobs_;
    done_bytes_ += event.size;
    if (event.type == "blob-pushed") sent_bytes_ += event.size;
    if (drawn_) fmt::print(err_, "\r\033[K");
    const char* what = event.type == "blob-pushed"    ? "pushed"
                       : event.type == "blob-mounted" ? "mounted"
                                                      : "exists";
    fmt::print(err_, "  {} {:>10}  {}\n", event.digest.substr(0, 19), human_size(event.size), what);
    drawn_ = false;
  } else if (event.type == "up-to-date") {
    done_blobs_ = total_blobs_;
    done_bytes_ = total_bytes_;
    if (drawn_) fmt::print(err_, "\r\033[K");
    fmt::print(err_, "  {} is {} already: nothing to send\n", event.digest.substr(0, 19),
               event.detail);
    drawn_ = false;
  } else if (event.type == "manifest-pushed" || event.type == "manifest-exists") {
    if (drawn_) fmt::print(err_, "\r\033[K");
    fmt::print(err_, "  {} manifest {}\n", event.digest.substr(0, 19),
               event.type == "manifest-pushed" ? "pushed" : "exists");
    drawn_ = false;
  }
  redraw(event.type != "blob-progress");
}

void PushProgress::redraw(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  uint64_t current = done_bytes_;
  uint64_t sent = sent_bytes_;
  for (const auto& [digest, bytes] : in_flight_) {
    current += bytes;
    sent += bytes;
  }
  double seconds = std::chrono::duration<double>(now - start_).count();
  double rate = seconds > 0 ? static_cast<double>(sent) / seconds : 0;
  fmt::print(err_, "\r\033[Kblobs {}/{} ({} in flight)  {} of {}  {}/s", done_blobs_, total_blobs_,
             in_flight_.size(), human_size(current), human_size(total_bytes_),
             human_size(static_cast<uint64_t>(rate)));
  err_.flush();
  drawn_ = true;
}

void PushProgress::retry(const std::string& what, int attempt, const std::string& reason) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::kJson) {
    nlohmann::ordered_json j;
    j["event"] = "retry";
    j["detail"] = what;
    j["attempt"] = attempt;
    j["reason"] = reason;
    fmt::print(out_, "{}\n", j.dump());
    out_.flush();
  } else if (mode_ == Mode::kTerminal) {
    if (drawn_) fmt::print(err_, "\r\033[K");
    fmt::print(err_, "  retrying {} (attempt {}): {}\n", what, attempt, reason);
    drawn_ = false;
  }
}

void PushProgress::finish() {
  if (mode_ == Mode::kTerminal && drawn_) fmt::print(err_, "\n");
  drawn_ = false;
}

}  // namespace multiarch::cli
