#include "latency_command.h"

#include <cstdio>
#include <variant>
#include <vector>

#include "command_line.h"
#include "explorer_worker.h"
#include "functions_view.h"

namespace nplab::app {

std::optional<ui::LatencyBenchOptions> parse_latency_options(const QString& clicks,
                                                             const QString& preloads) {
  ui::LatencyBenchOptions options;
  bool clicks_ok = false;
  options.clicks = clicks.toInt(&clicks_ok);
  const auto sizes = parse_counts(preloads);
  if (!clicks_ok || options.clicks < 1 || !sizes) {
    std::fprintf(stderr, "error: --clicks %s --preload %s: expected K ≥ 1 and sizes ≥ 0\n",
                 qPrintable(clicks), qPrintable(preloads));
    return std::nullopt;
  }
  options.preloads = *sizes;
  return options;
}

int run_latency_command(ui::FunctionsView& view, const ui::LatencyBenchOptions& options) {
  const auto runs = ui::run_latency_bench(view, options);
  if (const auto* error = std::get_if<QString>(&runs)) {
    std::fprintf(stderr, "error: --bench-latency: %s\n", qPrintable(*error));
    return 1;
  }
  const auto report = ui::format_latency_report(std::get<std::vector<ui::LatencyRun>>(runs),
                                                view.models()[view.current_model()].label,
                                                ui::JobThread::compute_threads(), options.warmup);
  std::fputs(qPrintable(report), stdout);
  return 0;
}

}  // namespace nplab::app
