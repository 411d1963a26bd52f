#include "nplab/bench/results.h"

namespace nplab::bench {

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::Ok:
      return "ok";
    case RunStatus::Skipped:
      return "skipped";
    case RunStatus::Failed:
      return "error";
  }
  return "error";
}

std::string error_message(const std::exception& error) {
  const std::string message = error.what();
  return message.substr(0, message.find('\n'));
}

}  // namespace nplab::bench
