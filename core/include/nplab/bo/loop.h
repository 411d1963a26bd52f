#pragma once
// The Bayesian-optimisation loop (maximisation), one step at a time.
//
// It starts from `initial_points` distinct grid points drawn at random (step 0). Each step then
//   1. predicts with the surrogate on every grid point and maximises the acquisition there
//      (random search instead draws a grid point uniformly),
//   2. evaluates f at that point,
//   3. conditions the surrogate on it (NeuralProcess update(): CMANP in constant time),
// and records
//   simple regret      f* − max of f over every point evaluated so far (starting points included)
//   cumulative regret  Σ over steps 1..t of f* − f(x_step) (the starting points are not counted)
//   seconds            wall time of the step: prediction, acquisition and the surrogate's update.
// The seed fixes the starting points and the loop's own draws (Thompson, random search): every
// surrogate run with the same objective and seed starts from the same points.

#include <ATen/core/Generator.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "nplab/bo/acquisition.h"
#include "nplab/bo/objective.h"
#include "nplab/bo/surrogate.h"

namespace nplab::bo {

struct LoopOptions {
  Acquisition acquisition = Acquisition::ExpectedImprovement;
  int64_t initial_points = 3;
  double ucb_kappa = 2.0;
  double ei_xi = 0.0;
  uint64_t seed = 0;
};

struct StepRecord {
  int64_t step = 0;   ///< 1, 2, ...
  int64_t index = 0;  ///< grid index queried
  double x = 0.0;
  double y = 0.0;
  double simple_regret = 0.0;
  double cumulative_regret = 0.0;
  double seconds = 0.0;
};

class Loop {
 public:
  /// `surrogate` null means random search. The surrogate must outlive the loop.
  Loop(const Objective& objective, Surrogate* surrogate, const LoopOptions& options);

  /// What the next step would query: the acquisition's maximiser (and the acquisition on the
  /// grid; undefined for random search). Thompson and random search draw anew on every call.
  struct Proposal {
    int64_t index = 0;
    at::Tensor acquisition;
  };
  Proposal propose();
  /// Runs one step (propose, evaluate, condition) and returns its record.
  const StepRecord& step();
  /// A step that queries grid point `index` (chosen by hand, or a proposal kept from before):
  /// evaluate and condition; its time excludes choosing. util::InvalidArgument off the grid.
  const StepRecord& step_at(int64_t index);
  const std::vector<StepRecord>& history() const { return history_; }
  /// Grid indices of the starting points.
  const std::vector<int64_t>& initial_indices() const { return initial_; }
  /// Simple regret after the starting points alone.
  double initial_regret() const { return initial_regret_; }
  double best_value() const { return best_; }
  /// The acquisition values of the last step on the grid (undefined for random search and
  /// before the first step).
  const at::Tensor& last_acquisition() const { return last_acquisition_; }

 private:
  const StepRecord& record(int64_t index, std::chrono::steady_clock::time_point start,
                           at::Tensor acquisition);

  const Objective& objective_;
  Surrogate* surrogate_;
  LoopOptions options_;
  at::Generator generator_;
  std::vector<int64_t> initial_;
  std::vector<StepRecord> history_;
  at::Tensor last_acquisition_;
  double best_ = 0.0;
  double initial_regret_ = 0.0;
};

/// Runs `steps` steps (util::InvalidArgument for steps <= 0) and returns the records.
std::vector<StepRecord> run_loop(const Objective& objective, Surrogate* surrogate,
                                 const LoopOptions& options, int64_t steps);

}  // namespace nplab::bo
