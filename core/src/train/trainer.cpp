#include "nplab/train/trainer.h"

#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

#include "nplab/util/checks.h"

namespace nplab::train {

double cosine_learning_rate(double base, int64_t step, int64_t steps) {
  if (steps <= 0) return base;
  const double progress = std::clamp(static_cast<double>(step) / steps, 0.0, 1.0);
  return base * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
}

Trainer::Trainer(models::NeuralProcess& model, const TrainOptions& options)
    : model_(model), options_(options), completed_steps_(options.first_step) {
  if (options.steps < 1) throw util::InvalidArgument("--steps: must be positive");
  if (!(options.learning_rate > 0)) throw util::InvalidArgument("--lr: must be positive");
  if (options.clip_norm < 0) throw util::InvalidArgument("clip_norm: must be >= 0");
  if (options.first_step < 0) throw util::InvalidArgument("first_step: must be >= 0");
  optimizer_ = std::make_unique<torch::optim::Adam>(
      model.parameters(), torch::optim::AdamOptions(options.learning_rate));
  model_.train();
}

Trainer::~Trainer() = default;

namespace {

// The 2-norm of all gradients together (what clip_grad_norm_ measures), without touching them.
double total_gradient_norm(const std::vector<at::Tensor>& parameters) {
  std::vector<at::Tensor> norms;
  for (const auto& parameter : parameters) {
    if (parameter.grad().defined()) norms.push_back(parameter.grad().norm());
  }
  return norms.empty() ? 0.0 : at::stack(norms).norm().item<double>();
}

}  // namespace

double Trainer::step(const models::Batch& batch) {
  const double rate =
      cosine_learning_rate(options_.learning_rate, completed_steps_, options_.steps);
  for (auto& group : optimizer_->param_groups()) group.options().set_lr(rate);
  optimizer_->zero_grad();
  const auto loss = model_.loss(batch);
  loss.backward();
  last_gradient_norm_ = options_.clip_norm > 0 ? torch::nn::utils::clip_grad_norm_(
                                                     model_.parameters(), options_.clip_norm)
                                               : total_gradient_norm(model_.parameters());
  optimizer_->step();
  ++completed_steps_;
  return loss.item<double>();
}

std::vector<double> Trainer::run(const BatchSource& batches, const ProgressCallback& on_progress) {
  model_.train();
  std::vector<double> losses;
  while (!finished()) {
    const double rate =
        cosine_learning_rate(options_.learning_rate, completed_steps_, options_.steps);
    losses.push_back(step(batches(completed_steps_)));
    if (on_progress && !on_progress({completed_steps_, options_.steps, losses.back(), rate,
                                     last_gradient_norm_})) {
      break;
    }
  }
  model_.eval();
  return losses;
}

TrainingState Trainer::state() const {
  torch::serialize::OutputArchive archive;
  optimizer_->save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  return {completed_steps_, std::move(bytes).str()};
}

void Trainer::restore(const TrainingState& state) {
  if (state.step < 0) throw util::InvalidArgument("training state: negative step");
  std::istringstream bytes(state.optimizer);
  torch::serialize::InputArchive archive;
  archive.load_from(bytes, model_.tensor_options().device());
  optimizer_->load(archive);
  completed_steps_ = state.step;
}

std::vector<double> train_model(models::NeuralProcess& model, const BatchSource& batches,
                                const TrainOptions& options, const ProgressCallback& on_progress) {
  Trainer trainer(model, options);
  return trainer.run(batches, on_progress);
}

}  // namespace nplab::train
