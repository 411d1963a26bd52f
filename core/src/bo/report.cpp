#include "nplab/bo/report.h"

#include <cmath>
#include <ostream>
#include <sstream>

#include "nplab/util/checks.h"

namespace nplab::bo {

MeanSE mean_and_se(const std::vector<double>& values) {
  if (values.empty()) throw util::InvalidArgument("mean_and_se: no values");
  MeanSE result;
  result.count = static_cast<int64_t>(values.size());
  double sum = 0.0;
  for (const double value : values) sum += value;
  result.mean = sum / static_cast<double>(result.count);
  if (result.count > 1) {
    double squares = 0.0;
    for (const double value : values) squares += (value - result.mean) * (value - result.mean);
    const double variance = squares / static_cast<double>(result.count - 1);
    result.se = std::sqrt(variance / static_cast<double>(result.count));
  }
  return result;
}

MeanSE simple_regret_at(const std::vector<RunRecord>& runs, const std::string& surrogate,
                        int64_t step) {
  std::vector<double> values;
  for (const auto& run : runs) {
    if (run.surrogate != surrogate) continue;
    if (step < 1 || step > static_cast<int64_t>(run.steps.size())) {
      throw util::InvalidArgument("simple_regret_at: step " + std::to_string(step) +
                                  " outside the " + std::to_string(run.steps.size()) +
                                  " steps of a " + surrogate + " run");
    }
    values.push_back(run.steps[static_cast<size_t>(step - 1)].simple_regret);
  }
  if (values.empty()) throw util::InvalidArgument("simple_regret_at: no run of " + surrogate);
  return mean_and_se(values);
}

MeanSE step_milliseconds(const std::vector<RunRecord>& runs, const std::string& surrogate) {
  std::vector<double> values;
  for (const auto& run : runs) {
    if (run.surrogate != surrogate) continue;
    for (const auto& step : run.steps) values.push_back(1e3 * step.seconds);
  }
  if (values.empty()) throw util::InvalidArgument("step_milliseconds: no run of " + surrogate);
  return mean_and_se(values);
}

std::vector<int64_t> report_steps(int64_t steps) {
  std::vector<int64_t> chosen;
  for (const int64_t step : {10, 20, 30}) {
    if (step <= steps) chosen.push_back(step);
  }
  if (chosen.empty() || chosen.back() != steps) chosen.push_back(steps);
  return chosen;
}

void write_csv(std::ostream& out, const std::vector<RunRecord>& runs) {
  std::ostringstream text;
  text.precision(10);
  text << kCsvHeader << '\n';
  for (const auto& run : runs) {
    for (const auto& step : run.steps) {
      text << run.surrogate << ',' << run.function << ',' << run.acquisition << ',' << run.seed
           << ',' << step.step << ',' << step.x << ',' << step.y << ',' << step.simple_regret << ','
           << step.cumulative_regret << ',' << 1e3 * step.seconds << '\n';
    }
  }
  out << text.str();
}

}  // namespace nplab::bo
