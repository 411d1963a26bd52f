#include "nplab/bench/model_bench.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "nplab/bench/memory_probe.h"
#include "nplab/bench/timing.h"
#include "nplab/models/registry.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"

namespace nplab::bench {
namespace {

struct Points {
  at::Tensor x, y;
};

// Function-like data on the model's input domain: x ~ U(-2, 2)^dim_x, y = sin-ish of x + noise.
// Drawn on the CPU (the generator is a CPU one, so every device sees the same points), then moved.
Points random_points(const models::NeuralProcess& model, int64_t count, at::Generator& generator) {
  const auto options = model.tensor_options();
  const auto x = at::rand({1, count, model.dims().dim_x}, generator) * 4 - 2;
  auto y = at::sin(3 * x.sum(-1, true)).expand({1, count, model.dims().dim_y}).contiguous();
  y = y + 0.1 * at::randn({1, count, model.dims().dim_y}, generator);
  return {x.to(options), y.to(options)};
}

std::shared_ptr<models::NeuralProcess> make_bench_model(const std::string& name,
                                                        const ModelBenchOptions& options) {
  torch::manual_seed(options.seed);
  auto model = models::make_model(models::default_config(name));
  model->to(options.device);
  model->eval();
  return model;
}

void validate(const ModelBenchOptions& options) {
  if (options.models.empty()) throw util::InvalidArgument("--models: at least one model");
  for (const auto n : options.sizes) {
    if (n < 1) throw util::InvalidArgument("--n: sizes must be positive, got " + std::to_string(n));
  }
  if (options.targets < 1) throw util::InvalidArgument("--targets: must be positive");
  if (options.new_points < 1) throw util::InvalidArgument("--new: must be positive");
  for (const auto& name : options.models) models::default_config(name);  // unknown names fail early
}

}  // namespace

double extrapolate_peak(int64_t n0, double bytes0, int64_t n1, double bytes1, int64_t n,
                        double min_exponent) {
  if (n1 == n0 || bytes0 <= 0 || bytes1 <= 0) return bytes1;
  const double exponent = std::log(bytes1 / bytes0) / std::log(static_cast<double>(n1) / n0);
  return bytes1 * std::pow(static_cast<double>(n) / n1, std::max({exponent, min_exponent, 0.0}));
}

GrowthExponents growth_exponents(const std::string& model) {
  if (model == "cmanp") return {0.0, 0.0};
  if (model == "tnpd" || model == "tnpkr-full" || model == "tnpkr") return {2.0, 2.0};
  // Scan and deep-kernel attention keep memory linear; the context still attends to itself.
  if (model.starts_with("tnpkr")) return {1.0, 2.0};
  if (model == "cnp" || model.starts_with("lbanp")) return {1.0, 1.0};
  return {};
}

ModelProbe::ModelProbe(const std::string& name, const ModelBenchOptions& options)
    : options_(options),
      model_(make_bench_model(name, options)),
      generator_(at::make_generator<at::CPUGeneratorImpl>(options.seed)) {}

ModelProbe::~ModelProbe() = default;

ConditionMeasurement ModelProbe::condition_and_predict(int64_t n) {
  const c10::InferenceMode inference;
  // Inputs are made on the CPU, then moved: the probe counts only the model's work.
  auto context = random_points(*model_, n, generator_);
  const auto targets = random_points(*model_, options_.targets, generator_);
  util::synchronize(options_.device);
  ConditionMeasurement measurement;
  const auto start = std::chrono::steady_clock::now();
  const PeakMemoryScope scope(options_.device);
  {
    const auto state = model_->condition(context.x, context.y);
    const auto prediction = model_->predict(*state, targets.x);
    util::synchronize(options_.device);
    measurement.state_bytes = state->bytes();
  }
  measurement.peak_bytes = scope.peak_bytes();
  measurement.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return measurement;
}

double ModelProbe::update_microseconds(int64_t n, const TimingOptions& timing,
                                       double budget_seconds,
                                       const std::function<bool()>& cancelled) {
  const c10::InferenceMode inference;
  const auto context = random_points(*model_, n, generator_);
  const auto fresh = random_points(*model_, options_.new_points, generator_);
  const auto probe = fresh.x.narrow(1, 0, 1);
  const auto base = model_->condition(context.x, context.y);
  // Update, then predict one target: models that recompute lazily pay for it here too.
  const auto run_once = [&] {
    const auto state = base->clone();
    model_->update(*state, fresh.x, fresh.y);
    const auto prediction = model_->predict(*state, probe);
    util::synchronize(options_.device);
  };
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  for (int i = 0; i < timing.warmup; ++i) {
    if (cancelled && cancelled()) return 0.0;
    const auto before = Clock::now();
    run_once();
    // A run slower than the whole budget is timed once: the warm-up is the measurement.
    const double seconds = std::chrono::duration<double>(Clock::now() - before).count();
    if (seconds > budget_seconds) return seconds * 1e6;
  }
  std::vector<double> micros;
  while (static_cast<int>(micros.size()) < std::max(timing.repeats, 1)) {
    if (cancelled && cancelled()) return 0.0;
    const auto before = Clock::now();
    run_once();
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - before).count());
    if (std::chrono::duration<double>(Clock::now() - start).count() > budget_seconds) break;
  }
  return median(std::move(micros));
}

std::vector<MemoryRow> run_memory_bench(const ModelBenchOptions& options,
                                        const std::function<void(const MemoryRow&)>& on_row) {
  validate(options);
  install_cpu_memory_probe();
  auto sizes = options.sizes;
  std::sort(sizes.begin(), sizes.end());
  std::vector<MemoryRow> rows;
  for (const auto& name : options.models) {
    ModelProbe probe(name, options);
    std::vector<std::pair<int64_t, double>> measured;
    for (const auto n : sizes) {
      if (options.cancelled && options.cancelled()) return rows;
      MemoryRow row{name, n, options.targets, 0, RunStatus::Ok, {}};
      if (measured.size() >= 2) {
        const auto& [n0, b0] = measured[measured.size() - 2];
        const auto& [n1, b1] = measured.back();
        const double predicted = extrapolate_peak(n0, b0, n1, b1, n);
        if (predicted > options.cap_bytes) {
          row.peak_bytes = static_cast<int64_t>(predicted);
          row.status = RunStatus::Skipped;
        }
      }
      if (row.status == RunStatus::Ok) {
        try {
          row.peak_bytes = probe.condition_and_predict(n).peak_bytes;
          measured.emplace_back(n, static_cast<double>(row.peak_bytes));
        } catch (const std::exception& error) {
          row.status = RunStatus::Failed;
          row.error = error_message(error);
        }
      }
      rows.push_back(row);
      if (on_row) on_row(row);
    }
  }
  return rows;
}

std::vector<UpdateRow> run_update_bench(const ModelBenchOptions& options,
                                        const std::function<void(const UpdateRow&)>& on_row) {
  validate(options);
  std::vector<UpdateRow> rows;
  for (const auto& name : options.models) {
    ModelProbe probe(name, options);
    for (const auto n : options.sizes) {
      if (options.cancelled && options.cancelled()) return rows;
      UpdateRow row{name, n, options.new_points, 0.0, RunStatus::Ok, {}};
      try {
        row.update_us = probe.update_microseconds(n, TimingOptions{3, options.repeats});
      } catch (const std::exception& error) {
        row.status = RunStatus::Failed;
        row.error = error_message(error);
      }
      rows.push_back(row);
      if (on_row) on_row(row);
    }
  }
  return rows;
}

}  // namespace nplab::bench
