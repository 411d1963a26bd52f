#include "stream_plots.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "function_plot.h"
#include "theme.h"

namespace nplab::ui {
namespace {

constexpr double kBytesPerMiB = 1024.0 * 1024.0;
constexpr std::int64_t kDefaultPoints = 1'000'000;  // the history plots' first x range
const std::array<QColor, StreamPlots::kStreams> kSlotColours{QColor(31, 119, 180),
                                                             QColor(230, 120, 20)};

/// N on a linear axis: "250k", "1M", "1.5M".
class CountTicker : public QCPAxisTicker {
 protected:
  QString getTickLabel(double tick, const QLocale&, QChar, int) override {
    const double magnitude = std::abs(tick);
    if (magnitude >= 1e6) return QString::number(tick / 1e6, 'g', 4) + "M";
    if (magnitude >= 1e3) return QString::number(tick / 1e3, 'g', 4) + "k";
    return QString::number(tick, 'g', 4);
  }
};

QCPGraph* add_line(QCustomPlot& plot, const QColor& colour, const QString& name,
                   Qt::PenStyle style = Qt::SolidLine, double width = 2) {
  auto* graph = plot.addGraph();
  graph->setPen(QPen(colour, width, style));
  graph->setName(name);
  return graph;
}

}  // namespace

StreamPlots::StreamPlots(QWidget* parent) {
  plot_ = new QCustomPlot(parent);
  plot_->setObjectName("streamPlot");
  plot_->setMinimumHeight(220);
  style_plot(*plot_);
  plot_->xAxis->setLabel(QObject::tr("x"));
  plot_->yAxis->setLabel(QObject::tr("y"));
  plot_->xAxis->setRange(-2.05, 2.05);
  plot_->yAxis->setRange(-2, 2);
  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  for (int slot = 0; slot < kStreams; ++slot) {
    const QColor colour = kSlotColours[slot];
    points_[slot] = plot_->addGraph();
    points_[slot]->setLineStyle(QCPGraph::lsNone);
    QColor dot = colour;
    dot.setAlpha(90);
    points_[slot]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, dot, dot, 3));
    points_[slot]->removeFromLegend();
    QColor band = colour;
    band.setAlpha(50);
    upper_[slot] = plot_->addGraph();
    upper_[slot]->setPen(Qt::NoPen);
    upper_[slot]->removeFromLegend();
    lower_[slot] = plot_->addGraph();
    lower_[slot]->setPen(Qt::NoPen);
    lower_[slot]->setBrush(band);
    lower_[slot]->setChannelFillGraph(upper_[slot]);
    lower_[slot]->removeFromLegend();
    mean_[slot] = add_line(*plot_, colour, {});
  }
  points_[1]->setVisible(false);  // the same points: drawn once
  truth_graph_ =
      add_line(*plot_, QColor(120, 120, 120), QObject::tr("hidden function"), Qt::DashLine, 1.5);
  empty_note_ =
      add_plot_note(*plot_, QObject::tr("Press Start: noisy samples of the hidden function (or "
                                        "a CSV's rows) stream into the model,\nand its "
                                        "prediction follows them here"));

  const auto make_history_plot = [parent](const QString& name, const QString& y_label) {
    auto* plot = new QCustomPlot(parent);
    plot->setObjectName(name);
    plot->setMinimumHeight(160);
    style_plot(*plot);
    plot->xAxis->setLabel(QObject::tr("N (points streamed)"));
    plot->xAxis->setTicker(QSharedPointer<CountTicker>::create());
    plot->yAxis->setLabel(y_label);
    plot->legend->setVisible(true);
    // Bottom right: the flat lines run along the top, the growing ones rise to the left of it.
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    return plot;
  };
  memory_plot_ = make_history_plot("streamMemoryPlot", QObject::tr("peak resident memory (MiB)"));
  state_plot_ = make_history_plot("streamStatePlot", QObject::tr("model state (bytes)"));
  state_plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  state_plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  state_plot_->yAxis->setNumberFormat("eb");
  state_plot_->yAxis->setNumberPrecision(0);
  for (int slot = 0; slot < kStreams; ++slot) {
    memory_curve_[slot] = add_line(*memory_plot_, kSlotColours[slot], {});
    state_curve_[slot] = add_line(*state_plot_, kSlotColours[slot], {});
  }
  reset(/*hide_note=*/false);
}

void StreamPlots::begin(int slot, const facade::StreamLine& line) {
  const QString model = QString::fromStdString(line.model);
  mean_[slot]->setName(model);
  memory_curve_[slot]->setName(model);
  state_curve_[slot]->setName(model);
  for (auto* curve : {mean_[slot], memory_curve_[slot], state_curve_[slot]}) curve->addToLegend();
  drawn_points_[slot].assign(static_cast<size_t>(line.sample_points), QPointF(qQNaN(), 0));
  if (slot == 0 && !line.truth.empty()) {
    truth_graph_->setData(QVector<double>(line.targets.begin(), line.targets.end()),
                          QVector<double>(line.truth.begin(), line.truth.end()), true);
    truth_graph_->addToLegend();
    for (const double y : line.truth) {
      y_low_ = std::min(y_low_, y);
      y_high_ = std::max(y_high_, y);
    }
  }
}

void StreamPlots::restyle() {
  for (auto* plot : {plot_, memory_plot_, state_plot_}) {
    style_plot(*plot);
    plot->replot();
  }
  style_note(*empty_note_);
}

void StreamPlots::show_prediction(int slot, const facade::StreamLine& start,
                                  const facade::StreamLine& sample) {
  if (sample.mean.size() != start.targets.size()) return;
  const QVector<double> x(start.targets.begin(), start.targets.end());
  QVector<double> mean(sample.mean.begin(), sample.mean.end()), upper(x.size()), lower(x.size());
  for (qsizetype i = 0; i < x.size(); ++i) {
    upper[i] = sample.mean[i] + 2 * sample.stddev[i];
    lower[i] = sample.mean[i] - 2 * sample.stddev[i];
    if (std::isfinite(upper[i]) && std::isfinite(lower[i])) {
      y_low_ = std::min(y_low_, lower[i]);
      y_high_ = std::max(y_high_, upper[i]);
    }
  }
  mean_[slot]->setData(x, mean, true);
  upper_[slot]->setData(x, upper, true);
  lower_[slot]->setData(x, lower, true);
  auto& drawn = drawn_points_[slot];
  for (const auto& point : sample.new_points) {
    if (point.slot >= 0 && point.slot < static_cast<std::int64_t>(drawn.size())) {
      drawn[static_cast<size_t>(point.slot)] = QPointF(point.x, point.y);
    }
  }
  if (!sample.new_points.empty()) {
    QVector<double> px, py;
    px.reserve(static_cast<qsizetype>(drawn.size()));
    py.reserve(static_cast<qsizetype>(drawn.size()));
    for (const auto& point : drawn) {
      if (std::isnan(point.x())) continue;
      px.push_back(point.x());
      py.push_back(point.y());
    }
    points_[slot]->setData(px, py);
  }
  const double pad = 0.08 * std::max(1e-3, y_high_ - y_low_);
  plot_->yAxis->setRange(y_low_ - pad, y_high_ + pad);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void StreamPlots::show_history(int slot, const std::vector<facade::StreamLine>& samples) {
  QVector<double> n, memory, state;
  for (const auto& sample : samples) {
    n.push_back(static_cast<double>(sample.n));
    memory.push_back(static_cast<double>(sample.peak_resident_bytes) / kBytesPerMiB);
    state.push_back(static_cast<double>(std::max<std::int64_t>(sample.state_bytes, 1)));
  }
  memory_curve_[slot]->setData(n, memory, true);
  state_curve_[slot]->setData(n, state, true);
  for (auto* plot : {memory_plot_, state_plot_}) {
    bool found = false;
    QCPRange keys(0, 1), values(0, 1);
    for (int other = 0; other < kStreams; ++other) {
      auto* curve = plot == memory_plot_ ? memory_curve_[other] : state_curve_[other];
      if (curve->dataCount() == 0) continue;
      bool ok = false;
      const auto key_range = curve->getKeyRange(ok);
      const auto value_range = curve->getValueRange(ok);
      keys = found ? QCPRange(std::min(keys.lower, key_range.lower),
                              std::max(keys.upper, key_range.upper))
                   : key_range;
      values = found ? QCPRange(std::min(values.lower, value_range.lower),
                                std::max(values.upper, value_range.upper))
                     : value_range;
      found = true;
    }
    if (!found) continue;
    plot->xAxis->setRange(0, std::max(keys.upper * 1.02, 1000.0));
    if (plot == memory_plot_) {
      // From zero, so that a flat line reads as flat and not as noise magnified.
      plot->yAxis->setRange(0, values.upper * 1.15);
    } else {
      plot->yAxis->setRange(values.lower / 10, values.upper * 10);
    }
    plot->replot(QCustomPlot::rpQueuedReplot);
  }
}

void StreamPlots::reset(const bool hide_note) {
  if (hide_note) empty_note_->setVisible(false);
  drawn_points_ = {};
  y_low_ = -1;
  y_high_ = 1;
  for (int slot = 0; slot < kStreams; ++slot) {
    for (auto* graph : {mean_[slot], upper_[slot], lower_[slot], points_[slot], memory_curve_[slot],
                        state_curve_[slot]}) {
      graph->data()->clear();
    }
    for (auto* curve : {mean_[slot], memory_curve_[slot], state_curve_[slot]}) {
      curve->removeFromLegend();
    }
  }
  truth_graph_->data()->clear();
  truth_graph_->removeFromLegend();
  plot_->yAxis->setRange(-2, 2);
  memory_plot_->xAxis->setRange(0, static_cast<double>(kDefaultPoints));
  memory_plot_->yAxis->setRange(0, 256);
  state_plot_->xAxis->setRange(0, static_cast<double>(kDefaultPoints));
  state_plot_->yAxis->setRange(1e4, 1e8);
  for (auto* plot : {plot_, memory_plot_, state_plot_}) plot->replot();
}

}  // namespace nplab::ui
