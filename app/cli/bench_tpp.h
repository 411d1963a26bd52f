#pragma once
// The point-process models (cmhp, thp) in `nplab-cli bench update` and `bench memory`: one new
// event's cost as the history grows (nplab/bench/tpp_bench.h), in the same CSV schemas as the NP
// rows, and the ratios from the shortest to the longest history at the end of the run.

#include <cstdint>
#include <string>
#include <vector>

#include "nplab/bench/bench_csv.h"

namespace nplab::cli {

struct TppBenchRequest {
  std::vector<std::string> models;  ///< cmhp and/or thp
  std::vector<std::int64_t> lengths;  ///< history lengths in events
  int repeats = 21;
  double budget_seconds = 2.0;  ///< timed updates per length stop after this long
  double cap_gib = 8.0;
  std::string device = "auto";
  bool csv = false;
  bool header = true;  ///< CSV: write the header line (false when NP rows came first)
};

/// Moves the point-process names out of `models` and returns them, in order.
std::vector<std::string> take_point_process_models(std::vector<std::string>& models);

/// Runs the benchmark and prints its rows in `kind`'s form (CsvKind::Update or CsvKind::Memory),
/// then one line of ratios per model (on stderr with --csv, so that stdout stays a CSV).
void run_tpp_bench(const TppBenchRequest& request, bench::CsvKind kind);

}  // namespace nplab::cli
