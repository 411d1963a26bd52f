#pragma once
// `nplab --bench-latency`: how long the Functions view takes from a click to the finished
// replot. For each preload size N it puts N context points into the view in one batch, waits
// until their prediction is drawn, then sends real mouse presses and releases to the plot, one
// at a time. Each click's time runs from the press being delivered until the plot has finished
// the replot that shows the prediction for the new point (QCustomPlot::afterReplot after the
// view's settled()). The worker, its model and the 400-target grid are those of the app.

#include <QString>

#include <variant>
#include <vector>

namespace nplab::ui {

class FunctionsView;

struct LatencyBenchOptions {
  int clicks = 50;  ///< timed clicks per preload size
  int warmup = 3;   ///< clicks before those, not timed
  std::vector<int> preloads{100, 10000};
  unsigned seed = 0;  ///< of the preloaded points
};

struct LatencyRun {
  int preload = 0;
  std::vector<double> click_to_replot_ms;  ///< per timed click, in order
  std::vector<double> click_to_result_ms;  ///< until the prediction arrived (before the replot)
  std::vector<double> model_ms;  ///< the worker's state change + predict (Explorer timings)
  std::vector<double> draw_ms;   ///< QCustomPlot's own time for the final replot
};

/// Runs the benchmark on `view` (shown, its model chosen). Returns one run per preload size,
/// or why it could not finish (a click that did not add a point, a model error, a timeout).
std::variant<std::vector<LatencyRun>, QString> run_latency_bench(FunctionsView& view,
                                                                 const LatencyBenchOptions& options);

/// The q-quantile (0..1) of `values`, interpolating between neighbours; 0 for none.
double quantile(std::vector<double> values, double q);

/// The report: one line per preload size (median, p90, min, max in ms) and the ratio of the
/// medians of the largest and the smallest preload.
QString format_latency_report(const std::vector<LatencyRun>& runs, const QString& model,
                              int compute_threads, int warmup);

}  // namespace nplab::ui
