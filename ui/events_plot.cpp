#include "events_plot.h"

#include <algorithm>
#include <array>

#include "theme.h"

namespace nplab::ui {
namespace {

constexpr double kEventRow = -0.06;  // the event strip, as a fraction of the curves' height

QVector<double> shifted(const std::vector<double>& values, double by) {
  QVector<double> out;
  out.reserve(static_cast<qsizetype>(values.size()));
  for (const double value : values) out.append(value + by);
  return out;
}

QVector<double> as_vector(const std::vector<double>& values) {
  return {values.begin(), values.end()};
}

}  // namespace

QColor mark_colour(int mark) {
  static const std::array<QColor, 6> palette{QColor(31, 119, 180),  QColor(214, 39, 40),
                                             QColor(44, 160, 44),   QColor(255, 127, 14),
                                             QColor(148, 103, 189), QColor(140, 86, 75)};
  return palette[static_cast<std::size_t>(mark) % palette.size()];
}

EventsPlot::EventsPlot(int marks, QWidget* parent) : QCustomPlot(parent), marks_(marks) {
  setObjectName("eventsPlot");
  setMinimumSize(480, 280);
  xAxis->setLabel(tr("time t"));
  yAxis->setLabel(tr("density / intensity"));
  intensity_ = addGraph();
  intensity_->setName(kIntensity);
  intensity_->setPen(QPen(QColor(120, 120, 120), 1.5));
  oracle_ = addGraph();
  oracle_->setName(kOracle);
  oracle_->setPen(QPen(QColor(0, 0, 0), 1.5, Qt::DashLine));
  density_ = addGraph();
  density_->setName(kDensity);
  density_->setPen(QPen(QColor(31, 119, 180), 2.5));
  density_->setBrush(QColor(31, 119, 180, 50));
  mean_ = addGraph();
  mean_->setName(tr("model: mean"));
  mean_->setPen(QPen(QColor(31, 119, 180), 1.5, Qt::DotLine));
  sigma_band_ = new QCPItemRect(this);
  sigma_band_->setPen(Qt::NoPen);
  sigma_band_->setBrush(QColor(31, 119, 180, 28));
  sigma_band_->setVisible(false);
  for (int k = 0; k < marks_; ++k) {
    auto* graph = addGraph();
    graph->setName(tr("mark %1").arg(k));
    graph->setLineStyle(QCPGraph::lsImpulse);
    graph->setPen(QPen(mark_colour(k), 2));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, mark_colour(k), 9));
    graph->setChannelFillGraph(nullptr);
    mark_graphs_.push_back(graph);
  }
  legend->setVisible(true);
  legend->setFont(QFont(font().family(), 8));
  for (auto* graph : mark_graphs_) graph->removeFromLegend();
  mean_->removeFromLegend();
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  xAxis->setRange(0, 10);
  yAxis->setRange(kEventRow, 1);
}

double EventsPlot::event_row_pixel() const {
  const auto range = yAxis->range();
  return yAxis->coordToPixel(range.lower * 0.5);
}

void EventsPlot::set_time_span(double end) {
  xAxis->setRange(0, end);
}

void EventsPlot::set_events(const std::vector<facade::MarkedEvent>& events, int selected) {
  events_ = events;
  selected_ = selected;
  fit_y();
}

void EventsPlot::set_prediction(const std::optional<facade::NextEventPrediction>& prediction) {
  if (!prediction) {
    density_->data()->clear();
    mean_->data()->clear();
    sigma_band_->setVisible(false);
    fit_y();
    return;
  }
  density_->setData(shifted(prediction->tau, prediction->last_time), as_vector(prediction->density),
                    true);
  mean_->data()->clear();
  sigma_band_->setVisible(false);
  if (prediction->mean) {
    const double at = prediction->last_time + *prediction->mean;
    mean_->setData({at, at}, {0, 1e9}, true);  // clipped by the axis
    if (prediction->stddev) {
      sigma_band_->topLeft->setCoords(std::max(prediction->last_time, at - *prediction->stddev),
                                      1e9);
      sigma_band_->bottomRight->setCoords(at + *prediction->stddev, 0);
      sigma_band_->setVisible(true);
    }
  }
  fit_y();
}

void EventsPlot::set_truth(const std::optional<facade::ProcessTruth>& truth, double last_time,
                           bool shown) {
  if (truth) {
    intensity_->setData(as_vector(truth->times), as_vector(truth->intensity), true);
    oracle_->setData(shifted(truth->tau, last_time), as_vector(truth->density), true);
  } else {
    intensity_->data()->clear();
    oracle_->data()->clear();
  }
  intensity_->setVisible(shown);
  oracle_->setVisible(shown);
  fit_y();
}

void EventsPlot::fit_y() {
  double top = 0.5;
  for (auto* graph : {density_, intensity_, oracle_}) {
    if (!graph->visible()) continue;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
      if (std::isfinite(it->value)) top = std::max(top, it->value);
    }
  }
  top = std::min(top * 1.1, 50.0);  // a density spike near τ = 0 must not flatten the rest
  yAxis->setRange(kEventRow * top * 2, top);
  const double row = kEventRow * top;
  std::vector<QVector<double>> keys(static_cast<std::size_t>(marks_));
  std::vector<QVector<double>> values(static_cast<std::size_t>(marks_));
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const auto mark = static_cast<std::size_t>(std::clamp(events_[i].mark, 0, marks_ - 1));
    keys[mark].append(events_[i].time);
    values[mark].append(row);
  }
  for (int k = 0; k < marks_; ++k) {
    mark_graphs_[static_cast<std::size_t>(k)]->setData(keys[static_cast<std::size_t>(k)],
                                                       values[static_cast<std::size_t>(k)], true);
    mark_graphs_[static_cast<std::size_t>(k)]->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDisc, mark_colour(k), 9));
  }
  if (selected_ >= 0 && selected_ < static_cast<int>(events_.size())) {
    const auto& event = events_[static_cast<std::size_t>(selected_)];
    auto* graph = mark_graphs_[static_cast<std::size_t>(std::clamp(event.mark, 0, marks_ - 1))];
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, mark_colour(event.mark), 9));
  }
  replot(QCustomPlot::rpQueuedReplot);
}

MarkBars::MarkBars(int marks, QWidget* parent) : QCustomPlot(parent) {
  setObjectName("markBars");
  setMinimumSize(180, 200);
  model_ = new QCPBars(xAxis, yAxis);
  model_->setName(tr("model"));
  model_->setWidth(0.6);
  oracle_ = new QCPBars(xAxis, yAxis);
  oracle_->setName(tr("oracle"));
  oracle_->setWidth(0.8);
  oracle_->setBrush(Qt::NoBrush);
  oracle_->setPen(QPen(QColor(0, 0, 0), 1.5, Qt::DashLine));
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (int k = 0; k < marks; ++k) ticker->addTick(k, QString::number(k));
  xAxis->setTicker(ticker);
  xAxis->setLabel(tr("next mark"));
  xAxis->setRange(-0.6, marks - 0.4);
  yAxis->setRange(0, 1);
  yAxis->setLabel(tr("P(next mark)"));
  model_->setPen(QPen(mark_colour(0)));
  model_->setBrush(mark_colour(0).lighter(130));
}

void MarkBars::set_probabilities(const std::vector<double>& model,
                                 const std::vector<double>& oracle) {
  QVector<double> keys;
  for (std::size_t k = 0; k < std::max(model.size(), oracle.size()); ++k) {
    keys.append(static_cast<double>(k));
  }
  model_->setData(keys.mid(0, static_cast<qsizetype>(model.size())), as_vector(model), true);
  oracle_->setData(keys.mid(0, static_cast<qsizetype>(oracle.size())), as_vector(oracle), true);
  replot(QCustomPlot::rpQueuedReplot);
}

std::vector<double> MarkBars::model_probabilities() const {
  std::vector<double> values;
  for (auto it = model_->data()->constBegin(); it != model_->data()->constEnd(); ++it) {
    values.push_back(it->value);
  }
  return values;
}

}  // namespace nplab::ui
