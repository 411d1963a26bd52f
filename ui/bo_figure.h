#pragma once
// `nplab --plot` of the CSV that `nplab-cli bo --csv` writes: the simple regret against the step,
// one curve per surrogate (mean over the seeds), with a band of ±1 standard error.

#include <QSize>
#include <QString>
#include <variant>

#include "nplab/facade/bo_files.h"

namespace nplab::ui {

/// Whether `path` is a bo CSV (by its header).
bool is_bo_csv(const QString& path);

/// The curves of a bo CSV, or why the file is not one ("bo.csv:3: ...").
std::variant<facade::RegretCurves, QString> read_bo_csv(const QString& path);

inline QSize default_bo_figure_size() {
  return {1200, 900};
}

/// Draws the curves and writes them to `out_path` (.png, .pdf or .svg); `size` as for
/// write_bench_figure. Returns the error or "".
QString write_bo_figure(const facade::RegretCurves& curves, const QString& out_path, QSize size);

}  // namespace nplab::ui
