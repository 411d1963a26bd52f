#pragma once
// `nplab --plot CSV --out FILE [--size WxH]`: a figure of a benchmark CSV (or of the regret
// curves of a `nplab-cli bo --csv` file), written without a
// window.

#include <QSize>
#include <QString>

namespace nplab::app {

/// Writes the figure; returns the exit status (0 when written, 1 unreadable input or output,
/// 2 a usage error), having said why on stderr.
int run_plot_command(const QString& csv, const QString& out, QSize size);

}  // namespace nplab::app
