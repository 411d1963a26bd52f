#include "plot_export.h"

#include <QFileInfo>
#include <QSvgGenerator>
#include <qcustomplot.h>

namespace nplab::ui {
namespace {

constexpr double kPngScale = 2.0;  // crisp on a projector and in a document

bool save_svg(QCustomPlot& plot, const QString& path, QSize size) {
  QSvgGenerator generator;
  generator.setFileName(path);
  generator.setSize(size);
  generator.setViewBox(QRect(QPoint(0, 0), size));
  generator.setTitle(QStringLiteral("NPLab plot"));
  QCPPainter painter;
  if (!painter.begin(&generator)) return false;
  plot.toPainter(&painter, size.width(), size.height());
  return painter.end();
}

}  // namespace

QString plot_file_filter() {
  return QObject::tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)");
}

QString export_plot(QCustomPlot& plot, const QString& path) {
  return export_plot(plot, path, plot.size(), kPngScale);
}

QString export_plot(QCustomPlot& plot, const QString& path, QSize size, double png_scale) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  bool written = false;
  if (suffix == "png") {
    written = plot.savePng(path, size.width(), size.height(), png_scale);
  } else if (suffix == "pdf") {
    written = plot.savePdf(path, size.width(), size.height());
  } else if (suffix == "svg") {
    written = save_svg(plot, path, size);
  } else {
    return QObject::tr("%1: unknown format \".%2\" (use .png, .pdf or .svg)").arg(path, suffix);
  }
  // The writers report some failures only by leaving no file behind.
  if (!written || QFileInfo(path).size() == 0) {
    return QObject::tr("%1: could not write the file").arg(path);
  }
  return {};
}

}  // namespace nplab::ui
