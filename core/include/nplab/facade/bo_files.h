#pragma once
// The CSV that `nplab-cli bo --csv` writes, read back for `nplab --plot`: the simple regret of
// every surrogate averaged over the seeds at each step. Plain types (no LibTorch).

#include <string>
#include <vector>

#include "nplab/facade/explorer.h"

namespace nplab::facade {

/// One surrogate's simple regret per step: mean and standard error over its runs (seeds).
struct RegretCurve {
  std::string surrogate;
  std::vector<int> steps;
  std::vector<double> mean;
  std::vector<double> se;
  int runs = 0;
};

struct RegretCurves {
  std::string function;     ///< the objective ("gp-rbf"), or "several" when the file mixes them
  std::string acquisition;  ///< likewise
  std::vector<RegretCurve> curves;  ///< in the order the file first names each surrogate
};

/// Whether the file's first line is the bo CSV header.
bool is_bo_csv(const std::string& path);

/// The curves of a bo CSV, or why the file is not one: "bo.csv:3: ..." (name and line).
Outcome<RegretCurves> load_bo_csv(const std::string& path);

}  // namespace nplab::facade
