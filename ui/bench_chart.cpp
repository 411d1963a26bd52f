#include "bench_chart.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "theme.h"

namespace nplab::ui {
namespace {

constexpr double kLineWidth = 2.5;
constexpr double kDotSize = 8;
constexpr double kPredictedSize = 13;
constexpr int kLegendColumns = 8;
constexpr size_t kMaxLabelledSizes = 10;

/// The models' colours (matplotlib's tab10), the same in every plot; mid-tones that read on a
/// light and on a dark background.
const std::map<QString, QColor>& model_colours() {
  static const std::map<QString, QColor> colours{
      {"cmanp", QColor(214, 39, 40)},        {"lbanp", QColor(31, 119, 180)},
      {"lbanp-128", QColor(23, 190, 207)},   {"tnpd", QColor(44, 160, 44)},
      {"tnpkr-scan", QColor(148, 103, 189)}, {"tnpkr-full", QColor(140, 86, 75)},
      {"cnp", QColor(255, 127, 14)}};
  return colours;
}

/// For series that are not models, in order of appearance.
const QList<QColor>& extra_palette() {
  static const QList<QColor> colours{QColor(227, 119, 194), QColor(188, 189, 34),
                                     QColor(127, 127, 127), QColor(23, 190, 207),
                                     QColor(31, 119, 180),  QColor(44, 160, 44)};
  return colours;
}

QColor neutral_marker() {
  return plot_colours().dark ? QColor(175, 175, 175) : QColor(90, 90, 90);
}

QCPScatterStyle predicted_style(const QColor& colour) {
  return QCPScatterStyle(QCPScatterStyle::ssCrossCircle, QPen(colour, 1.8), Qt::NoBrush,
                         kPredictedSize);
}

void make_log(QCPAxis* axis) {
  axis->setScaleType(QCPAxis::stLogarithmic);
  auto ticker = QSharedPointer<QCPAxisTickerLog>::create();
  ticker->setSubTickCount(8);
  axis->setTicker(ticker);
  axis->setNumberFormat("g");
  axis->setNumberPrecision(6);
  axis->grid()->setSubGridVisible(true);
  axis->grid()->setPen(QPen(QColor(215, 215, 215), 1));
  axis->grid()->setSubGridPen(QPen(QColor(240, 240, 240), 1));
}

/// A range on a log axis around [low, high], padded by a factor, covering at least a decade.
QCPRange log_range(double low, double high) {
  if (!(low > 0) || !(high > 0) || low > high) return {1, 10};
  const double centre = std::sqrt(low * high);
  if (high / low < 10) {
    low = std::min(low, centre / std::sqrt(10.0));
    high = std::max(high, centre * std::sqrt(10.0));
  }
  return {low / 1.5, high * 1.5};
}

struct Extent {
  double low = std::numeric_limits<double>::infinity();
  double high = 0;
  void include(double value) {
    if (!(value > 0) || !std::isfinite(value)) return;  // a log axis shows positives only
    low = std::min(low, value);
    high = std::max(high, value);
  }
};

}  // namespace

BenchChart::BenchChart(QCustomPlot& plot, const QList<Panel>& panels) : plot_(plot) {
  QFont label_font = plot_.font();
  label_font.setPointSizeF(label_font.pointSizeF() * 1.2);
  QFont tick_font = plot_.font();
  tick_font.setPointSizeF(tick_font.pointSizeF() * 1.05);
  QFont title_font = plot_.font();
  title_font.setPointSizeF(title_font.pointSizeF() * 1.25);
  title_font.setBold(true);

  auto* top = plot_.plotLayout();
  top->clear();  // removes the default axis rect (and its legend)
  auto* grid = new QCPLayoutGrid;
  top->addElement(0, 0, grid);
  for (int column = 0; column < panels.size(); ++column) {
    auto* rect = new QCPAxisRect(&plot_);
    for (auto* axis : {rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft)}) {
      make_log(axis);
      axis->setLabelFont(label_font);
      axis->setTickLabelFont(tick_font);
    }
    rect->axis(QCPAxis::atBottom)->setLabel(QObject::tr("context size N"));
    rect->axis(QCPAxis::atLeft)->setLabel(panels[column].y_label);
    rect->axis(QCPAxis::atBottom)->setRange(log_range(64, 4096));
    rect->axis(QCPAxis::atLeft)->setRange(1, 100);
    titles_.append(new QCPTextElement(&plot_, panels[column].title, title_font));
    grid->addElement(0, column, titles_.back());
    grid->addElement(1, column, rect);
    panels_.append(rect);
  }

  // The legend centred under the panels, at its natural width.
  auto* legend = new QCPLegend;
  auto* footer = new QCPLayoutGrid;
  top->addElement(1, 0, footer);
  top->setRowStretchFactor(1, 0.001);
  footer->addElement(0, 0, new QCPLayoutElement(&plot_));
  footer->addElement(0, 1, legend);
  footer->addElement(0, 2, new QCPLayoutElement(&plot_));
  footer->setColumnStretchFactor(1, 0.001);
  legend->setLayer(QStringLiteral("legend"));
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(kLegendColumns);
  legend->setBorderPen(Qt::NoPen);
  QFont legend_font = plot_.font();
  legend_font.setPointSizeF(legend_font.pointSizeF() * 1.15);
  legend->setFont(legend_font);
  plot_.legend = legend;

  predicted_legend_ = plot_.addGraph(panels_.front()->axis(QCPAxis::atBottom),
                                     panels_.front()->axis(QCPAxis::atLeft));
  predicted_legend_->setName(QObject::tr("predicted, too large to run"));
  predicted_legend_->setLineStyle(QCPGraph::lsNone);
  predicted_legend_->removeFromLegend();  // shown once a value is predicted
  style_plot(plot_);
  restyle();
}

QColor BenchChart::colour_of(const QString& series) {
  if (const auto found = model_colours().find(series); found != model_colours().end()) {
    return found->second;
  }
  if (const auto found = extra_colours_.find(series); found != extra_colours_.end()) {
    return found->second;
  }
  const auto& palette = extra_palette();
  const QColor colour = palette[static_cast<qsizetype>(extra_colours_.size()) % palette.size()];
  extra_colours_.emplace(series, colour);
  return colour;
}

BenchChart::Curves& BenchChart::curves_for(int panel, const QString& series) {
  const auto key = std::make_pair(panel, series);
  if (auto found = curves_.find(key); found != curves_.end()) return found->second;
  const bool first_of_series = std::none_of(curves_.begin(), curves_.end(), [&](const auto& entry) {
    return entry.first.second == series;
  });
  const QColor colour = colour_of(series);
  auto* rect = panels_.at(panel);
  // The predicted curve comes with the first prediction (add_predicted).
  Curves curves{plot_.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft)),
                nullptr};
  curves.measured->setName(series);
  curves.measured->removeFromLegend();
  curves.measured->setPen(QPen(colour, kLineWidth));
  curves.measured->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, kDotSize));
  if (first_of_series) {
    curves.measured->addToLegend(plot_.legend);
    if (plot_.legend->hasItemWithPlottable(predicted_legend_)) {  // keep it last
      predicted_legend_->removeFromLegend();
      predicted_legend_->addToLegend(plot_.legend);
    }
  }
  return curves_.emplace(key, curves).first->second;
}

void BenchChart::add_point(int panel, const QString& series, double n, double value) {
  curves_for(panel, series).measured->addData(n, value);
}

void BenchChart::add_predicted(int panel, const QString& series, double n, double value) {
  auto& curves = curves_for(panel, series);
  auto* rect = panels_.at(panel);
  const QColor colour = colour_of(series);
  QPen dashed(colour, 1.6, Qt::DashLine);
  if (!curves.predicted) {
    curves.predicted = plot_.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    curves.predicted->setName(series + QObject::tr(" (predicted)"));
    curves.predicted->removeFromLegend();
    curves.predicted->setPen(dashed);
    curves.predicted->setScatterStyle(predicted_style(colour));
    if (!curves.measured->data()->isEmpty()) {
      const auto last = curves.measured->data()->constEnd() - 1;
      curves.bridge = plot_.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
      curves.bridge->setName(series + QObject::tr(" (extrapolated)"));
      curves.bridge->removeFromLegend();
      curves.bridge->setPen(dashed);
      curves.bridge->addData(last->key, last->value);
      curves.bridge->addData(n, value);
    }
  }
  curves.predicted->addData(n, value);
  predicted_legend_->removeFromLegend();  // last in the legend, after the series
  predicted_legend_->addToLegend(plot_.legend);
}

void BenchChart::add_note(int panel, const QString& series, double n, double value,
                          const QString& text) {
  auto* rect = panels_.at(panel);
  auto* note = new QCPItemText(&plot_);
  note->setClipAxisRect(rect);
  note->position->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  note->position->setCoords(n, value);
  note->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
  // Below the point by two lines: a point at the top would put it on the markers' labels.
  note->setPadding(QMargins(4, 40, 10, 2));
  note->setColor(colour_of(series).darker(115));
  note->setText(text);
  items_.push_back(note);
}

void BenchChart::add_marker(int panel, const QString& series, double n, const QString& text) {
  auto* rect = panels_.at(panel);
  const QColor colour = colour_of(series);
  auto* line = new QCPItemStraightLine(&plot_);
  line->setClipAxisRect(rect);
  for (auto* position : {line->point1, line->point2}) {
    position->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    position->setAxisRect(rect);
    position->setTypeX(QCPItemPosition::ptPlotCoords);
    position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  }
  line->point1->setCoords(n, 0);
  line->point2->setCoords(n, 1);
  line->setPen(QPen(colour, 1.2, Qt::DotLine));
  auto* label = new QCPItemText(&plot_);
  label->setClipAxisRect(rect);
  label->position->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  label->position->setAxisRect(rect);
  label->position->setTypeX(QCPItemPosition::ptPlotCoords);
  label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  // Stacked from the top, one line per marker already in this panel.
  const auto in_panel = std::count_if(items_.begin(), items_.end(), [&](const auto* item) {
    return item->clipAxisRect() == rect && qobject_cast<const QCPItemStraightLine*>(item);
  });
  label->position->setCoords(n, 0.02 + 0.11 * static_cast<double>(in_panel));
  // Right of the line in the left half of the panel, left of it in the right half.
  const auto range = rect->axis(QCPAxis::atBottom)->range();
  const bool right_half = range.lower > 0 && n > 0 &&
                          std::log(n / range.lower) > 0.5 * std::log(range.upper / range.lower);
  label->setPositionAlignment((right_half ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
  label->setPadding(QMargins(3, 0, 3, 0));
  label->setColor(colour.darker(115));
  label->setText(text);
  items_.push_back(line);
  items_.push_back(label);
}

void BenchChart::relabel(const QString& x_label, const QList<Panel>& panels) {
  for (int column = 0; column < panels_.size(); ++column) {
    panels_[column]->axis(QCPAxis::atBottom)->setLabel(x_label);
    if (column < panels.size()) {
      panels_[column]->axis(QCPAxis::atLeft)->setLabel(panels[column].y_label);
      titles_[column]->setText(panels[column].title);
    }
  }
}

QStringList BenchChart::annotations() const {
  QStringList texts;
  for (const auto* item : items_) {
    if (const auto* text = qobject_cast<const QCPItemText*>(item)) texts << text->text();
  }
  return texts;
}

QCPGraph* BenchChart::curve(int panel, const QString& series) const {
  const auto found = curves_.find(std::make_pair(panel, series));
  return found == curves_.end() ? nullptr : found->second.measured;
}

void BenchChart::clear() {
  for (const auto& [key, curves] : curves_) {
    plot_.removeGraph(curves.measured);
    if (curves.predicted) plot_.removeGraph(curves.predicted);
    if (curves.bridge) plot_.removeGraph(curves.bridge);
  }
  curves_.clear();
  for (auto* item : items_) plot_.removeItem(item);
  items_.clear();
  predicted_legend_->removeFromLegend();
}

void BenchChart::rescale() {
  Extent n;
  std::set<double> sizes;
  std::vector<Extent> values(panels_.size());
  for (const auto& [key, curves] : curves_) {
    for (const auto* graph : {curves.measured, curves.predicted}) {
      if (!graph) continue;
      for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
        n.include(it->key);
        sizes.insert(it->key);
        values[static_cast<size_t>(key.first)].include(it->value);
      }
    }
  }
  // A sweep's few sizes label the N axis themselves: a log ticker falls back to crowded linear
  // ticks over less than two decades (64 … 1024).
  QSharedPointer<QCPAxisTicker> n_ticker;
  if (!sizes.empty() && sizes.size() <= kMaxLabelledSizes) {
    auto labelled = QSharedPointer<QCPAxisTickerText>::create();
    for (const double size : sizes) labelled->addTick(size, QString::number(size, 'g', 10));
    n_ticker = labelled;
  } else {
    auto ticker = QSharedPointer<QCPAxisTickerLog>::create();
    ticker->setSubTickCount(8);
    n_ticker = ticker;
  }
  for (int panel = 0; panel < panel_count(); ++panel) {
    auto* n_axis = panels_[panel]->axis(QCPAxis::atBottom);
    n_axis->setTicker(n_ticker);
    n_axis->grid()->setSubGridVisible(!sizes.empty() && sizes.size() > kMaxLabelledSizes);
    n_axis->setRange(log_range(n.low, n.high));
    const auto& extent = values[static_cast<size_t>(panel)];
    panels_[panel]->axis(QCPAxis::atLeft)->setRange(log_range(extent.low, extent.high));
  }
}

void BenchChart::restyle() {
  predicted_legend_->setScatterStyle(predicted_style(neutral_marker()));
}

}  // namespace nplab::ui
