#pragma once
// The model benchmarks (nplab/bench/model_bench.h) for the Memory view, in plain types: peak
// memory of one condition + predict and the median time of one update, per model and context
// size N. Runs are long; call from a worker thread, never the GUI's.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nplab {

struct BenchSweepOptions {
  std::vector<std::string> models{"cmanp", "lbanp", "tnpd"};
  std::vector<std::int64_t> sizes{64, 256, 1024, 4096};
  std::int64_t targets = 256;
  std::int64_t new_points = 1;
  int repeats = 5;  ///< timed updates per size (after 3 warm-up runs)
  double cap_bytes = 4.0 * (std::int64_t{1} << 30);  ///< sizes predicted to pass it are skipped
  std::string device = "cpu";  ///< "cpu", "cuda" or "auto"
  std::uint64_t seed = 0;
};

enum class BenchStatus { Ok, Skipped, Failed };

/// One model at one N: both measurements. A size whose memory is predicted past the cap is not
/// run at all (peak_bytes is then the prediction and update_us 0).
struct BenchPoint {
  std::string model;
  std::int64_t n = 0;
  BenchStatus status = BenchStatus::Ok;
  std::int64_t peak_bytes = 0;
  double update_us = 0;
  std::string error;  ///< why, when Failed
};

struct BenchSweepCallbacks {
  std::function<bool()> cancelled;                     ///< polled between runs
  std::function<void(const BenchPoint&)> on_point;     ///< after each (model, N)
};

/// Per model, smallest N first: the memory benchmark over the sizes, then the update benchmark
/// over the sizes that were not skipped. Returns every point finished (fewer when cancelled).
/// Bad options (unknown model, non-positive size) come back as one Failed point naming them.
std::vector<BenchPoint> run_bench_sweep(const BenchSweepOptions& options,
                                        const BenchSweepCallbacks& callbacks = {});

/// The models the sweep knows (the registry's names).
std::vector<std::string> bench_model_names();

/// Starts counting LibTorch's CPU allocations (idempotent). Call at program start, before any
/// tensor exists, so that CPU peak-memory figures count everything.
void install_memory_probe();

/// "ok", "skipped" or "error".
const char* to_string(BenchStatus status);

}  // namespace nplab
