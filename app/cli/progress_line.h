#pragma once
// A live status line on stderr for long commands (train, eval). On a terminal the line is
// rewritten in place at most a few times a second; when stderr is a file or a pipe (logs, ctest)
// a full line is written now and then instead, so logs stay readable.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace nplab::cli {

/// "2h05m", "3m07s", "12s".
inline std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e8) return "?";
  const auto total = static_cast<long long>(seconds + 0.5);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lldh%02lldm", total / 3600, total % 3600 / 60);
  } else if (total >= 60) {
    std::snprintf(text, sizeof text, "%lldm%02llds", total / 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%llds", total);
  }
  return text;
}

class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ProgressLine(double terminal_refresh_seconds = 0.25, double log_refresh_seconds = 30.0)
      : terminal_(isatty(fileno(stderr)) != 0),
        refresh_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
            terminal_ ? terminal_refresh_seconds : log_refresh_seconds))) {}

  /// Whether a refresh is due (callers can skip formatting the text otherwise).
  bool due() const { return Clock::now() - last_ >= refresh_; }

  /// Shows `text` if a refresh is due, or always with `force`.
  void show(const std::string& text, bool force = false) {
    if (!force && !due()) return;
    last_ = Clock::now();
    if (terminal_) {
      // Pad over the remains of a longer previous line.
      const auto padding = text.size() < width_ ? width_ - text.size() : 0;
      std::fprintf(stderr, "\r%s%s", text.c_str(), std::string(padding, ' ').c_str());
      width_ = text.size();
    } else {
      std::fprintf(stderr, "%s\n", text.c_str());
    }
    std::fflush(stderr);
    open_ = terminal_;
  }

  /// Ends the in-place line so that following messages start on a fresh line.
  void finish() {
    if (open_) std::fputc('\n', stderr);
    open_ = false;
    width_ = 0;
  }

 private:
  bool terminal_;
  Clock::duration refresh_;
  Clock::time_point last_{};
  std::size_t width_ = 0;
  bool open_ = false;
};

}  // namespace nplab::cli
