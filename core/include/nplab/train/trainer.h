#pragma once
// The training loop shared by `nplab-cli train` and the tests: Adam, a cosine learning-rate
// schedule over the run, gradient clipping; progress and abort through a callback (the library
// never prints).

#include <cstdint>
#include <functional>
#include <vector>

#include "nplab/models/neural_process.h"

namespace nplab {

struct TrainOptions {
  int64_t steps = 1000;
  double learning_rate = 5e-4;
  double clip_norm = 1.0;  ///< max gradient norm; 0 disables clipping
  int64_t first_step = 0;  ///< resume point: the schedule continues from here
};

struct TrainProgress {
  int64_t step = 0;  ///< steps completed
  int64_t steps = 0;
  double loss = 0.0;
  double learning_rate = 0.0;
};

/// Batch for a given step (deterministic in the step keeps runs reproducible).
using BatchSource = std::function<Batch(int64_t step)>;
/// Called after every step; return false to stop early.
using ProgressCallback = std::function<bool(const TrainProgress&)>;

/// Learning rate at `step` of `steps` under the cosine schedule.
double cosine_learning_rate(double base, int64_t step, int64_t steps);

/// Trains `model` in place and returns the loss of every step run.
std::vector<double> train(NeuralProcess& model, const BatchSource& batches,
                          const TrainOptions& options, const ProgressCallback& on_progress = {});

}  // namespace nplab
