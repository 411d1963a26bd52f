#include "nplab/bench/model_bench.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "nplab/bench/memory_probe.h"
#include "nplab/bench/timing.h"
#include "nplab/models/registry.h"
#include "nplab/runtime.h"
#include "nplab/util/checks.h"

namespace nplab::bench {
namespace {

struct Points {
  at::Tensor x, y;
};

// Function-like data on the model's input domain: x ~ U(-2, 2)^dim_x, y = sin-ish of x + noise.
// Drawn on the CPU (the generator is a CPU one, so every device sees the same points), then moved.
Points random_points(const NeuralProcess& model, int64_t count, at::Generator& generator) {
  const auto options = model.tensor_options();
  const auto x = at::rand({1, count, model.dims().dim_x}, generator) * 4 - 2;
  auto y = at::sin(3 * x.sum(-1, true)).expand({1, count, model.dims().dim_y}).contiguous();
  y = y + 0.1 * at::randn({1, count, model.dims().dim_y}, generator);
  return {x.to(options), y.to(options)};
}

std::shared_ptr<NeuralProcess> make_bench_model(const std::string& name,
                                                const ModelBenchOptions& options) {
  torch::manual_seed(options.seed);
  auto model = make_model(default_config(name));
  model->to(options.device);
  model->eval();
  return model;
}

void validate(const ModelBenchOptions& options) {
  if (options.models.empty()) throw InvalidArgument("--models: at least one model");
  for (const auto n : options.sizes) {
    if (n < 1) throw InvalidArgument("--n: sizes must be positive, got " + std::to_string(n));
  }
  if (options.targets < 1) throw InvalidArgument("--targets: must be positive");
  if (options.new_points < 1) throw InvalidArgument("--new: must be positive");
  for (const auto& name : options.models) default_config(name);  // unknown names fail early
}

}  // namespace

std::string error_status(const std::exception& error) {
  std::string message = error.what();
  message = message.substr(0, message.find('\n'));
  std::replace(message.begin(), message.end(), ',', ';');  // keep the CSV well-formed
  return "error: " + message;
}

double extrapolate_peak(int64_t n0, double bytes0, int64_t n1, double bytes1, int64_t n) {
  if (n1 == n0 || bytes0 <= 0 || bytes1 <= 0) return bytes1;
  const double exponent = std::log(bytes1 / bytes0) / std::log(static_cast<double>(n1) / n0);
  return bytes1 * std::pow(static_cast<double>(n) / n1, std::max(exponent, 0.0));
}

std::vector<MemoryRow> run_memory_bench(const ModelBenchOptions& options,
                                        const std::function<void(const MemoryRow&)>& on_row) {
  validate(options);
  install_cpu_memory_probe();
  const c10::InferenceMode inference;
  auto sizes = options.sizes;
  std::sort(sizes.begin(), sizes.end());
  std::vector<MemoryRow> rows;
  for (const auto& name : options.models) {
    auto model = make_bench_model(name, options);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    std::vector<std::pair<int64_t, double>> measured;
    for (const auto n : sizes) {
      if (options.cancelled && options.cancelled()) return rows;
      MemoryRow row{name, n, options.targets, 0, "ok"};
      if (measured.size() >= 2) {
        const auto& [n0, b0] = measured[measured.size() - 2];
        const auto& [n1, b1] = measured.back();
        const double predicted = extrapolate_peak(n0, b0, n1, b1, n);
        if (predicted > options.cap_bytes) {
          row.peak_bytes = static_cast<int64_t>(predicted);
          row.status = "skipped";
        }
      }
      if (row.status == "ok") {
        try {
          // Inputs are made on the CPU, then moved: the probe counts only the model's work.
          auto context = random_points(*model, n, generator);
          auto targets = random_points(*model, options.targets, generator);
          context = {context.x.to(options.device), context.y.to(options.device)};
          const auto xt = targets.x.to(options.device);
          synchronize(options.device);
          const PeakMemoryScope scope(options.device);
          {
            const auto state = model->condition(context.x, context.y);
            const auto prediction = model->predict(*state, xt);
            synchronize(options.device);
          }
          row.peak_bytes = scope.peak_bytes();
          measured.emplace_back(n, static_cast<double>(row.peak_bytes));
        } catch (const std::exception& error) {
          row.status = error_status(error);
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
  const c10::InferenceMode inference;
  std::vector<UpdateRow> rows;
  for (const auto& name : options.models) {
    auto model = make_bench_model(name, options);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    for (const auto n : options.sizes) {
      if (options.cancelled && options.cancelled()) return rows;
      UpdateRow row{name, n, options.new_points, 0.0, "ok"};
      try {
        const auto context = random_points(*model, n, generator);
        const auto fresh = random_points(*model, options.new_points, generator);
        const auto xn = fresh.x.to(options.device), yn = fresh.y.to(options.device);
        const auto probe = fresh.x.narrow(1, 0, 1).to(options.device);
        const auto base = model->condition(context.x.to(options.device),
                                           context.y.to(options.device));
        // Update, then predict one target: models that recompute lazily pay for it here too.
        row.update_us = median_microseconds(
            [&] {
              const auto state = base->clone();
              model->update(*state, xn, yn);
              const auto prediction = model->predict(*state, probe);
            },
            TimingOptions{3, options.repeats}, [&] { synchronize(options.device); });
      } catch (const std::exception& error) {
        row.status = error_status(error);
      }
      rows.push_back(row);
      if (on_row) on_row(row);
    }
  }
  return rows;
}

}  // namespace nplab::bench
