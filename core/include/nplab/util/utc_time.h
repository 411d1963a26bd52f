#pragma once
// The time now as an ISO 8601 UTC timestamp ("2026-12-04T20:45:26Z"): the "date" of model cards.

#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <string>

namespace nplab::util {

inline std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::ostringstream out;
  out << std::put_time(&utc, "%Y-%m-%dT%H:%M:%SZ");
  return out.str();
}

}  // namespace nplab::util
