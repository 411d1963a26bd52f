// Fuzz target: the point processes' event CSV reader (tpp::read_event_csv).
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "nplab/tpp/events_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto path = nplab::fuzz::scratch_path("events.csv");
  nplab::fuzz::write_bytes(path, data, size);
  try {
    (void)nplab::tpp::read_event_csv(path, 3);
  } catch (const nplab::util::InvalidArgument&) {
  } catch (...) {
    nplab::fuzz::escaped("event_csv");
  }
  return 0;
}
