#pragma once
// How many context and target points a batch of tasks gets (DESIGN.md §5): one draw per batch,
// shared by every task in it.
//
//   N_ctx ~ U{min_context, max_points - min_target}
//   N_tar ~ U{min_target, max_points - N_ctx}          (both bounds inclusive)
//
// The reference samplers (TNP-pytorch `GPSampler.sample`, `img_to_task`) draw with
// torch.randint(low, high), whose `high` is exclusive, so they never reach max_points in total;
// DESIGN.md writes the bounds inclusively and we follow DESIGN.md. The difference is one point
// at the top of each range.

#include <ATen/core/Generator.h>

#include <cstdint>

namespace nplab::data {

struct TaskCountOptions {
  int64_t max_points = 50;  ///< N_ctx + N_tar never exceeds this
  int64_t min_context = 3;
  int64_t min_target = 3;

  /// Throws InvalidArgument unless 0 <= min_context, 1 <= min_target and
  /// min_context + min_target <= max_points.
  void validate() const;
};

struct TaskCounts {
  int64_t context = 0;
  int64_t target = 0;
  int64_t total() const { return context + target; }
};

/// One draw of (N_ctx, N_tar) from `generator` (a CPU generator).
TaskCounts sample_task_counts(const TaskCountOptions& options, at::Generator& generator);

/// Uniform integer in [low, high], both inclusive, from a CPU generator.
int64_t uniform_int(int64_t low, int64_t high, at::Generator& generator);

}  // namespace nplab::data
