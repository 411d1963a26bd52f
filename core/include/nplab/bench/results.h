#pragma once
// What the benchmarks measure, one row per (model or mode, N), in plain types (no LibTorch): the
// benchmarks (cmab_bench.h, model_bench.h, scale_bench.h), the Memory view's sweep
// (nplab/facade/bench_sweep.h) and the benchmark CSV files (bench_csv.h) share them.

#include <cstdint>
#include <exception>
#include <limits>
#include <string>

namespace nplab::bench {

/// Measured; predicted rather than run (too large or too slow: the row's values are the
/// prediction); failed (the row's `error` says why).
enum class RunStatus { Ok, Skipped, Failed };

/// "ok", "skipped" or "error".
const char* to_string(RunStatus status);

/// The first line of the exception's message: a failed row's `error`.
std::string error_message(const std::exception& error);

/// `nplab-cli bench cmab`: one CMAB at one N.
struct CmabBenchRow {
  std::int64_t n = 0;
  double update_us = 0.0;
  std::int64_t condition_peak_bytes = 0;
  std::int64_t state_bytes = 0;  ///< printed, not in the CSV
};

/// `bench memory`: peak bytes of condition(N) + predict(targets).
struct MemoryRow {
  std::string model;
  std::int64_t n = 0;
  std::int64_t targets = 0;
  std::int64_t peak_bytes = 0;  ///< measured, or the prediction when skipped
  RunStatus status = RunStatus::Ok;
  std::string error;
};

/// `bench update`: median time of one update of `new_points` points (+ a one-target prediction).
struct UpdateRow {
  std::string model;
  std::int64_t n = 0;
  std::int64_t new_points = 0;
  double update_us = 0.0;
  RunStatus status = RunStatus::Ok;
  std::string error;
};

/// `bench scale`: one model as the context grows.
struct ScaleRow {
  std::string model;
  std::int64_t n = 0;
  double condition_seconds = 0;           ///< condition(N) + prepare, wall time
  double points_per_second = 0;           ///< N / condition_seconds
  std::int64_t condition_peak_bytes = 0;  ///< peak LibTorch bytes of condition(N) + prepare
  double update_us = 0;                   ///< median: update with one point (the state change only)
  double update_prepare_us = 0;           ///< median: update + prepare (deferred work included)
  /// median: the same update + prepare replayed as a CUDA graph (CMANP on a CUDA device in a
  /// build with CUDA); NaN where not measured.
  double graph_update_prepare_us = std::numeric_limits<double>::quiet_NaN();
  /// Why the CUDA graph could not be captured or replayed, where it was tried; else empty (not
  /// in the CSV).
  std::string graph_error;
  std::int64_t targets = 0;
  double query_us = 0;           ///< median: predict(targets) from a prepared state
  double update_query_us = 0;    ///< median: update + predict(targets), an edit's full cost
  std::int64_t state_bytes = 0;  ///< ModelState::bytes() of the prepared N-point state
  RunStatus status = RunStatus::Ok;
  std::string error;
};

/// `bench attention`: one KernelAttention call.
struct AttentionRow {
  std::string mode;
  std::int64_t n = 0;
  std::int64_t queries = 0;
  std::int64_t peak_bytes =
      0;  ///< bytes allocated during one call (inputs made before), or predicted
  std::int64_t output_bytes = 0;  ///< of which the output [1, queries, dim] itself
  double seconds = 0;
  RunStatus status = RunStatus::Ok;
  std::string error;
};

/// The Memory view's sweep (`bench sweep`): one model at one N, peak memory of one condition +
/// predict, the bytes of the conditioned state, the time of that condition + predict and the
/// median time of one update.
struct SweepRow {
  std::string model;
  std::int64_t n = 0;
  RunStatus status = RunStatus::Ok;
  std::int64_t peak_bytes = 0;
  double update_us = 0;
  std::string error;             ///< why it failed, or why it was predicted rather than run
  std::int64_t state_bytes = 0;  ///< 0 when predicted
  double condition_s = 0;
};

}  // namespace nplab::bench
