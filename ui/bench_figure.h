#pragma once
// `nplab --plot`: a figure of a CSV that `nplab-cli bench ... --csv` wrote, recognised by its
// header: memory (peak MiB against N, one curve per model, skipped sizes marked at their
// predicted peak), update (time of one update against N, one curve per model), or cmab (update
// time and conditioning peak against N, side by side). Log–log axes, the Memory view's style.

#include <QSize>
#include <QString>
#include <QStringList>

#include <variant>
#include <vector>

namespace nplab::ui {

/// One plotted value of a benchmark CSV.
struct BenchSample {
  QString series;   ///< the model ("cmanp"), or "CMAB"
  int panel = 0;    ///< which panel of the figure
  double n = 0;
  double value = 0;        ///< in the panel's unit (MiB, ms)
  bool predicted = false;  ///< a size skipped as too large: drawn as ⊗
};

struct BenchTable {
  enum class Kind { Memory, Update, Cmab };
  Kind kind = Kind::Memory;
  std::vector<BenchSample> samples;
  /// Rows that were read but are not drawn (failed runs): "file:line: why".
  QStringList notes;
};

/// Reads a benchmark CSV. On failure the error names the file and line: "runs.csv:3: ...".
std::variant<BenchTable, QString> read_bench_csv(const QString& path);

/// The figure's size when none is asked for, in pixels of the PNG.
QSize default_figure_size(BenchTable::Kind kind);

/// Draws `table` and writes it to `out_path` (.png, .pdf or .svg). `size` is the PNG's size in
/// pixels; the figure is laid out at half of it and drawn at twice the resolution, so its text
/// is as legible as on a high-DPI screen (odd sizes: laid out at full size). Returns the error
/// or "".
QString write_bench_figure(const BenchTable& table, const QString& out_path, QSize size);

}  // namespace nplab::ui
