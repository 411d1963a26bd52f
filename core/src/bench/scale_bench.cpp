#include "nplab/bench/scale_bench.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "nplab/attention/kernel_attention.h"
#include "nplab/bench/memory_probe.h"
#include "nplab/bench/model_bench.h"
#include "nplab/bench/timing.h"
#include "nplab/models/cmanp.h"
#include "nplab/models/cmanp_graph.h"
#include "nplab/models/registry.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"

namespace nplab::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Function-like points on the model's input domain, made on the CPU (outside any measurement).
std::pair<at::Tensor, at::Tensor> function_points(int64_t count, int64_t dim_x, int64_t dim_y,
                                                  at::Generator& generator) {
  const auto x = at::rand({1, count, dim_x}, generator) * 4 - 2;
  const auto y = at::sin(3 * x.sum(-1, true)).expand({1, count, dim_y}) +
                 0.1 * at::randn({1, count, dim_y}, generator);
  return {x, y.contiguous()};
}

// Predicted peak at `n` from the last two measured sizes, or 0 with fewer than two.
double predicted_peak(const std::vector<std::pair<int64_t, double>>& measured, int64_t n) {
  if (measured.size() < 2) return 0;
  const auto& [n0, b0] = measured[measured.size() - 2];
  const auto& [n1, b1] = measured.back();
  return extrapolate_peak(n0, b0, n1, b1, n);
}

}  // namespace

std::vector<ScaleRow> run_scale_bench(const ScaleBenchOptions& options,
                                      const std::function<void(const ScaleRow&)>& on_row) {
  if (options.targets < 1) throw util::InvalidArgument("--targets: must be positive");
  if (options.repeats < 1) throw util::InvalidArgument("--repeats: must be positive");
  for (const auto n : options.sizes) {
    if (n < 1) throw util::InvalidArgument("--n: sizes must be positive, got " + std::to_string(n));
  }
  install_cpu_memory_probe();
  const c10::InferenceMode inference;
  torch::manual_seed(options.seed);
  const auto model = models::make_model(models::default_config(options.model));
  model->to(options.device);
  model->eval();
  const auto dim_x = model->dims().dim_x, dim_y = model->dims().dim_y;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  const auto device = options.device;
  const auto sync = [&] { util::synchronize(device); };
  const TimingOptions timing{3, options.repeats};
  // The single-point edit replayed as one CUDA graph, beside the eager one (CMANP on CUDA only).
  // A failure there costs only that column, not the rest of the report.
  std::unique_ptr<models::CMANPGraphedUpdate> graphed_update;
  std::string graph_error;
  auto* const cmanp = dynamic_cast<models::CMANP*>(model.get());
  if (cmanp != nullptr && device.is_cuda() && models::cuda_graphs_compiled()) {
    try {
      graphed_update =
          std::make_unique<models::CMANPGraphedUpdate>(*cmanp, /*batch=*/1, /*new_points=*/1);
    } catch (const std::exception& error) {
      graph_error = std::string("CUDA graph capture failed: ") + error.what();
    }
  }

  auto sizes = options.sizes;
  std::sort(sizes.begin(), sizes.end());
  std::vector<std::pair<int64_t, double>> measured;
  std::vector<ScaleRow> rows;
  for (const auto n : sizes) {
    if (options.cancelled && options.cancelled()) break;
    ScaleRow row;
    row.model = options.model;
    row.n = n;
    row.targets = options.targets;
    row.graph_error = graph_error;
    const double predicted = predicted_peak(measured, n);
    if (predicted > options.cap_bytes) {
      row.condition_peak_bytes = static_cast<int64_t>(predicted);
      row.status = RunStatus::Skipped;
    } else {
      try {
        auto [xc, yc] = function_points(n, dim_x, dim_y, generator);
        auto [xn, yn] = function_points(1, dim_x, dim_y, generator);
        auto xt = at::linspace(-2, 2, options.targets).view({1, options.targets, 1});
        xt = xt.expand({1, options.targets, dim_x}).contiguous();
        xc = xc.to(device), yc = yc.to(device), xn = xn.to(device), yn = yn.to(device);
        xt = xt.to(device);
        sync();

        std::unique_ptr<models::ModelState> state;
        {
          const PeakMemoryScope scope(device);
          const auto start = Clock::now();
          state = model->condition(xc, yc);
          model->prepare(*state);
          sync();
          row.condition_seconds = seconds_since(start);
          row.condition_peak_bytes = scope.peak_bytes();
        }
        row.points_per_second = static_cast<double>(n) / row.condition_seconds;
        row.state_bytes = state->bytes();
        measured.emplace_back(n, static_cast<double>(row.condition_peak_bytes));

        row.update_us = median_microseconds(
            [&] {
              const auto edited = state->clone();
              model->update(*edited, xn, yn);
            },
            timing, sync);
        row.update_prepare_us = median_microseconds(
            [&] {
              const auto edited = state->clone();
              model->update(*edited, xn, yn);
              model->prepare(*edited);
            },
            timing, sync);
        if (graphed_update) {
          try {
            row.graph_update_prepare_us = median_microseconds(
                [&] {
                  const auto edited = state->clone();
                  graphed_update->update(dynamic_cast<models::CMANPState&>(*edited), xn, yn);
                },
                timing, sync);
          } catch (const std::exception& error) {
            row.graph_error = std::string("CUDA graph replay failed: ") + error.what();
          }
        }
        row.query_us = median_microseconds(
            [&] { const auto prediction = model->predict(*state, xt); }, timing, sync);
        row.update_query_us = median_microseconds(
            [&] {
              const auto edited = state->clone();
              model->update(*edited, xn, yn);
              const auto prediction = model->predict(*edited, xt);
            },
            timing, sync);
      } catch (const std::exception& error) {
        row.status = RunStatus::Failed;
        row.error = error_message(error);
      }
    }
    rows.push_back(row);
    if (on_row) on_row(row);
  }
  return rows;
}

std::vector<AttentionRow> run_attention_bench(
    const AttentionBenchOptions& options, const std::function<void(const AttentionRow&)>& on_row) {
  if (options.queries < 0)
    throw util::InvalidArgument("--queries: must be 0 (self-attention) or more");
  std::vector<attention::AttentionMode> modes;
  for (const auto& name : options.modes)
    modes.push_back(attention::attention_mode_from_string(name));
  install_cpu_memory_probe();
  const c10::InferenceMode inference;
  auto sizes = options.sizes;
  std::sort(sizes.begin(), sizes.end());
  std::vector<AttentionRow> rows;
  for (size_t m = 0; m < modes.size(); ++m) {
    torch::manual_seed(options.seed);
    attention::KernelAttentionOptions attention_options;
    attention_options.dim = options.dim;
    attention_options.mode = modes[m];
    attention_options.scan_chunk = options.scan_chunk;
    attention::KernelAttention attention(attention_options);
    attention->to(options.device);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    std::vector<std::pair<int64_t, double>> measured;
    for (const auto n : sizes) {
      const int64_t query_count = options.queries == 0 ? n : options.queries;
      AttentionRow row{options.modes[m], n, query_count, 0, 0, 0, RunStatus::Ok, {}};
      row.output_bytes = query_count * options.dim * static_cast<int64_t>(sizeof(float));
      const double predicted = predicted_peak(measured, n);
      if (predicted > options.cap_bytes) {
        row.peak_bytes = static_cast<int64_t>(predicted);
        row.status = RunStatus::Skipped;
      } else {
        try {
          const auto context = at::randn({1, n, options.dim}, generator).to(options.device);
          const auto xk = (at::rand({1, n, 1}, generator) * 4 - 2).to(options.device);
          const bool self = options.queries == 0;
          const auto queries =
              self ? context
                   : at::randn({1, query_count, options.dim}, generator).to(options.device);
          const auto xq =
              self ? xk : (at::rand({1, query_count, 1}, generator) * 4 - 2).to(options.device);
          util::synchronize(options.device);
          const PeakMemoryScope scope(options.device);
          const auto start = Clock::now();
          {
            const auto output = attention(queries, xq, context, xk);
            util::synchronize(options.device);
          }
          row.seconds = seconds_since(start);
          row.peak_bytes = scope.peak_bytes();
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

}  // namespace nplab::bench
