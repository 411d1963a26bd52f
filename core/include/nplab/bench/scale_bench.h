#pragma once
// `nplab-cli bench scale`: how one model behaves as the context grows to millions of points —
// conditioning time, throughput and peak memory, the cost of a single-point edit, and the cost of
// querying a fixed target grid — and `bench attention`: the peak memory of TNP-KR's kernel
// attention (scan vs full) against context size.

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace nplab::bench {

struct ScaleBenchOptions {
  std::string model = "cmanp";
  std::vector<int64_t> sizes{100, 1'000, 10'000, 100'000, 1'000'000};
  int64_t targets = 400;
  int repeats = 51;
  /// Sizes whose conditioning peak is predicted (power law through the last two measured sizes)
  /// above this are skipped.
  double cap_bytes = 8.0 * (int64_t{1} << 30);
  uint64_t seed = 0;
  c10::Device device{c10::kCPU};
  std::function<bool()> cancelled;
};

struct ScaleRow {
  std::string model;
  int64_t n = 0;
  double condition_seconds = 0;       ///< condition(N) + prepare, wall time
  double points_per_second = 0;       ///< N / condition_seconds
  int64_t condition_peak_bytes = 0;   ///< peak LibTorch bytes of condition(N) + prepare
  double update_us = 0;               ///< median: update with one point (the state change only)
  double update_prepare_us = 0;       ///< median: update + prepare (deferred work included)
  /// median: the same update + prepare replayed as a CUDA graph (CMANP on a CUDA device in a
  /// build with CUDA); NaN where not measured.
  double graph_update_prepare_us = std::numeric_limits<double>::quiet_NaN();
  /// Why the CUDA graph could not be captured or replayed, where it was tried; else empty.
  std::string graph_error;
  int64_t targets = 0;
  double query_us = 0;                ///< median: predict(targets) from a prepared state
  double update_query_us = 0;         ///< median: update + predict(targets), an edit's full cost
  int64_t state_bytes = 0;            ///< ModelState::bytes() of the prepared N-point state
  std::string status;                 ///< "ok", "skipped" or "error: ..."
};

/// One row per N, smallest first. Each timed edit starts from a clone of the same N-point state.
std::vector<ScaleRow> run_scale_bench(const ScaleBenchOptions& options,
                                      const std::function<void(const ScaleRow&)>& on_row = {});

struct AttentionBenchOptions {
  std::vector<std::string> modes{"scan", "full"};
  std::vector<int64_t> sizes{1'000, 10'000, 100'000};
  /// Query tokens; 0 = self-attention (the N context tokens attend to themselves, as in TNP-KR's
  /// context encoding, where full attention is quadratic in N).
  int64_t queries = 64;
  int64_t dim = 64;
  int64_t scan_chunk = 1024;
  double cap_bytes = 8.0 * (int64_t{1} << 30);
  uint64_t seed = 0;
  c10::Device device{c10::kCPU};
};

struct AttentionRow {
  std::string mode;
  int64_t n = 0;
  int64_t queries = 0;
  int64_t peak_bytes = 0;    ///< bytes allocated during one call (inputs made before), or predicted
  int64_t output_bytes = 0;  ///< of which the output [1, queries, dim] itself
  double seconds = 0;
  std::string status;
};

/// Peak memory and time of one KernelAttention call: `queries` tokens (or all N) attend to N
/// context tokens.
std::vector<AttentionRow> run_attention_bench(
    const AttentionBenchOptions& options,
    const std::function<void(const AttentionRow&)>& on_row = {});

}  // namespace nplab::bench
