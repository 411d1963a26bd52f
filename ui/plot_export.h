#pragma once
// Writes a plot to a file for slides and papers: PNG (at twice the on-screen resolution), PDF
// or SVG (vector), chosen by the file's suffix.

#include <QSize>
#include <QString>

class QCustomPlot;

namespace nplab::ui {

/// The file dialog filter for the formats export_plot() writes.
QString plot_file_filter();

/// Writes `plot` to `path` (.png, .pdf or .svg). Returns why it could not, or an empty string.
QString export_plot(QCustomPlot& plot, const QString& path);

/// The same, laid out at `size` (device-independent pixels; also the size of a PDF or SVG) and
/// drawn into a PNG of `png_scale` times as many pixels.
QString export_plot(QCustomPlot& plot, const QString& path, QSize size, double png_scale);

}  // namespace nplab::ui
