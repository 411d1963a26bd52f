#pragma once
// Benchmark CSV files for the UI (the schema: nplab/bench/bench_csv.h): `nplab --plot` reads
// every kind that `nplab-cli bench` writes, and the Memory view exports its sweep as one.

#include <string>
#include <vector>

#include "nplab/bench/bench_csv.h"
#include "nplab/facade/bench_sweep.h"
#include "nplab/facade/explorer.h"

namespace nplab::facade {

/// The rows of a benchmark CSV, or why the file is not one: "memory.csv:3: ..." (the file's name
/// and line), or the path and the system's reason when it cannot be opened.
Outcome<bench::BenchCsv> load_bench_csv(const std::string& path);

/// Writes `points` as a sweep CSV (a temporary file renamed over `path`). "" or the error.
std::string save_sweep_csv(const std::string& path, const std::vector<BenchPoint>& points);

}  // namespace nplab::facade
