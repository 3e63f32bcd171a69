#include "util/signal_cleanup.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>

namespace multiarch {
namespace {

constexpr size_t kSlots = 256;
constexpr size_t kPathMax = 4096;

// state: 0 free, 1 being written (ignored by the handler), 2 armed.
struct PathSlot {
  std::atomic<int> state{0};
  char path[kPathMax];
};
struct PidSlot {
  std::atomic<int> state{0};
  std::atomic<pid_t> pid{0};
};

std::array<PathSlot, kSlots> g_paths;
std::array<PidSlot, kSlots> g_pids;

void on_terminating_signal(int signal_number) {
  for (auto& slot : g_pids)
    if (slot.state.load() == 2) ::kill(slot.pid.load(), SIGKILL);
  for (auto& slot : g_paths)
    if (slot.state.load() == 2) ::unlink(slot.path);
  // Then the (empty by now) folders: a temporary `go build -o DIR/` output.
  for (auto& slot : g_paths)
    if (slot.state.load() == 2) ::rmdir(slot.path);
  // The default action, so the parent sees the same "killed by SIGINT" as before.
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  ::sigaction(signal_number, &action, nullptr);
  ::raise(signal_number);
}

void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      ::sigaction(signal_number, nullptr, &old);
      if (old.sa_handler == SIG_IGN) continue;  // nohup and friends: keep ignoring
      struct sigaction action {};
      action.sa_handler = on_terminating_signal;
      sigfillset(&action.sa_mask);  // one handler run at a time
      ::sigaction(signal_number, &action, nullptr);
    }
  });
}

template <typename Slots>
int claim(Slots& slots) {
  for (size_t i = 0; i < slots.size(); ++i) {
    int expected = 0;
    if (slots[i].state.compare_exchange_strong(expected, 1)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

RemoveOnSignal::RemoveOnSignal(const std::filesystem::path& path) {
  const std::string& text = path.native();
  if (text.size() >= kPathMax) return;
  install_handlers();
  slot_ = claim(g_paths);
  if (slot_ < 0) return;
  auto& slot = g_paths[static_cast<size_t>(slot_)];
  std::memcpy(slot.path, text.c_str(), text.size() + 1);
  slot.state.store(2);
}

RemoveOnSignal::~RemoveOnSignal() {
  if (slot_ >= 0) g_paths[static_cast<size_t>(slot_)].state.store(0);
}

KillOnSignal::KillOnSignal(pid_t pid) {
  install_handlers();
  slot_ = claim(g_pids);
  if (slot_ < 0) return;
  auto& slot = g_pids[static_cast<size_t>(slot_)];
  slot.pid.store(pid);
  slot.state.store(2);
}

KillOnSignal::~KillOnSignal() {
  if (slot_ >= 0) g_pids[static_cast<size_t>(slot_)].state.store(0);
}

}  // namespace multiarch
