// Fuzz target: the points CSV reader (data::read_csv_points) and the facade's read_points_csv.
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "nplab/data/csv.h"
#include "nplab/facade/session.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto path = nplab::fuzz::scratch_path("points.csv");
  nplab::fuzz::write_bytes(path, data, size);
  try {
    (void)nplab::data::read_csv_points(path);
    (void)nplab::data::read_csv_points(path, 2, at::kDouble);
  } catch (const nplab::util::InvalidArgument&) {
  } catch (...) {
    nplab::fuzz::escaped("points_csv");
  }
  try {
    (void)nplab::facade::read_points_csv(path);     // reports failure as a value
    (void)nplab::facade::read_points_csv(path, 2);  // image points: x0, x1, y
  } catch (...) {
    nplab::fuzz::escaped("points_csv (facade)");
  }
  return 0;
}
