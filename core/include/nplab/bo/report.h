#pragma once
// What a Bayesian-optimisation benchmark reports: per-run step records, their CSV, and the mean ±
// standard error of the simple regret over seeds at chosen steps.
//
// CSV columns: surrogate,function,acquisition,seed,step,x,y,simple_regret,cumulative_regret,
// step_ms, a row per step (step 1 is the first query after the starting points).

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "nplab/bo/loop.h"

namespace nplab::bo {

inline constexpr const char* kCsvHeader =
    "surrogate,function,acquisition,seed,step,x,y,simple_regret,cumulative_regret,step_ms";

struct RunRecord {
  std::string surrogate;
  std::string function;
  std::string acquisition;
  uint64_t seed = 0;
  std::vector<StepRecord> steps;
};

struct MeanSE {
  double mean = 0.0;
  double se = 0.0;  ///< standard error of the mean (sample std / √n); 0 for one run
  int64_t count = 0;
};

/// Mean ± s.e. over `runs` of a value; util::InvalidArgument when `values` is empty.
MeanSE mean_and_se(const std::vector<double>& values);

/// The simple regret at `step` (1-based) over the runs whose surrogate is `surrogate`.
/// util::InvalidArgument when a run has fewer steps or none matches.
MeanSE simple_regret_at(const std::vector<RunRecord>& runs, const std::string& surrogate,
                        int64_t step);
/// Mean wall time of a step, in milliseconds, over every step of those runs.
MeanSE step_milliseconds(const std::vector<RunRecord>& runs, const std::string& surrogate);

/// The steps a table reports: 10, 20 and 30 where the runs are that long, and the last step.
std::vector<int64_t> report_steps(int64_t steps);

void write_csv(std::ostream& out, const std::vector<RunRecord>& runs);

}  // namespace nplab::bo
