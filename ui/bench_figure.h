#pragma once
// `nplab --plot`: a figure of a benchmark CSV (the schema: nplab/bench/bench_csv.h), recognised
// by its header: memory (peak MiB against N, one curve per model), update (time of one update),
// cmab (update time and conditioning peak side by side), scale (one model's edit times and
// memory as N grows), attention (kernel attention's peak memory and time per mode) or sweep (the
// Memory view's export: memory and update time per model). Sizes that were predicted rather than
// run are drawn at their prediction; failed runs are noted and left out. Log–log axes, the
// Memory view's style.

#include <QSize>
#include <QString>
#include <QStringList>
#include <variant>
#include <vector>

#include "nplab/facade/bench_files.h"

namespace nplab::ui {

/// One plotted value of a benchmark CSV.
struct BenchSample {
  QString series;  ///< the model ("cmanp"), the attention mode, or "CMAB"
  int panel = 0;   ///< which panel of the figure
  double n = 0;
  double value = 0;        ///< in the panel's unit (MiB, ms)
  bool predicted = false;  ///< a size skipped as too large: drawn as ⊗
};

struct BenchTable {
  bench::CsvKind kind = bench::CsvKind::Memory;
  /// What the panels' titles name, where the file is about one thing: the model of a scale CSV
  /// ("cmanp"), the attention of an attention CSV ("self-attention"); else empty.
  QString subject;
  std::vector<BenchSample> samples;
  /// Rows that were read but are not drawn (failed runs): "file: what failed, not drawn".
  QStringList notes;
};

/// Reads a benchmark CSV. On failure the error names the file and line: "runs.csv:3: ...".
std::variant<BenchTable, QString> read_bench_csv(const QString& path);

/// The figure's size when none is asked for, in pixels of the PNG.
QSize default_figure_size(bench::CsvKind kind);

/// Draws `table` and writes it to `out_path` (.png, .pdf or .svg). `size` is the PNG's size in
/// pixels; the figure is laid out at half of it and drawn at twice the resolution, so its text
/// is as legible as on a high-DPI screen (odd sizes: laid out at full size). Returns the error
/// or "".
QString write_bench_figure(const BenchTable& table, const QString& out_path, QSize size);

}  // namespace nplab::ui
