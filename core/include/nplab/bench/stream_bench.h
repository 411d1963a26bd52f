#pragma once
// `nplab-cli bench stream`: a million points and beyond into one model, a chunk at a time, from a
// generator (noisy samples of a fixed function) or a CSV read incrementally (never loaded
// whole). Reports throughput, the process's resident memory, the state's bytes and the update
// time as the stream grows; for CMANP the final prediction is checked against one conditioning
// on the same points. A model whose prediction memory grows (LBANP, TNP-D) is stopped, with the
// reason, before its next prediction is predicted to pass the memory cap.
//
// For a live view (the app's Stream… runs it as `nplab-cli bench stream --jsonl`) it can also
// sample on a clock, throttle to a rate, sample a fixed number of the points for drawing, skip
// and report bad CSV rows, and take the time a parent held the process stopped off its clock.

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

  /// The generator's function as a table: y = f(x) + noise, x uniform over the grid's span and f
  /// linear between grid points (so a plot of the table is exactly the function sampled). Empty:
  /// a fixed smooth function on [-2, 2].
  std::vector<double> truth_grid, truth_values;
  /// At most this many points per second (generator and CSV alike); 0: as fast as the model takes
  /// them. Updates then carry what arrives in 1/20 s.
  double rate = 0;
  /// Also sample once this many seconds have passed since the last sample; 0: by N only.
  double sample_every_seconds = 0;
  /// Keep a uniform sample of this many streamed points (reservoir sampling) to draw; each sample
  /// reports the slots that changed since the last.
  int64_t reservoir = 0;
  /// When set, a malformed or non-finite CSV row is reported here ("file:line", what is wrong)
  /// and skipped; when not, it ends the stream with InvalidArgument.
  std::function<void(const std::string& where, const std::string& problem)> on_bad_row;
  /// Seconds the process has been held stopped so far (a parent pausing it with SIGSTOP): taken
  /// off the clock, so that points/s and the rate count running time only.
  std::function<double()> paused_seconds;
  /// Stop, with the reason, once the median update since the last sample takes longer than this
  /// (a model whose update grows with N, LBANP's and TNP-D's); 0: no limit.
  double max_update_seconds = 0;
  /// Called once the model is loaded, with its registry name, before the first point.
  std::function<void(const std::string& model)> on_ready;
  /// Keep every sample in StreamBenchResult::samples (an endless live stream need not).
  bool keep_samples = true;
};

/// One slot of the reservoir of drawn points, newly filled.
struct StreamPoint {
  int64_t slot = 0;
  float x = 0, y = 0;
};

struct StreamSample {
  int64_t n = 0;
  int64_t resident_bytes = 0;       ///< the process's RSS now
  int64_t peak_resident_bytes = 0;  ///< the process's peak RSS so far (VmHWM)
  int64_t state_bytes = 0;
  double update_us = 0;            ///< median update (one chunk) since the last sample
  int64_t predict_peak_bytes = 0;  ///< LibTorch's peak during the prediction at this sample
  double points_per_second = 0;    ///< since the start, updates and predictions included
  double recent_points_per_second = 0;  ///< since the last sample
  double seconds = 0;                   ///< since the start, pauses excluded
  int64_t bad_rows = 0;                 ///< CSV rows skipped so far (see on_bad_row)
  /// The prediction at the targets and the reservoir's changes since the last sample; passed to
  /// on_sample, not kept in StreamBenchResult::samples.
  std::vector<float> mean, stddev;
  std::vector<StreamPoint> new_points;
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
  int64_t bad_rows = 0;
};

/// The most points one update takes: the chunk, or what arrives in one tick at the rate.
int64_t update_chunk(const StreamBenchOptions& options);

/// The targets of every prediction: `count` points evenly over [-2, 2], the Functions view's x.
std::vector<double> stream_targets(int64_t count);

/// Runs the stream. Bad options and a malformed CSV (named file:line) throw InvalidArgument.
StreamBenchResult run_stream_bench(const StreamBenchOptions& options,
                                   const std::function<void(const StreamSample&)>& on_sample = {});

/// The process's resident set now and its peak (Linux /proc/self/status; 0 where unknown).
int64_t process_resident_bytes();
int64_t process_peak_resident_bytes();

}  // namespace nplab::bench
