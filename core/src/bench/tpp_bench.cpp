#include "nplab/bench/tpp_bench.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/utils.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>
#include <utility>

#include "nplab/bench/memory_probe.h"
#include "nplab/bench/model_bench.h"
#include "nplab/bench/timing.h"
#include "nplab/tpp/point_process.h"
#include "nplab/tpp/registry.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"

namespace nplab::bench {
namespace {

using Clock = std::chrono::steady_clock;

/// Lengths measured, not reported, before a run whose shortest length is longer: THP at 10^5
/// events would otherwise allocate its quadratic attention before anything predicts it.
constexpr std::array<std::int64_t, 2> kCalibrationLengths{100, 1'000};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// `count` events with uniform marks, [1, count], on the model's device; drawn on the CPU from a
/// generator of (seed, count), so every device sees the same. Gaps are 0.25 + Exp(mean 0.75)
/// (one event per unit of time on average): never so short that float32 times 10^6 units in
/// would round onto each other.
tpp::EventSequence poisson_events(const tpp::PointProcessModel& model, std::int64_t count,
                                  double start_time, std::uint64_t seed) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed * 1'000'003 + count);
  const auto gaps = 0.25 - 0.75 * at::log1p(-at::rand({1, count}, generator, at::kDouble));
  const auto times = (start_time + gaps.cumsum(1)).to(model.tensor_options());
  const auto marks = at::randint(model.marks(), {1, count}, generator, at::kLong)
                         .to(model.tensor_options().device());
  return {times, marks};
}

/// How memory and update time grow with N at large N, as powers: CMHP 0 and 0 (constant
/// state); THP 1 (the history, and its fused causal attention keeps no N x N scores) and 2 (it
/// attends over every pair of events).
std::pair<double, double> growth_of(const std::string& model) {
  return model == "thp" ? std::pair{1.0, 2.0} : std::pair{0.0, 0.0};
}

std::optional<double> predict(const std::vector<std::pair<std::int64_t, double>>& measured,
                              std::int64_t n, double min_exponent) {
  if (measured.size() < 2) return std::nullopt;
  const auto& [n0, v0] = measured[measured.size() - 2];
  const auto& [n1, v1] = measured.back();
  return extrapolate_peak(n0, v0, n1, v1, n, min_exponent);
}

std::string gib_text(double bytes) {
  char text[48];
  std::snprintf(text, sizeof text, "%.1f GiB", bytes / static_cast<double>(std::int64_t{1} << 30));
  return text;
}

void validate(const TppBenchOptions& options) {
  if (options.models.empty()) throw util::InvalidArgument("--models: at least one model");
  for (const auto& name : options.models) {
    if (!is_point_process_bench_model(name)) {
      throw util::InvalidArgument("--models " + name + ": not a point-process model (cmhp, thp)");
    }
  }
  for (const auto n : options.lengths) {
    if (n < 1) {
      throw util::InvalidArgument("--n: history lengths must be positive, got " +
                                  std::to_string(n));
    }
  }
}

/// One model over every length: measured in turn until one is predicted too large or too slow.
void bench_model(const std::string& name, std::vector<std::int64_t> lengths,
                 const TppBenchOptions& options,
                 const std::function<void(const SweepRow&)>& report) {
  const auto cancelled = [&] { return options.cancelled && options.cancelled(); };
  TppProbe probe(name, options);
  const auto [memory_growth, update_growth] = growth_of(name);
  std::vector<std::pair<std::int64_t, double>> memory, update, condition;
  const auto remember = [&](const SweepRow& row) {
    memory.emplace_back(row.n, static_cast<double>(row.peak_bytes));
    update.emplace_back(row.n, row.update_us);
    condition.emplace_back(row.n, row.condition_s);
  };
  if (!lengths.empty() && lengths.front() > kCalibrationLengths.back()) {
    for (const auto n : kCalibrationLengths) {
      if (cancelled()) return;
      try {
        const auto row = probe.measure(n);
        if (row.model.empty()) return;
        remember(row);
      } catch (const std::exception&) {
        break;  // the requested lengths report the model's error themselves
      }
    }
  }
  bool skipping = false;
  for (const auto n : lengths) {
    if (cancelled()) return;
    SweepRow row{name, n, RunStatus::Ok, 0, 0, {}};
    const auto memory_at = predict(memory, n, memory_growth);
    const auto update_at = predict(update, n, update_growth);
    const auto condition_at = predict(condition, n, 1.0);
    if (memory_at && update_at && condition_at) {
      std::string why;
      if (skipping) {
        why = "predicted: a shorter history was already predicted too large or too slow";
      } else if (*memory_at > options.cap_bytes) {
        why = "predicted " + gib_text(*memory_at) + ", over the " + gib_text(options.cap_bytes) +
              " memory cap";
      } else if (std::max(*update_at / 1e6, *condition_at) > options.max_run_seconds) {
        why = "predicted to take longer than the run-time limit";
      }
      if (!why.empty()) {
        skipping = true;
        row.status = RunStatus::Skipped;
        row.peak_bytes = static_cast<std::int64_t>(*memory_at);
        row.update_us = *update_at;
        row.condition_s = *condition_at;
        row.error = why;
        report(row);
        continue;
      }
    }
    try {
      const auto measured = probe.measure(n);
      if (measured.model.empty()) return;
      row = measured;
      remember(row);
    } catch (const std::exception& error) {
      row.status = RunStatus::Failed;
      row.error = error_message(error);
    }
    report(row);
  }
}

double ratio(double to, double from) {
  return from > 0 ? to / from : std::nan("");
}

}  // namespace

const std::vector<std::int64_t>& full_history_lengths() {
  static const std::vector<std::int64_t> lengths{100, 1'000, 10'000, 100'000};
  return lengths;
}

const std::vector<std::int64_t>& quick_history_lengths() {
  static const std::vector<std::int64_t> lengths{100, 1'000};
  return lengths;
}

bool is_point_process_bench_model(const std::string& name) {
  return tpp::is_point_process_name(name);
}

TppProbe::TppProbe(const std::string& name, const TppBenchOptions& options) : options_(options) {
  torch::manual_seed(options.seed);
  model_ = tpp::make_point_process(tpp::default_point_process_config(name));
  model_->to(options.device);
  model_->eval();
}

TppProbe::~TppProbe() = default;

SweepRow TppProbe::measure(std::int64_t n) {
  const c10::InferenceMode inference;
  const auto cancelled = [&] { return options_.cancelled && options_.cancelled(); };
  // Inputs are made before any measurement: the probe counts only the model's work.
  const auto history = poisson_events(*model_, n, 0.0, options_.seed);
  const double last = history.times.select(1, n - 1).item<double>();
  const auto next = poisson_events(*model_, 1, last, options_.seed + 1);
  util::synchronize(options_.device);

  SweepRow row{model_->name(), n, RunStatus::Ok, 0, 0, {}};
  const auto conditioning = Clock::now();
  const auto state = model_->condition(history);
  util::synchronize(options_.device);
  row.condition_s = seconds_since(conditioning);
  row.state_bytes = state->bytes();

  const auto take_one_event = [&] {
    const auto updated = state->clone();
    model_->update(*updated, next);
    const auto prediction = model_->predict(*updated);
    util::synchronize(options_.device);
  };
  // The first run is the warm-up and the memory measurement: the state is held throughout.
  const auto warm_up = Clock::now();
  {
    const PeakMemoryScope scope(options_.device);
    take_one_event();
    row.peak_bytes = row.state_bytes + scope.peak_bytes();
  }
  const double warm_up_seconds = seconds_since(warm_up);
  if (cancelled()) return {};
  // A run slower than the whole budget is timed once: the warm-up is the measurement.
  if (warm_up_seconds > options_.update_budget_seconds) {
    row.update_us = warm_up_seconds * 1e6;
    return row;
  }
  std::vector<double> micros;
  const auto timing = Clock::now();
  while (static_cast<int>(micros.size()) < std::max(options_.repeats, 1)) {
    if (cancelled()) return {};
    const auto before = Clock::now();
    take_one_event();
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - before).count());
    if (seconds_since(timing) + warm_up_seconds > options_.update_budget_seconds) break;
  }
  row.update_us = median(std::move(micros));
  return row;
}

std::vector<SweepRow> run_tpp_bench(const TppBenchOptions& options,
                                    const std::function<void(const SweepRow&)>& on_row) {
  validate(options);
  install_cpu_memory_probe();
  auto lengths = options.lengths;
  std::sort(lengths.begin(), lengths.end());
  lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
  std::vector<SweepRow> rows;
  const auto report = [&](const SweepRow& row) {
    rows.push_back(row);
    if (on_row) on_row(row);
  };
  for (const auto& name : options.models) {
    if (options.cancelled && options.cancelled()) break;
    bench_model(name, lengths, options, report);
  }
  return rows;
}

std::vector<TppGrowth> tpp_growth(const std::vector<SweepRow>& rows) {
  std::vector<TppGrowth> growth;
  std::vector<std::string> models;
  for (const auto& row : rows) {
    if (std::find(models.begin(), models.end(), row.model) == models.end()) {
      models.push_back(row.model);
    }
  }
  for (const auto& model : models) {
    const SweepRow *first = nullptr, *last = nullptr, *last_predicted = nullptr;
    for (const auto& row : rows) {
      if (row.model != model) continue;
      if (row.status == RunStatus::Ok) {
        if (!first || row.n < first->n) first = &row;
        if (!last || row.n > last->n) last = &row;
      } else if (row.status == RunStatus::Skipped) {
        if (!last_predicted || row.n > last_predicted->n) last_predicted = &row;
      }
    }
    if (!first || first == last) continue;
    TppGrowth entry{model, first->n, last->n, ratio(last->update_us, first->update_us),
                    ratio(static_cast<double>(last->peak_bytes), first->peak_bytes),
                    ratio(static_cast<double>(last->state_bytes), first->state_bytes)};
    if (last_predicted && last_predicted->n > last->n) {
      entry.predicted_to_n = last_predicted->n;
      entry.predicted_update_ratio = ratio(last_predicted->update_us, first->update_us);
      entry.predicted_peak_ratio =
          ratio(static_cast<double>(last_predicted->peak_bytes), first->peak_bytes);
    }
    growth.push_back(entry);
  }
  return growth;
}

}  // namespace nplab::bench
