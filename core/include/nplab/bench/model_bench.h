#pragma once
// `nplab-cli bench memory` and `bench update`: peak bytes of one condition + predict, and the
// median time of one update, per model and context size N (DESIGN.md §6).

#include <c10/core/Device.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace nplab::bench {

struct ModelBenchOptions {
  std::vector<std::string> models{"cmanp", "lbanp", "tnpd", "tnpkr-scan", "tnpkr-full"};
  std::vector<int64_t> sizes{64, 256, 1024, 4096, 16384};
  int64_t targets = 256;
  int64_t new_points = 1;
  /// Runs whose predicted peak exceeds this are skipped (reported with the prediction).
  double cap_bytes = 8.0 * (int64_t{1} << 30);
  int repeats = 21;
  uint64_t seed = 0;
  c10::Device device{c10::kCPU};
  /// Polled between runs; returning true stops the sweep (the GUI's Cancel).
  std::function<bool()> cancelled;
};

struct MemoryRow {
  std::string model;
  int64_t n = 0;
  int64_t targets = 0;
  int64_t peak_bytes = 0;  ///< measured, or the prediction when skipped
  std::string status;      ///< "ok", "skipped" (predicted over the cap) or "error: ..."
};

struct UpdateRow {
  std::string model;
  int64_t n = 0;
  int64_t new_points = 0;
  double update_us = 0.0;
  std::string status;
};

/// Peak bytes of condition(N) + predict(targets) for each model and N, smallest N first. A size
/// predicted to pass the cap (a power law through the model's last two measured sizes) is
/// skipped, not run; an out-of-memory or other error is reported in the row, never thrown.
std::vector<MemoryRow> run_memory_bench(const ModelBenchOptions& options,
                                        const std::function<void(const MemoryRow&)>& on_row = {});

/// Median microseconds of one update with `new_points` points on an N-point state, followed by a
/// prediction at one target so that models which recompute lazily are charged for it (each timed
/// update starts from the same N-point state).
std::vector<UpdateRow> run_update_bench(const ModelBenchOptions& options,
                                        const std::function<void(const UpdateRow&)>& on_row = {});

/// "error: " and the first line of the message, commas made semicolons: a CSV row's status.
std::string error_status(const std::exception& error);

/// Peak bytes predicted at `n` from two measured (n, bytes) points by a power law.
double extrapolate_peak(int64_t n0, double bytes0, int64_t n1, double bytes1, int64_t n);

}  // namespace nplab::bench
