#include "nplab/facade/explorer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "guarded.h"
#include "nplab/facade/explorer_images.h"
#include "nplab/models/neural_process.h"
#include "nplab/models/registry.h"
#include "nplab/train/checkpoint.h"
#include "nplab/train/task_data.h"
#include "nplab/util/checks.h"
#include "nplab/util/input_file.h"
#include "nplab/util/runtime.h"

namespace nplab::facade {
namespace {

using detail::guarded;

using Clock = std::chrono::steady_clock;

double micros_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

/// The points in `from` that are not in `to` (removed) and those in `to` not in `from` (added),
/// as multisets. A common prefix and suffix are skipped first, so an append, a single removal or
/// a move costs O(N) comparisons; only the differing middle is compared pairwise.
struct Difference {
  std::vector<ContextPoint> removed;
  std::vector<ContextPoint> added;
};

Difference difference(const std::vector<ContextPoint>& from, const std::vector<ContextPoint>& to) {
  size_t prefix = 0;
  while (prefix < from.size() && prefix < to.size() && from[prefix] == to[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < from.size() - prefix && suffix < to.size() - prefix &&
         from[from.size() - 1 - suffix] == to[to.size() - 1 - suffix]) {
    ++suffix;
  }
  Difference result;
  std::vector<bool> matched(to.size(), false);
  for (size_t i = prefix; i < from.size() - suffix; ++i) {
    bool found = false;
    for (size_t j = prefix; j < to.size() - suffix && !found; ++j) {
      if (!matched[j] && to[j] == from[i]) matched[j] = found = true;
    }
    if (!found) result.removed.push_back(from[i]);
  }
  for (size_t j = prefix; j < to.size() - suffix; ++j) {
    if (!matched[j]) result.added.push_back(to[j]);
  }
  return result;
}

}  // namespace

const char* to_string(UpdateMode mode) {
  switch (mode) {
    case UpdateMode::ConstantTime:
      return "constant-time update";
    case UpdateMode::Condition:
      return "conditioning";
    case UpdateMode::Recompute:
      return "recompute";
    case UpdateMode::None:
      break;
  }
  return "no change";
}

Outcome<std::string> resolve_device_name(const std::string& device) {
  try {
    return Outcome<std::string>::success(util::resolve_device(device).str());
  } catch (const std::exception& error) {
    return Outcome<std::string>::failure(error.what());  // it names the --device choice itself
  }
}

void set_compute_threads(int threads) {
  if (threads < 1) {
    throw util::InvalidArgument("threads: " + std::to_string(threads) + " (must be at least 1)");
  }
  at::set_num_threads(threads);
}

struct Explorer::Impl {
  std::shared_ptr<models::NeuralProcess> model;
  std::unique_ptr<models::ModelState> state;
  ModelInfo info;
  c10::Device device{c10::kCPU};
  std::vector<ContextPoint> points;
  UpdateStats last;

  void require_model() const {
    if (!model) throw util::InvalidArgument("no model is loaded");
  }

  /// [1, N, dim] tensor of the points' inputs (or outputs) on the model's device and dtype.
  at::Tensor tensor_of(const std::vector<ContextPoint>& list, bool inputs) const {
    const int64_t dim = inputs ? info.dim_x : info.dim_y;
    std::vector<double> flat;
    flat.reserve(list.size() * static_cast<size_t>(dim));
    for (const auto& point : list) {
      const auto& values = inputs ? point.x : point.y;
      flat.insert(flat.end(), values.begin(), values.end());
    }
    return at::tensor(flat, at::kDouble)
        .reshape({1, static_cast<int64_t>(list.size()), dim})
        .to(model->tensor_options());
  }

  void check_point(const ContextPoint& point, const std::string& name) const {
    const auto check = [&](const Coordinates& values, const char* part, int dim) {
      if (static_cast<int>(values.size()) != dim) {
        throw util::InvalidArgument(name + ": " + part + " has " + std::to_string(values.size()) +
                                    " values, but the model takes dim_" + part + " = " +
                                    std::to_string(dim));
      }
      for (const double value : values) {
        if (!std::isfinite(value)) {
          throw util::InvalidArgument(name + ": " + part + " value " + std::to_string(value) +
                                      " is not finite");
        }
      }
    };
    check(point.x, "x", info.dim_x);
    check(point.y, "y", info.dim_y);
  }

  /// Why a prediction came out NaN or infinite: never drawn or written, always explained. The
  /// usual cause is a context or target far outside the values the model was trained on.
  std::string non_finite_reason(int64_t bad, int64_t targets, const std::vector<double>& xs) const {
    double largest_x = 0, largest_y = 0;
    for (const auto& point : points) {
      for (const double v : point.x) largest_x = std::max(largest_x, std::abs(v));
      for (const double v : point.y) largest_y = std::max(largest_y, std::abs(v));
    }
    for (const double v : xs) largest_x = std::max(largest_x, std::abs(v));
    std::ostringstream why;
    why << "the prediction is NaN or infinite at " << bad << " of " << targets
        << " targets; the largest |x| is " << largest_x << " and the largest |y| " << largest_y;
    if (info.training) {
      why << ", where the model was trained on x in [" << info.training->x_low << ", "
          << info.training->x_high << "]";
    }
    why << ": values that far out are beyond what it can represent";
    return why.str();
  }

  std::unique_ptr<models::ModelState> condition_on(const std::vector<ContextPoint>& list) const {
    return model->condition(tensor_of(list, true), tensor_of(list, false));
  }

  UpdateStats stats_for(double micros, UpdateMode mode, std::string note) const {
    return {static_cast<int64_t>(points.size()), micros, mode, state->bytes(), std::move(note)};
  }

  /// Makes `next` the context, touching only the points that differ (see set_points). Commits
  /// points and state only once everything has succeeded.
  UpdateStats transition(const std::vector<ContextPoint>& next) {
    require_model();
    const auto diff = difference(points, next);
    for (size_t i = 0; i < diff.added.size(); ++i) {
      check_point(diff.added[i], "new point " + std::to_string(i));
    }
    if (diff.removed.empty() && diff.added.empty()) {
      points = next;  // at most a reordering, to which every model is invariant
      return stats_for(0, UpdateMode::None, {});  // last_update() keeps the last real change
    }
    const c10::InferenceMode inference;
    const bool constant_time = model->update_kind() == models::UpdateKind::ConstantTime;
    // Releasing more points than remain costs more than re-encoding what remains.
    const bool incremental = constant_time && diff.removed.size() <= next.size();
    std::unique_ptr<models::ModelState> next_state;
    UpdateMode mode = UpdateMode::Recompute;
    std::string note;
    const auto start = Clock::now();
    if (incremental) {
      next_state = state->clone();
      bool exact = true;
      if (!diff.removed.empty()) {
        exact =
            model
                ->remove(*next_state, tensor_of(diff.removed, true), tensor_of(diff.removed, false))
                .exact;
      }
      if (exact) {
        if (!diff.added.empty()) {
          model->update(*next_state, tensor_of(diff.added, true), tensor_of(diff.added, false));
        }
        // Constant time means a cost set by the few points that changed, not by N. When the
        // changed points outnumber the ones kept, the edit costs what conditioning on all of
        // them costs, and the readout should not claim otherwise.
        const auto changed = diff.added.size() + diff.removed.size();
        const auto kept = next.size() - diff.added.size();
        mode = changed > 1 && changed > kept ? UpdateMode::Condition : UpdateMode::ConstantTime;
      } else {
        next_state = condition_on(next);
        // The fixed-size summary could not take the old points out precisely (they held almost
        // all of its weight): a user sees an edit redone from the points, not a "removal".
        note = "recomputed from all points, for precision";
      }
    } else {
      next_state = condition_on(next);
      if (constant_time) note = "recomputed from all points (most of them changed)";
    }
    model->prepare(*next_state);  // the readout times the whole edit, deferred work included
    util::synchronize(device);
    const double micros = micros_since(start);
    state = std::move(next_state);
    points = next;
    last = stats_for(micros, mode, std::move(note));
    return last;
  }

  /// Installs a freshly made model, keeping the points when their sizes fit it.
  ModelInfo install(std::shared_ptr<models::NeuralProcess> made, ModelInfo made_info,
                    c10::Device made_device) {
    constexpr auto kMax = static_cast<int>(Coordinates::kCapacity);
    if (made_info.dim_x > kMax || made_info.dim_y > kMax) {
      throw util::InvalidArgument("the explorer handles at most " + std::to_string(kMax) +
                                  " input and output dimensions; this model has dim_x = " +
                                  std::to_string(made_info.dim_x) +
                                  ", dim_y = " + std::to_string(made_info.dim_y));
    }
    made->to(made_device);
    made->eval();
    const c10::InferenceMode inference;
    auto previous_model = std::exchange(model, std::move(made));
    auto previous_info = std::exchange(info, std::move(made_info));
    const auto previous_device = std::exchange(device, made_device);
    try {
      bool fits = true;
      for (const auto& point : points) {
        fits = fits && static_cast<int>(point.x.size()) == info.dim_x &&
               static_cast<int>(point.y.size()) == info.dim_y;
      }
      auto kept = fits ? points : std::vector<ContextPoint>{};
      const auto start = Clock::now();
      state = condition_on(kept);
      model->prepare(*state);
      util::synchronize(device);
      const double micros = micros_since(start);
      points = std::move(kept);
      last = stats_for(micros, UpdateMode::Recompute, "conditioned the new model");
    } catch (...) {
      model = std::move(previous_model);
      info = std::move(previous_info);
      device = previous_device;
      throw;
    }
    return info;
  }
};

Explorer::Explorer() : impl_(std::make_unique<Impl>()) {}
Explorer::~Explorer() = default;
Explorer::Explorer(Explorer&&) noexcept = default;
Explorer& Explorer::operator=(Explorer&&) noexcept = default;

std::vector<std::string> Explorer::registry_models() {
  return models::model_names();
}

Outcome<ModelInfo> Explorer::load_registry_model(const std::string& name,
                                                 const ModelOptions& options) {
  return guarded<ModelInfo>("loading model \"" + name + "\"", [&] {
    const auto device = util::resolve_device(options.device);
    const auto config =
        models::default_config(name, {{"dim_x", options.dim_x}, {"dim_y", options.dim_y}});
    // Seed after default_config, which builds a throwaway model of its own.
    torch::manual_seed(options.seed);
    auto made = models::make_model(config);
    ModelInfo made_info{name,
                        "registry:" + name,
                        /*untrained=*/true,
                        options.dim_x,
                        options.dim_y,
                        made->update_kind() == models::UpdateKind::ConstantTime,
                        device.str()};
    return impl_->install(std::move(made), std::move(made_info), device);
  });
}

std::optional<TrainingRange> training_range(const std::string& data_name) {
  const auto names = train::training_data_names();
  if (std::find(names.begin(), names.end(), data_name) == names.end()) return std::nullopt;
  const auto spec = train::parse_data_spec(data_name, /*evaluation=*/false);
  if (spec.family == train::TaskFamily::GP) {
    const auto& counts = spec.gp.counts;
    return TrainingRange{data_name, spec.gp.x_range.low, spec.gp.x_range.high,
                         counts.max_points - counts.min_target};
  }
  // Image tasks: pixel coordinates in [-1, 1]²; whole-image batches reveal every pixel.
  const auto& counts = spec.images.counts;
  const std::int64_t most = spec.images.whole_image_fraction > 0.0
                                ? std::int64_t{kImageSide} * kImageSide
                                : counts.max_points - counts.min_target;
  return TrainingRange{data_name, -1.0, 1.0, most};
}

Outcome<ModelInfo> Explorer::load_checkpoint(const std::string& path, const std::string& device) {
  return guarded<ModelInfo>("loading checkpoint " + path, [&]() -> ModelInfo {
    if (const auto why = util::why_not_a_regular_file(path)) throw util::InvalidArgument(*why);
    const auto resolved = util::resolve_device(device);
    auto checkpoint = nplab::train::load_checkpoint(path, resolved);
    auto made = checkpoint.model;
    ModelInfo made_info{made->name(),
                        path,
                        /*untrained=*/false,
                        static_cast<int>(made->dims().dim_x),
                        static_cast<int>(made->dims().dim_y),
                        made->update_kind() == models::UpdateKind::ConstantTime,
                        resolved.str(),
                        training_range(checkpoint.card.value("data", std::string()))};
    return impl_->install(std::move(made), std::move(made_info), resolved);
  });
}

bool Explorer::has_model() const {
  return impl_->model != nullptr;
}
const ModelInfo& Explorer::model() const {
  return impl_->info;
}
const std::vector<ContextPoint>& Explorer::points() const {
  return impl_->points;
}
const UpdateStats& Explorer::last_update() const {
  return impl_->last;
}

Outcome<UpdateStats> Explorer::add(const ContextPoint& point) {
  return add(std::vector<ContextPoint>{point});
}

Outcome<UpdateStats> Explorer::add(const std::vector<ContextPoint>& points) {
  return guarded<UpdateStats>("adding points", [&] {
    auto next = impl_->points;
    next.insert(next.end(), points.begin(), points.end());
    return impl_->transition(next);
  });
}

Outcome<UpdateStats> Explorer::move(std::size_t index, const ContextPoint& to) {
  return guarded<UpdateStats>("moving point " + std::to_string(index), [&] {
    if (index >= impl_->points.size()) {
      throw util::InvalidArgument("index " + std::to_string(index) + " is out of range (N = " +
                                  std::to_string(impl_->points.size()) + ")");
    }
    auto next = impl_->points;
    next[index] = to;
    return impl_->transition(next);
  });
}

Outcome<UpdateStats> Explorer::remove(std::size_t index) {
  return guarded<UpdateStats>("removing point " + std::to_string(index), [&] {
    if (index >= impl_->points.size()) {
      throw util::InvalidArgument("index " + std::to_string(index) + " is out of range (N = " +
                                  std::to_string(impl_->points.size()) + ")");
    }
    auto next = impl_->points;
    next.erase(next.begin() + static_cast<std::ptrdiff_t>(index));
    return impl_->transition(next);
  });
}

Outcome<UpdateStats> Explorer::clear() {
  return guarded<UpdateStats>("clearing", [&] { return impl_->transition({}); });
}

Outcome<UpdateStats> Explorer::set_points(const std::vector<ContextPoint>& points) {
  return guarded<UpdateStats>("setting the context", [&] { return impl_->transition(points); });
}

Outcome<GridPrediction> Explorer::predict(const std::vector<double>& xs) {
  return guarded<GridPrediction>("predicting", [&] {
    impl_->require_model();
    const int64_t dim_x = impl_->info.dim_x;
    if (xs.size() % static_cast<size_t>(dim_x) != 0) {
      throw util::InvalidArgument(
          "xs: " + std::to_string(xs.size()) +
          " values is not a whole number of targets of dim_x = " + std::to_string(dim_x));
    }
    for (size_t i = 0; i < xs.size(); ++i) {
      if (!std::isfinite(xs[i])) {
        throw util::InvalidArgument("xs[" + std::to_string(i) + "] = " + std::to_string(xs[i]) +
                                    " is not finite");
      }
    }
    const c10::InferenceMode inference;
    const int64_t targets = static_cast<int64_t>(xs.size()) / dim_x;
    const auto xt =
        at::tensor(xs, at::kDouble).reshape({1, targets, dim_x}).to(impl_->model->tensor_options());
    const auto start = Clock::now();
    const auto prediction = impl_->model->predict(*impl_->state, xt);
    // Copying to the CPU waits for the device, so the time is the whole prediction.
    const auto mean = prediction.mean.to(at::kCPU, at::kDouble).contiguous();
    const auto stddev = prediction.stddev.to(at::kCPU, at::kDouble).contiguous();
    const auto bad = (~at::isfinite(mean) | ~at::isfinite(stddev)).sum().item<int64_t>();
    if (bad > 0) throw util::InvalidArgument(impl_->non_finite_reason(bad, targets, xs));
    GridPrediction result;
    result.micros = micros_since(start);
    result.mean.assign(mean.data_ptr<double>(), mean.data_ptr<double>() + mean.numel());
    result.stddev.assign(stddev.data_ptr<double>(), stddev.data_ptr<double>() + stddev.numel());
    return result;
  });
}

}  // namespace nplab::facade
