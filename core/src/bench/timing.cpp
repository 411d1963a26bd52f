#include "nplab/bench/timing.h"

#include <algorithm>

namespace nplab::bench {

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

double median_microseconds(const std::function<void()>& work, const TimingOptions& options,
                           const std::function<void()>& synchronize) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < options.warmup; ++i) {
    work();
    if (synchronize) synchronize();
  }
  std::vector<double> samples;
  samples.reserve(static_cast<size_t>(std::max(options.repeats, 0)));
  for (int i = 0; i < options.repeats; ++i) {
    const auto start = Clock::now();
    work();
    if (synchronize) synchronize();
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return median(std::move(samples));
}

}  // namespace nplab::bench
