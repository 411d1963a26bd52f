// A test binary that dies on a signal prints where: the call stack goes to stderr (and so into
// ctest's --output-on-failure log) before the default action runs. Nothing happens otherwise.

#include <execinfo.h>
#include <unistd.h>

#include <csignal>
#include <initializer_list>

namespace {

void print_backtrace_and_die(int signal_number) {
  void* frames[64];
  const int count = backtrace(frames, 64);
  constexpr char header[] = "\n*** fatal signal; call stack:\n";
  [[maybe_unused]] const auto written = write(STDERR_FILENO, header, sizeof header - 1);
  backtrace_symbols_fd(frames, count, STDERR_FILENO);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

const bool installed = [] {
  for (const int signal_number : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) {
    std::signal(signal_number, print_backtrace_and_die);
  }
  return true;
}();

}  // namespace
