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

#include "nplab/bench/results.h"

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

/// Peak memory and time of one KernelAttention call: `queries` tokens (or all N) attend to N
/// context tokens.
std::vector<AttentionRow> run_attention_bench(
    const AttentionBenchOptions& options,
    const std::function<void(const AttentionRow&)>& on_row = {});

}  // namespace nplab::bench
