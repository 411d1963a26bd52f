#pragma once
// `nplab --bench-latency`: the Functions view's click-to-replot latency, measured on the real
// window and printed (see ui/latency_bench.h).

#include <QString>

#include <optional>

#include "latency_bench.h"

namespace nplab::ui {
class FunctionsView;
}

namespace nplab::app {

/// --clicks and --preload as options, or nothing (having said why on stderr).
std::optional<ui::LatencyBenchOptions> parse_latency_options(const QString& clicks,
                                                             const QString& preloads);

/// Runs the benchmark on `view` and prints the report; the exit status (0 when every click was
/// measured).
int run_latency_command(ui::FunctionsView& view, const ui::LatencyBenchOptions& options);

}  // namespace nplab::app
