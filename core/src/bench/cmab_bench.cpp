#include "nplab/bench/cmab_bench.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "nplab/attention/cmab.h"
#include "nplab/bench/memory_probe.h"
#include "nplab/bench/timing.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"

namespace nplab::bench {

std::vector<CmabBenchRow> run_cmab_bench(const CmabBenchOptions& options,
                                         const std::function<void(const CmabBenchRow&)>& on_row) {
  if (options.new_points < 1) throw util::InvalidArgument("--new: must be at least 1");
  for (const auto n : options.sizes) {
    if (n < 1) throw util::InvalidArgument("--n: sizes must be positive, got " + std::to_string(n));
  }
  install_cpu_memory_probe();
  const c10::InferenceMode inference;
  torch::manual_seed(options.seed);
  attention::CMAB block{attention::CMABOptions{}};
  block->to(options.device);
  block->eval();
  const auto float_options = at::TensorOptions().device(options.device).dtype(at::kFloat);
  const auto input_latents =
      at::randn({1, block->options().latents, block->options().dim}, float_options);
  const auto new_context =
      at::randn({1, options.new_points, block->options().context_dim}, float_options);

  std::vector<CmabBenchRow> rows;
  for (const auto n : options.sizes) {
    const auto context = at::randn({1, n, block->options().context_dim}, float_options);
    CmabBenchRow row;
    row.n = n;
    attention::CMABState state;
    {
      const PeakMemoryScope scope(options.device);
      state = block->condition(context, options.chunk_size);
      util::synchronize(options.device);
      row.condition_peak_bytes = scope.peak_bytes();
    }
    row.state_bytes = state.bytes();
    const auto base_state = state;
    row.update_us = median_microseconds(
        [&] {
          // Each timed update starts from the N-point state, so N stays what the row says.
          state = base_state;
          block->update(state, new_context, options.chunk_size);
          const auto latents = block->output(state, input_latents);
        },
        TimingOptions{5, options.repeats}, [&] { util::synchronize(options.device); });
    rows.push_back(row);
    if (on_row) on_row(row);
  }
  return rows;
}

}  // namespace nplab::bench
