#include "nplab/bo/loop.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>

#include "nplab/util/checks.h"

namespace nplab::bo {
namespace {

// The loop's draws get a stream of their own, apart from a GP objective's sample of the same seed.
constexpr uint64_t kLoopStream = 0x9E3779B97F4A7C15ULL;

}  // namespace

Loop::Loop(const Objective& objective, Surrogate* surrogate, const LoopOptions& options)
    : objective_(objective),
      surrogate_(surrogate),
      options_(options),
      generator_(at::make_generator<at::CPUGeneratorImpl>(options.seed ^ kLoopStream)) {
  const int64_t points = objective.grid_points();
  if (options.initial_points < 1 || options.initial_points > points) {
    throw util::InvalidArgument("bo: initial_points must be in [1, " + std::to_string(points) +
                                "], got " + std::to_string(options.initial_points));
  }
  if (!(options.ucb_kappa >= 0.0) || !(options.ei_xi >= 0.0)) {
    throw util::InvalidArgument("bo: ucb_kappa and ei_xi must be >= 0");
  }
  const auto order = at::randperm(points, generator_, at::kLong);
  const auto chosen = order.narrow(0, 0, options.initial_points);
  initial_.assign(chosen.data_ptr<int64_t>(), chosen.data_ptr<int64_t>() + chosen.numel());
  const auto x = objective.grid.index_select(0, chosen);
  const auto y = objective.values.index_select(0, chosen);
  best_ = y.max().item<double>();
  initial_regret_ = objective.optimum - best_;
  if (surrogate_ != nullptr) surrogate_->condition(x, y);
}

Loop::Proposal Loop::propose() {
  if (surrogate_ == nullptr) {
    return {at::randint(objective_.grid_points(), {1}, generator_, at::kLong).item<int64_t>(), {}};
  }
  const auto& grid = objective_.grid;
  at::Tensor acquisition;
  switch (options_.acquisition) {
    case Acquisition::ExpectedImprovement: {
      const auto prediction = surrogate_->predict(grid);
      acquisition = expected_improvement(prediction.mean, prediction.stddev, best_, options_.ei_xi);
      break;
    }
    case Acquisition::UpperConfidenceBound: {
      const auto prediction = surrogate_->predict(grid);
      acquisition = upper_confidence_bound(prediction.mean, prediction.stddev, options_.ucb_kappa);
      break;
    }
    case Acquisition::Thompson:
      acquisition = surrogate_->sample(grid, generator_);
      break;
  }
  const auto index = checked_argmax(
      acquisition, "acquisition " + std::string(acquisition_name(options_.acquisition)));
  return {index, acquisition};
}

const StepRecord& Loop::step() {
  const auto start = std::chrono::steady_clock::now();
  auto proposal = propose();
  return record(proposal.index, start, std::move(proposal.acquisition));
}

const StepRecord& Loop::step_at(int64_t index) {
  if (index < 0 || index >= objective_.grid_points()) {
    throw util::InvalidArgument("bo: grid index " + std::to_string(index) + " outside [0, " +
                                std::to_string(objective_.grid_points()) + ")");
  }
  return record(index, std::chrono::steady_clock::now(), {});
}

const StepRecord& Loop::record(int64_t index, std::chrono::steady_clock::time_point start,
                               at::Tensor acquisition) {
  StepRecord record;
  record.step = static_cast<int64_t>(history_.size()) + 1;
  record.index = index;
  record.x = objective_.x_at(index);
  record.y = objective_.value_at(index);
  if (surrogate_ != nullptr) surrogate_->observe(record.x, record.y);
  record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  best_ = std::max(best_, record.y);
  record.simple_regret = objective_.optimum - best_;
  const double previous = history_.empty() ? 0.0 : history_.back().cumulative_regret;
  record.cumulative_regret = previous + (objective_.optimum - record.y);
  last_acquisition_ = std::move(acquisition);
  history_.push_back(record);
  return history_.back();
}

std::vector<StepRecord> run_loop(const Objective& objective, Surrogate* surrogate,
                                 const LoopOptions& options, int64_t steps) {
  if (steps <= 0) {
    throw util::InvalidArgument("bo: steps must be >= 1, got " + std::to_string(steps));
  }
  Loop loop(objective, surrogate, options);
  for (int64_t i = 0; i < steps; ++i) loop.step();
  return loop.history();
}

}  // namespace nplab::bo
