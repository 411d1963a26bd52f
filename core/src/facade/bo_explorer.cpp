#include "nplab/facade/bo_explorer.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "guarded.h"
#include "nplab/bo/acquisition.h"
#include "nplab/bo/loop.h"
#include "nplab/bo/objective.h"
#include "nplab/train/checkpoint.h"
#include "nplab/util/checks.h"

namespace nplab::facade {
namespace {

std::vector<double> to_vector(const at::Tensor& values) {
  if (!values.defined()) return {};
  const auto flat = values.reshape({-1}).to(at::kCPU, at::kDouble).contiguous();
  return {flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel()};
}

}  // namespace

std::vector<std::string> bo_objective_names() {
  return bo::objective_names();
}

std::vector<std::string> bo_acquisition_names() {
  return bo::acquisition_names();
}

struct BoExplorer::Impl {
  BoSettings settings;
  bo::Objective objective;
  std::unique_ptr<bo::Surrogate> surrogate;  // null: random search
  std::optional<bo::Loop> loop;
  bo::Loop::Proposal next;

  void start() {
    bo::LoopOptions options;
    options.acquisition = bo::acquisition_from_name(settings.acquisition);
    options.initial_points = settings.initial_points;
    options.ucb_kappa = settings.ucb_kappa;
    options.seed = settings.seed;
    loop.reset();
    // The loop conditions the surrogate afresh on the starting points.
    loop.emplace(objective, surrogate.get(), options);
    next = loop->propose();
  }

  void advance(int64_t index) {
    loop->step_at(index);
    next = loop->propose();
  }

  BoFrame frame() const {
    BoFrame frame;
    frame.grid = to_vector(objective.grid);
    frame.truth = to_vector(objective.values);
    if (surrogate) {
      const auto prediction = surrogate->predict(objective.grid);
      frame.mean = to_vector(prediction.mean);
      frame.stddev = to_vector(prediction.stddev);
    }
    frame.acquisition = to_vector(next.acquisition);
    for (const auto index : loop->initial_indices()) {
      frame.query_x.push_back(objective.x_at(index));
      frame.query_y.push_back(objective.value_at(index));
    }
    frame.starting_points = static_cast<int>(frame.query_x.size());
    frame.simple_regret.push_back(loop->initial_regret());
    for (const auto& record : loop->history()) {
      frame.query_x.push_back(record.x);
      frame.query_y.push_back(record.y);
      frame.simple_regret.push_back(record.simple_regret);
      frame.step_ms.push_back(1e3 * record.seconds);
    }
    frame.next_x = objective.x_at(next.index);
    frame.optimum = objective.optimum;
    frame.optimum_x = objective.x_at(objective.argmax);
    return frame;
  }
};

BoExplorer::BoExplorer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BoExplorer::~BoExplorer() = default;

const BoSettings& BoExplorer::settings() const {
  return impl_->settings;
}

Outcome<std::unique_ptr<BoExplorer>> BoExplorer::open(const BoSettings& settings) {
  return detail::guarded<std::unique_ptr<BoExplorer>>("bo", [&] {
    const c10::InferenceMode inference;
    auto impl = std::make_unique<Impl>();
    impl->settings = settings;
    impl->objective = bo::make_objective(settings.function, settings.seed, settings.grid_points);
    if (settings.surrogate == "oracle") {
      impl->surrogate = std::make_unique<bo::OracleSurrogate>(impl->objective.prior);
    } else if (settings.surrogate != "random") {
      auto checkpoint = train::load_checkpoint(settings.surrogate);
      impl->surrogate =
          std::make_unique<bo::NeuralProcessSurrogate>(checkpoint.model, checkpoint.model->name());
    }
    impl->start();
    return std::unique_ptr<BoExplorer>(new BoExplorer(std::move(impl)));
  });
}

Outcome<BoFrame> BoExplorer::frame() const {
  return detail::guarded<BoFrame>("bo frame", [&] {
    const c10::InferenceMode inference;
    return impl_->frame();
  });
}

Outcome<BoFrame> BoExplorer::step() {
  return detail::guarded<BoFrame>("bo step", [&] {
    const c10::InferenceMode inference;
    impl_->advance(impl_->next.index);
    return impl_->frame();
  });
}

Outcome<BoFrame> BoExplorer::run_to(int steps) {
  return detail::guarded<BoFrame>("bo run", [&] {
    const c10::InferenceMode inference;
    while (static_cast<int>(impl_->loop->history().size()) < steps) {
      impl_->advance(impl_->next.index);
    }
    return impl_->frame();
  });
}

Outcome<BoFrame> BoExplorer::query_at(double x) {
  return detail::guarded<BoFrame>("bo query", [&] {
    if (!std::isfinite(x)) throw util::InvalidArgument("the query x must be finite");
    const c10::InferenceMode inference;
    const auto& objective = impl_->objective;
    const double spacing =
        (bo::kDomainHigh - bo::kDomainLow) / static_cast<double>(objective.grid_points() - 1);
    const auto index = static_cast<int64_t>(
        std::lround((std::clamp(x, bo::kDomainLow, bo::kDomainHigh) - bo::kDomainLow) / spacing));
    impl_->advance(std::min<int64_t>(index, objective.grid_points() - 1));
    return impl_->frame();
  });
}

Outcome<BoFrame> BoExplorer::reset() {
  return detail::guarded<BoFrame>("bo reset", [&] {
    const c10::InferenceMode inference;
    impl_->start();
    return impl_->frame();
  });
}

}  // namespace nplab::facade
