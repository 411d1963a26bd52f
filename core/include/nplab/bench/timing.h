#pragma once
// Latency measurement: median of repeated runs after warm-up (DESIGN.md §6).

#include <chrono>
#include <functional>
#include <vector>

namespace nplab::bench {

struct TimingOptions {
  int warmup = 3;
  int repeats = 21;
};

/// Runs `work` warmup + repeats times (calling `synchronize` after each run, e.g. a CUDA sync)
/// and returns the median wall time of the timed runs in microseconds.
double median_microseconds(const std::function<void()>& work, const TimingOptions& options = {},
                           const std::function<void()>& synchronize = {});

/// Median of a sample (the upper median for an even count); 0 for an empty sample.
double median(std::vector<double> values);

}  // namespace nplab::bench
