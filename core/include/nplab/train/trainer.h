#pragma once
// The training loop shared by `nplab-cli train` and the tests: Adam, a cosine learning-rate
// schedule over the run, gradient clipping; progress and abort through a callback (the library
// never prints).
//
// A run can be stopped after any step and continued exactly: Trainer::state() holds the step and
// the optimizer's moments, and with batches that are a function of the step alone (see
// training_data.h) a restored trainer reproduces the uninterrupted run's losses and weights.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "nplab/models/neural_process.h"
#include "nplab/train/checkpoint.h"

namespace torch::optim {
class Adam;
}

namespace nplab::train {

struct TrainOptions {
  int64_t steps = 1000;  ///< length of the run (the cosine schedule spans it)
  double learning_rate = 5e-4;
  double clip_norm = 1.0;  ///< max gradient norm; 0 disables clipping
  int64_t first_step = 0;  ///< start here with a fresh optimizer (the schedule continues)
};

struct TrainProgress {
  int64_t step = 0;  ///< steps completed
  int64_t steps = 0;
  double loss = 0.0;
  double learning_rate = 0.0;
  double gradient_norm = 0.0;  ///< the step's total gradient norm, before clipping
};

/// Batch for a given step (deterministic in the step keeps runs reproducible).
using BatchSource = std::function<models::Batch(int64_t step)>;
/// Called after every step; return false to stop early.
using ProgressCallback = std::function<bool(const TrainProgress&)>;

/// Learning rate at `step` of `steps` under the cosine schedule.
double cosine_learning_rate(double base, int64_t step, int64_t steps);

/// Adam over one model's parameters, one step at a time. The model must outlive the trainer.
class Trainer {
 public:
  /// Puts `model` in training mode. Throws InvalidArgument for non-positive steps or rate.
  Trainer(models::NeuralProcess& model, const TrainOptions& options);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  /// Runs step number completed_steps() on `batch` and returns its loss.
  double step(const models::Batch& batch);
  /// The total gradient norm of the last step, before clipping (0 before the first step).
  double last_gradient_norm() const { return last_gradient_norm_; }
  /// Steps from completed_steps() until options.steps or until `on_progress` returns false;
  /// returns the loss of each step run. Leaves the model in eval mode.
  std::vector<double> run(const BatchSource& batches, const ProgressCallback& on_progress = {});

  int64_t completed_steps() const { return completed_steps_; }
  bool finished() const { return completed_steps_ >= options_.steps; }
  const TrainOptions& options() const { return options_; }

  /// The step reached and the optimizer's state, for a checkpoint.
  TrainingState state() const;
  /// Continues from `state` (made by state() for the same model architecture); the optimizer's
  /// tensors are loaded onto the model's device.
  void restore(const TrainingState& state);

 private:
  models::NeuralProcess& model_;
  TrainOptions options_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  int64_t completed_steps_ = 0;
  double last_gradient_norm_ = 0.0;
};

/// Trains `model` in place and returns the loss of every step run (Trainer(...).run(...)).
std::vector<double> train_model(models::NeuralProcess& model, const BatchSource& batches,
                                const TrainOptions& options,
                                const ProgressCallback& on_progress = {});

}  // namespace nplab::train
