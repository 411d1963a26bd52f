#pragma once
// `nplab-cli bench stream`: a million points and beyond into one model, a chunk at a time, from a
// generator (noisy samples of a fixed function) or a CSV read incrementally (never loaded
// whole). Reports throughput, the process's resident memory, the state's bytes and the update
// time as the stream grows; for CMANP the final prediction is checked against one conditioning
// on the same points. A model whose prediction memory grows (LBANP, TNP-D) is stopped, with the
// reason, before its next prediction is predicted to pass the memory cap.

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nplab::bench {

struct StreamBenchOptions {
  std::string model = "cmanp";  ///< registry name, used when `checkpoint` is empty
  std::string checkpoint;       ///< a trained model (.pt) instead
  int64_t points = 1'000'000;   ///< the generator's length (a CSV ends where the file does)
  int64_t chunk = 1000;         ///< points per update
  std::string csv;              ///< x,y rows (a header line is allowed); empty: the generator
  double noise = 0.1;
  uint64_t seed = 0;
  int64_t predict_every =
      100'000;  ///< points between predictions (and samples); 0: only at the end
  int64_t targets = 400;
  double cap_bytes = 8.0 * (int64_t{1} << 30);
  bool verify = true;  ///< compare the final prediction with one conditioning on every point
  c10::Device device{c10::kCPU};
};

struct StreamSample {
  int64_t n = 0;
  int64_t resident_bytes = 0;       ///< the process's RSS now
  int64_t peak_resident_bytes = 0;  ///< the process's peak RSS so far (VmHWM)
  int64_t state_bytes = 0;
  double update_us = 0;            ///< median update (one chunk) since the last sample
  int64_t predict_peak_bytes = 0;  ///< LibTorch's peak during the prediction at this sample
  double points_per_second = 0;    ///< since the start, updates and predictions included
};

struct StreamBenchResult {
  std::string model;
  std::vector<StreamSample> samples;
  int64_t points = 0;
  double seconds = 0;
  /// The process's peak RSS when the stream had reached 10,000 points, and at its end.
  int64_t peak_resident_at_1e4 = 0;
  int64_t peak_resident_at_end = 0;
  /// Largest |difference| of the final mean and std against conditioning on every point at once.
  std::optional<double> max_abs_difference;
  std::string stopped;  ///< why the stream stopped before its end, or ""
};

/// Runs the stream. Bad options and a malformed CSV (named file:line) throw InvalidArgument.
StreamBenchResult run_stream_bench(const StreamBenchOptions& options,
                                   const std::function<void(const StreamSample&)>& on_sample = {});

/// The process's resident set now and its peak (Linux /proc/self/status; 0 where unknown).
int64_t process_resident_bytes();
int64_t process_peak_resident_bytes();

}  // namespace nplab::bench
