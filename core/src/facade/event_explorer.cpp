// The Events view's model: a point-process model and the history it is conditioned on.

#include "nplab/facade/event_explorer.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "guarded.h"
#include "nplab/tpp/registry.h"
#include "nplab/tpp/sequences.h"
#include "nplab/tpp/training.h"

namespace nplab::facade {
namespace {

using detail::guarded;
using Clock = std::chrono::steady_clock;

double micros_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

tpp::EventList to_event_list(const std::vector<MarkedEvent>& events, std::size_t from = 0) {
  tpp::EventList list;
  for (std::size_t i = from; i < events.size(); ++i) {
    list.times.push_back(events[i].time);
    list.marks.push_back(events[i].mark);
  }
  return list;
}

/// The next event's distribution of the one sequence the explorer holds, on the CPU in float64.
tpp::NextEvent on_cpu(const tpp::NextEvent& next) {
  const auto plain = [](const at::Tensor& t) {
    return t.detach().select(0, 0).to(at::kCPU, at::kDouble);
  };
  return {{plain(next.time.log_weights), plain(next.time.means), plain(next.time.scales)},
          plain(next.mark_log_probs)};
}

std::vector<double> values(const at::Tensor& tensor) {
  const auto flat = tensor.reshape({-1}).contiguous();
  return {flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel()};
}

}  // namespace

std::string event_history_problem(const std::vector<MarkedEvent>& events, int marks) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& event = events[i];
    const std::string name = "event " + std::to_string(i);
    if (std::isnan(event.time)) return name + ": the time is NaN";
    if (!std::isfinite(event.time)) return name + ": the time is infinite";
    if (!(event.time > 0.0)) {
      return name + ": the time " + std::to_string(event.time) +
             " is not positive (observation starts at t = 0)";
    }
    if (i > 0 && !(event.time > events[i - 1].time)) {
      return name + ": the time " + std::to_string(event.time) + " is not after event " +
             std::to_string(i - 1) + "'s " + std::to_string(events[i - 1].time);
    }
    if (event.mark < 0 || event.mark >= marks) {
      return name + ": mark " + std::to_string(event.mark) + " is outside 0.." +
             std::to_string(marks - 1);
    }
  }
  return {};
}

struct EventExplorer::Impl {
  std::shared_ptr<tpp::PointProcessModel> model;
  std::unique_ptr<tpp::PointProcessState> state;
  std::optional<tpp::NextEvent> next;  ///< on the CPU, float64
  EventModelInfo info;
  std::vector<MarkedEvent> events;
  UpdateStats last;

  void require_model() const {
    if (!model) throw std::invalid_argument("no point-process model is loaded");
  }

  tpp::EventSequence sequence_of(const std::vector<MarkedEvent>& list, std::size_t from) const {
    return tpp::to_event_sequence({to_event_list(list, from)}, model->tensor_options());
  }

  std::unique_ptr<tpp::PointProcessState> condition_on(const std::vector<MarkedEvent>& list) const {
    return model->condition(sequence_of(list, 0));
  }

  /// Makes `wanted` the history; commits only once everything has succeeded.
  UpdateStats transition(const std::vector<MarkedEvent>& wanted) {
    require_model();
    if (const auto problem = event_history_problem(wanted, info.marks); !problem.empty()) {
      throw std::invalid_argument(problem);
    }
    if (wanted == events && state) return last;
    const c10::InferenceMode inference;
    const bool appends = state && wanted.size() > events.size() &&
                         std::equal(events.begin(), events.end(), wanted.begin());
    const auto start = Clock::now();
    std::unique_ptr<tpp::PointProcessState> next_state;
    UpdateMode mode = UpdateMode::Recompute;
    std::string note;
    if (appends) {
      next_state = state->clone();
      model->update(*next_state, sequence_of(wanted, events.size()));
      if (model->update_kind() == models::UpdateKind::ConstantTime) {
        const auto added = wanted.size() - events.size();
        mode =
            added > 1 && added > events.size() ? UpdateMode::Condition : UpdateMode::ConstantTime;
      }
    } else {
      next_state = condition_on(wanted);
      if (model->update_kind() == models::UpdateKind::ConstantTime && !events.empty()) {
        note = "reconditioned on the whole history (the edit was not after the last event)";
      }
    }
    auto predicted = on_cpu(model->predict(*next_state));
    const double micros = micros_since(start);
    state = std::move(next_state);
    next = std::move(predicted);
    events = wanted;
    last = {static_cast<std::int64_t>(events.size()), micros, mode, state->bytes(),
            std::move(note)};
    return last;
  }

  EventModelInfo install(std::shared_ptr<tpp::PointProcessModel> made, EventModelInfo made_info) {
    made->eval();
    auto previous_model = std::exchange(model, std::move(made));
    auto previous_info = std::exchange(info, std::move(made_info));
    auto previous_state = std::move(state);
    auto previous_next = std::exchange(next, std::nullopt);
    auto previous_events = events;
    const auto kept =
        event_history_problem(events, info.marks).empty() ? events : std::vector<MarkedEvent>{};
    try {
      events.clear();
      transition(kept);
      last.note = "conditioned the new model";
      last.mode = UpdateMode::Recompute;
    } catch (...) {
      model = std::move(previous_model);
      info = std::move(previous_info);
      state = std::move(previous_state);
      next = std::move(previous_next);
      events = std::move(previous_events);
      throw;
    }
    return info;
  }
};

EventExplorer::EventExplorer() : impl_(std::make_unique<Impl>()) {}
EventExplorer::~EventExplorer() = default;
EventExplorer::EventExplorer(EventExplorer&&) noexcept = default;
EventExplorer& EventExplorer::operator=(EventExplorer&&) noexcept = default;

std::vector<std::string> EventExplorer::registry_models() {
  return tpp::point_process_names();
}

Outcome<EventModelInfo> EventExplorer::load_registry_model(const std::string& name, int marks,
                                                           std::uint64_t seed) {
  return guarded<EventModelInfo>("loading model \"" + name + "\"", [&] {
    if (!tpp::is_point_process_name(name)) {
      throw std::invalid_argument("not a point-process model (known: cmhp, thp)");
    }
    auto config = tpp::default_point_process_config(name);
    config["model"] = name;
    config["marks"] = marks;
    torch::manual_seed(seed);
    auto made = tpp::make_point_process(config);
    EventModelInfo made_info{name,
                             "registry:" + name,
                             /*untrained=*/true,
                             marks,
                             made->update_kind() == models::UpdateKind::ConstantTime,
                             ""};
    return impl_->install(std::move(made), std::move(made_info));
  });
}

Outcome<EventModelInfo> EventExplorer::load_checkpoint(const std::string& path) {
  return guarded<EventModelInfo>("loading checkpoint " + path, [&] {
    auto checkpoint = tpp::load_point_process(path);
    auto made = checkpoint.model;
    const auto data = checkpoint.card.find("data");
    EventModelInfo made_info{made->name(),
                             path,
                             /*untrained=*/false,
                             static_cast<int>(made->marks()),
                             made->update_kind() == models::UpdateKind::ConstantTime,
                             data != checkpoint.card.end() && data->is_string()
                                 ? data->get<std::string>()
                                 : std::string()};
    return impl_->install(std::move(made), std::move(made_info));
  });
}

bool EventExplorer::has_model() const {
  return impl_->model != nullptr;
}
const EventModelInfo& EventExplorer::model() const {
  return impl_->info;
}
const std::vector<MarkedEvent>& EventExplorer::events() const {
  return impl_->events;
}
const UpdateStats& EventExplorer::last_update() const {
  return impl_->last;
}

Outcome<UpdateStats> EventExplorer::add(const MarkedEvent& event) {
  return guarded<UpdateStats>("adding an event", [&] {
    auto next = impl_->events;
    const auto at = std::upper_bound(
        next.begin(), next.end(), event,
        [](const MarkedEvent& a, const MarkedEvent& b) { return a.time < b.time; });
    next.insert(at, event);
    return impl_->transition(next);
  });
}

Outcome<UpdateStats> EventExplorer::move(std::size_t index, const MarkedEvent& to) {
  return guarded<UpdateStats>("moving event " + std::to_string(index), [&] {
    if (index >= impl_->events.size()) {
      throw std::invalid_argument("index " + std::to_string(index) + " is out of range (" +
                                  std::to_string(impl_->events.size()) + " events)");
    }
    auto next = impl_->events;
    next.erase(next.begin() + static_cast<std::ptrdiff_t>(index));
    const auto at = std::upper_bound(
        next.begin(), next.end(), to,
        [](const MarkedEvent& a, const MarkedEvent& b) { return a.time < b.time; });
    next.insert(at, to);
    return impl_->transition(next);
  });
}

Outcome<UpdateStats> EventExplorer::remove(std::size_t index) {
  return guarded<UpdateStats>("removing event " + std::to_string(index), [&] {
    if (index >= impl_->events.size()) {
      throw std::invalid_argument("index " + std::to_string(index) + " is out of range (" +
                                  std::to_string(impl_->events.size()) + " events)");
    }
    auto next = impl_->events;
    next.erase(next.begin() + static_cast<std::ptrdiff_t>(index));
    return impl_->transition(next);
  });
}

Outcome<UpdateStats> EventExplorer::clear() {
  return guarded<UpdateStats>("clearing the events", [&] { return impl_->transition({}); });
}

Outcome<UpdateStats> EventExplorer::set_events(const std::vector<MarkedEvent>& events) {
  return guarded<UpdateStats>("setting the events", [&] { return impl_->transition(events); });
}

Outcome<NextEventPrediction> EventExplorer::predict(const std::vector<double>& taus) {
  return guarded<NextEventPrediction>("predicting the next event", [&] {
    impl_->require_model();
    for (std::size_t i = 0; i < taus.size(); ++i) {
      if (!std::isfinite(taus[i]) || !(taus[i] > 0.0)) {
        throw std::invalid_argument("tau[" + std::to_string(i) + "] = " + std::to_string(taus[i]) +
                                    " is not a positive finite number");
      }
    }
    const auto start = Clock::now();
    const auto& next = *impl_->next;
    NextEventPrediction result;
    result.last_time = impl_->events.empty() ? 0.0 : impl_->events.back().time;
    result.tau = taus;
    const auto tau = at::tensor(taus, at::kDouble);
    result.density = values(next.time.log_density(tau).exp());
    result.cdf = values(next.time.cdf(tau));
    const double mean = next.time.mean().item<double>();
    const double variance = next.time.variance().item<double>();
    if (std::isfinite(mean)) result.mean = mean;
    if (std::isfinite(mean) && std::isfinite(variance)) {
      result.stddev = std::sqrt(std::max(variance, 0.0));
    }
    result.mark_probabilities = values(next.mark_probabilities());
    result.micros = micros_since(start);
    return result;
  });
}

}  // namespace nplab::facade
