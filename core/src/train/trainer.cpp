#include "nplab/train/trainer.h"

#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adam.h>

#include <cmath>
#include <numbers>

#include "nplab/util/checks.h"

namespace nplab {

double cosine_learning_rate(double base, int64_t step, int64_t steps) {
  if (steps <= 0) return base;
  const double progress = std::clamp(static_cast<double>(step) / steps, 0.0, 1.0);
  return base * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
}

std::vector<double> train(NeuralProcess& model, const BatchSource& batches,
                          const TrainOptions& options, const ProgressCallback& on_progress) {
  if (options.steps < 1) throw InvalidArgument("--steps: must be positive");
  if (!(options.learning_rate > 0)) throw InvalidArgument("--lr: must be positive");
  model.train();
  torch::optim::Adam optimizer(model.parameters(),
                               torch::optim::AdamOptions(options.learning_rate));
  std::vector<double> losses;
  for (int64_t step = options.first_step; step < options.steps; ++step) {
    const double rate = cosine_learning_rate(options.learning_rate, step, options.steps);
    for (auto& group : optimizer.param_groups()) group.options().set_lr(rate);
    optimizer.zero_grad();
    const auto loss = model.loss(batches(step));
    loss.backward();
    if (options.clip_norm > 0) torch::nn::utils::clip_grad_norm_(model.parameters(), options.clip_norm);
    optimizer.step();
    losses.push_back(loss.item<double>());
    if (on_progress && !on_progress({step + 1, options.steps, losses.back(), rate})) break;
  }
  model.eval();
  return losses;
}

}  // namespace nplab
