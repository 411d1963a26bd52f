#pragma once
// `nplab-cli bench cmab`: per context size N, the peak bytes of conditioning one CMAB in chunks
// and the median time of one update with `new_points` points (streaming merge + the block's
// recomputed output latents).

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "nplab/bench/results.h"

namespace nplab::bench {

struct CmabBenchOptions {
  std::vector<int64_t> sizes{100, 1000, 10000, 100000};
  int64_t new_points = 1;
  int64_t chunk_size = 256;
  int repeats = 51;
  uint64_t seed = 0;
  c10::Device device{c10::kCPU};
};

/// Runs the sweep; `on_row` (optional) sees each row as it completes.
std::vector<CmabBenchRow> run_cmab_bench(
    const CmabBenchOptions& options, const std::function<void(const CmabBenchRow&)>& on_row = {});

}  // namespace nplab::bench
