#include "bo_figure.h"

#include <qcustomplot.h>

#include <QList>
#include <algorithm>

#include "plot_export.h"
#include "theme.h"

namespace nplab::ui {
namespace {

constexpr double kPngScale = 2.0;
constexpr double kLineWidth = 2.0;
constexpr int kBandAlpha = 50;

QColor colour_of(const QString& surrogate, int index) {
  // The baselines keep one colour everywhere; the models take the palette in turn.
  if (surrogate == "oracle") return QColor(0x33, 0x33, 0x33);
  if (surrogate == "random") return QColor(0x99, 0x99, 0x99);
  static const QList<QColor> palette{QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28),
                                     QColor(0x2c, 0xa0, 0x2c), QColor(0xff, 0x7f, 0x0e),
                                     QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x17, 0xbe, 0xcf)};
  return palette[index % palette.size()];
}

}  // namespace

bool is_bo_csv(const QString& path) {
  return facade::is_bo_csv(path.toStdString());
}

std::variant<facade::RegretCurves, QString> read_bo_csv(const QString& path) {
  auto curves = facade::load_bo_csv(path.toStdString());
  if (!curves.ok()) return QString::fromStdString(curves.error());
  return curves.value();
}

QString write_bo_figure(const facade::RegretCurves& curves, const QString& out_path, QSize size) {
  const bool halves = size.width() % 2 == 0 && size.height() % 2 == 0;
  const QSize layout = halves ? size / 2 : size;
  QCustomPlot plot;  // never shown
  plot.resize(layout);
  style_plot(plot);
  plot.plotLayout()->insertRow(0);
  plot.plotLayout()->addElement(
      0, 0,
      new QCPTextElement(&plot,
                         QObject::tr("Bayesian optimisation of %1, acquisition %2")
                             .arg(QString::fromStdString(curves.function),
                                  QString::fromStdString(curves.acquisition)),
                         QFont(plot.font().family(), 11, QFont::Bold)));
  plot.xAxis->setLabel(QObject::tr("step (queries after the starting points)"));
  plot.yAxis->setLabel(QObject::tr("simple regret f* − max f(x), mean ± s.e."));
  plot.legend->setVisible(true);
  int models = 0;
  double top = 0.0;
  int last_step = 1;
  for (const auto& curve : curves.curves) {
    const auto name = QString::fromStdString(curve.surrogate);
    const bool baseline = name == "oracle" || name == "random";
    const QColor colour = colour_of(name, baseline ? 0 : models++);
    QVector<double> steps, mean, low, high;
    for (size_t i = 0; i < curve.steps.size(); ++i) {
      steps << curve.steps[i];
      mean << curve.mean[i];
      low << std::max(0.0, curve.mean[i] - curve.se[i]);
      high << curve.mean[i] + curve.se[i];
      top = std::max(top, high.back());
      last_step = std::max(last_step, curve.steps[i]);
    }
    auto* upper = plot.addGraph();
    auto* lower = plot.addGraph();
    upper->setData(steps, high, true);
    lower->setData(steps, low, true);
    QColor band = colour;
    band.setAlpha(kBandAlpha);
    upper->setPen(Qt::NoPen);
    lower->setPen(Qt::NoPen);
    upper->setBrush(band);
    upper->setChannelFillGraph(lower);
    upper->removeFromLegend();
    lower->removeFromLegend();
    auto* line = plot.addGraph();
    line->setData(steps, mean, true);
    QPen pen(colour, kLineWidth);
    if (baseline) pen.setStyle(name == "random" ? Qt::DotLine : Qt::DashLine);
    line->setPen(pen);
    line->setName(QObject::tr("%1 (%2 runs)").arg(name).arg(curve.runs));
  }
  plot.xAxis->setRange(1, last_step);
  plot.yAxis->setRange(0, top > 0 ? 1.05 * top : 1.0);
  return export_plot(plot, out_path, layout, halves ? kPngScale : 1.0);
}

}  // namespace nplab::ui
