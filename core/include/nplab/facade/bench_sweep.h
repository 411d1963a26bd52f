#pragma once
// The model benchmarks (nplab/bench/model_bench.h) for the Memory view, in plain types: peak
// memory of one condition + predict and the median time of one update, per model and context
// size N. The point-process models (cmhp, thp) are measured over history length instead: N is
// events of history, and each point is one new event's update + prediction
// (nplab/bench/tpp_bench.h). Runs are long; call from a worker thread, never the GUI's.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nplab/bench/results.h"
#include "nplab/facade/explorer.h"

namespace nplab::facade {

struct BenchSweepOptions {
  std::vector<std::string> models{"cmanp", "lbanp", "lbanp-128", "tnpd"};
  std::vector<std::int64_t> sizes{64, 256, 1024, 4096, 16384, 65536, 262144};
  std::int64_t targets = 256;
  std::int64_t new_points = 1;
  int repeats = 5;  ///< timed updates per size at most (after one warm-up run)
  /// Sizes whose peak memory is predicted past this are not run (default_memory_cap_bytes()).
  double cap_bytes = 4.0 * (std::int64_t{1} << 30);
  /// Sizes where one condition + predict or one update is predicted to take longer than this are
  /// not run either: the sweep stays short, and it can stop between runs.
  double max_run_seconds = 1e300;
  /// Timed updates of one size stop once they have taken this long (one at least).
  double update_budget_seconds = 1e300;
  std::string device = "cpu";  ///< "cpu", "cuda" or "auto"
  std::uint64_t seed = 0;
};

/// Measured; predicted (too large or too slow to run: the values are the prediction); failed.
using BenchStatus = bench::RunStatus;
/// One model at one N (nplab/bench/results.h): peak memory of one condition + predict, the bytes
/// of the conditioned state, the time of that condition + predict and the median time of one
/// update; `error` says why it failed or why it was predicted rather than run.
using BenchPoint = bench::SweepRow;

struct BenchSweepCallbacks {
  std::function<bool()> cancelled;                  ///< polled between runs
  std::function<void(const BenchPoint&)> on_point;  ///< after each (model, N)
};

/// Per model, and per size smallest first: one condition + predict (memory, state, time), then
/// the update timing; each point is reported as soon as it is measured. A size predicted (power
/// law through the last two measured sizes, never below the model's known growth) to pass the
/// memory cap or the run-time limit is not run: it comes back Skipped with the prediction, and so
/// does every larger size of that model. Returns every point finished (fewer when cancelled).
/// Bad options (unknown model, non-positive size) come back as one Failed point naming them.
std::vector<BenchPoint> run_bench_sweep(const BenchSweepOptions& options,
                                        const BenchSweepCallbacks& callbacks = {});

/// Half the memory the system has available now (MemAvailable), at most 8 GiB; 4 GiB when the
/// system does not say. The Memory view's cap: a sweep never pushes the machine into swap.
double default_memory_cap_bytes();

/// One point as one line of JSON (no newline): what `nplab-cli bench sweep --jsonl` prints and
/// the Memory view reads back from it.
std::string bench_point_to_json(const BenchPoint& point);
/// The point in one such line, or why the line is not one.
Outcome<BenchPoint> bench_point_from_json(const std::string& line);

/// Where `model`'s curve falls below `baseline`'s for good: the smallest measured N from which
/// model's value (memory: peak_bytes; else update_us) is below the baseline's at every larger
/// measured N where both were measured, and above it at the N before. Predicted points count
/// for the baseline. nullopt when the curves do not cross in the measured range.
enum class BenchMetric { Memory, Update };
std::optional<std::int64_t> crossover_n(const std::vector<BenchPoint>& points,
                                        const std::string& model, const std::string& baseline,
                                        BenchMetric metric);

/// What a finished sweep shows, in a sentence or three computed from the points, e.g. "cmanp
/// holds 5.2 MiB from N = 1,024 to 262,144. Its memory falls below lbanp's from N = 16,384 ..."
std::string sweep_conclusion(const std::vector<BenchPoint>& points,
                             const std::string& reference = "cmanp");

/// Starts counting LibTorch's CPU allocations (idempotent). Call at program start, before any
/// tensor exists, so that CPU peak-memory figures count everything.
void install_memory_probe();

}  // namespace nplab::facade
