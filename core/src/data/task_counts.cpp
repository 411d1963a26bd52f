#include "nplab/data/task_counts.h"

#include <ATen/ATen.h>

#include <string>

#include "nplab/util/checks.h"

namespace nplab::data {

void TaskCountOptions::validate() const {
  if (min_context < 0 || min_target < 1 || min_context + min_target > max_points) {
    throw util::InvalidArgument(
        "task counts: need 0 <= min_context, 1 <= min_target and min_context + "
        "min_target <= max_points, got min_context " +
        std::to_string(min_context) + ", min_target " + std::to_string(min_target) +
        ", max_points " + std::to_string(max_points));
  }
}

int64_t uniform_int(int64_t low, int64_t high, at::Generator& generator) {
  if (low > high) {
    throw util::InvalidArgument("uniform_int: low " + std::to_string(low) + " > high " +
                                std::to_string(high));
  }
  // torch's randint excludes `high`; the bounds here are inclusive.
  return at::randint(low, high + 1, {1}, generator, at::kLong).item<int64_t>();
}

TaskCounts sample_task_counts(const TaskCountOptions& options, at::Generator& generator) {
  options.validate();
  TaskCounts counts;
  counts.context =
      uniform_int(options.min_context, options.max_points - options.min_target, generator);
  counts.target = uniform_int(options.min_target, options.max_points - counts.context, generator);
  return counts;
}

}  // namespace nplab::data
