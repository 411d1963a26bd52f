#pragma once
// `nplab-cli bench memory` and `bench update`: peak bytes of one condition + predict, and the
// median time of one update, per model and context size N (DESIGN.md §6).

#include <ATen/core/Generator.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nplab/bench/results.h"
#include "nplab/bench/timing.h"

namespace nplab::models {
class NeuralProcess;
}

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

/// One condition(N) + predict(targets): its peak bytes, the state's bytes, and its wall time.
struct ConditionMeasurement {
  int64_t peak_bytes = 0;
  int64_t state_bytes = 0;
  double seconds = 0.0;
};

/// One untrained registry model on one device with its own seeded stream of function-like
/// points: the single measurements the memory and update benchmarks (and the Memory view's
/// sweep) are made of. Throws for an unknown model.
class ModelProbe {
 public:
  ModelProbe(const std::string& name, const ModelBenchOptions& options);
  ~ModelProbe();
  ModelProbe(const ModelProbe&) = delete;
  ModelProbe& operator=(const ModelProbe&) = delete;

  ConditionMeasurement condition_and_predict(int64_t n);
  /// Median microseconds of update(new_points) + predict(1 target) on an N-point state. After the
  /// warm-up runs, timed runs repeat until `timing.repeats` are done or `budget_seconds` have
  /// passed, counting the warm-up (at least one; a warm-up run longer than the budget is itself
  /// the one measurement); `cancelled` is polled between runs (0 comes back when it says stop).
  double update_microseconds(int64_t n, const TimingOptions& timing, double budget_seconds = 1e300,
                             const std::function<bool()>& cancelled = {});

 private:
  ModelBenchOptions options_;
  std::shared_ptr<models::NeuralProcess> model_;
  at::Generator generator_;
};

/// How a model's peak memory and update time grow with N at large N, as powers of N: CMANP 0
/// (constant), LBANP and CNP 1 (the stored context), TNP-D and TNP-KR-full 2 (attention over
/// all pairs). Predictions past the measured sizes never grow slower than this.
struct GrowthExponents {
  double memory = 0.0;
  double update = 0.0;
};
GrowthExponents growth_exponents(const std::string& model);

/// Peak bytes predicted at `n` from two measured (n, bytes) points by a power law whose exponent
/// is at least `min_exponent`.
double extrapolate_peak(int64_t n0, double bytes0, int64_t n1, double bytes1, int64_t n,
                        double min_exponent = 0.0);

}  // namespace nplab::bench
