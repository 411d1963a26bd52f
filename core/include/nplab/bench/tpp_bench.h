#pragma once
// The point-process models (CMHP, THP) in `nplab-cli bench update` and `bench memory` and in the
// Memory view: what taking one new event costs as the history grows (DESIGN.md §6, §9).
//
// At each history length N the model conditions on N events, then takes one more: update with
// one event + predict the next one (each timed run starts from the same N-event state). Measured:
//   - update_us: the median time of that update + prediction;
//   - peak_bytes: the bytes in use while it runs, the N-event state's plus the peak the update and
//     the prediction allocate above it;
//   - state_bytes: the N-event state's own bytes (CMHP: fixed-size summaries; THP: the history);
//   - condition_s: the time of conditioning on the N events.
// CMHP's update is constant-time: all three stay flat. THP re-encodes the whole history for each
// prediction (causal attention over every pair): time and memory grow with N. A length whose
// peak is predicted past the memory cap (or whose run past the time limit) is not run: its row
// is Skipped with the prediction, and so is every longer one.

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nplab/bench/results.h"

namespace nplab::tpp {
class PointProcessModel;
}

namespace nplab::bench {

/// 100, 1,000, 10,000 and 100,000 events.
const std::vector<std::int64_t>& full_history_lengths();
/// 100 and 1,000 events: a quick run, as the tests make.
const std::vector<std::int64_t>& quick_history_lengths();
/// Whether `name` is a point-process model the bench takes (cmhp, thp).
bool is_point_process_bench_model(const std::string& name);

struct TppBenchOptions {
  std::vector<std::string> models{"cmhp", "thp"};
  std::vector<std::int64_t> lengths = quick_history_lengths();
  int repeats = 21;  ///< timed updates per length at most (after one warm-up run)
  /// Timed updates of one length stop once they have taken this long (one at least): THP at
  /// 10^5 events takes seconds per update.
  double update_budget_seconds = 2.0;
  double cap_bytes = 8.0 * static_cast<double>(std::int64_t{1} << 30);
  double max_run_seconds = 1e300;  ///< a length predicted to run longer than this is skipped
  std::uint64_t seed = 0;
  c10::Device device{c10::kCPU};
  std::function<bool()> cancelled;  ///< polled between runs
};

/// One row per model and length, shortest first, each reported as soon as it is done; an error
/// is a Failed row, never thrown (bad options throw InvalidArgument).
std::vector<SweepRow> run_tpp_bench(const TppBenchOptions& options,
                                    const std::function<void(const SweepRow&)>& on_row = {});

/// How a model's costs change from its shortest to its longest history in `rows`: ratios
/// (longest / shortest) of update time, peak bytes and state bytes, over measured rows only, and
/// the same to the longest row counting predicted ones.
struct TppGrowth {
  std::string model;
  std::int64_t from_n = 0;
  std::int64_t to_n = 0;  ///< the longest measured history
  double update_ratio = 0.0;
  double peak_ratio = 0.0;
  double state_ratio = 0.0;
  std::int64_t predicted_to_n = 0;  ///< the longest history with a predicted row; 0: none
  double predicted_update_ratio = 0.0;
  double predicted_peak_ratio = 0.0;
};
std::vector<TppGrowth> tpp_growth(const std::vector<SweepRow>& rows);

/// One untrained point-process model (its default config) with its own seeded stream of events
/// (a unit-rate Poisson process, uniform marks): the single measurement the bench is made of.
class TppProbe {
 public:
  TppProbe(const std::string& name, const TppBenchOptions& options);
  ~TppProbe();
  TppProbe(const TppProbe&) = delete;
  TppProbe& operator=(const TppProbe&) = delete;

  /// Everything of a SweepRow at `n` events (status Ok), or an empty model name when cancelled.
  SweepRow measure(std::int64_t n);

 private:
  TppBenchOptions options_;
  std::shared_ptr<tpp::PointProcessModel> model_;
};

}  // namespace nplab::bench
