#include "bo_plots.h"

#include <algorithm>
#include <cmath>

#include "theme.h"

namespace nplab::ui {
namespace {

constexpr double kLow = -2.0, kHigh = 2.0;
const QColor kMean(31, 119, 180);
const QColor kStep(255, 127, 14);
const QColor kHand(44, 160, 44);
const QColor kNext(214, 39, 40);
const QColor kAcquisition(148, 103, 189);

QVector<double> as_vector(const std::vector<double>& values) {
  return {values.begin(), values.end()};
}

QCPGraph* points_graph(QCustomPlot& plot, const QString& name, QCPScatterStyle style) {
  auto* graph = plot.addGraph();
  graph->setName(name);
  graph->setLineStyle(QCPGraph::lsNone);
  graph->setScatterStyle(style);
  return graph;
}

/// A vertical line at x in `rect`, dashed.
QCPItemStraightLine* vertical_line(QCustomPlot& plot, QCPAxisRect* rect) {
  auto* line = new QCPItemStraightLine(&plot);
  line->setClipAxisRect(rect);
  for (auto* position : {line->point1, line->point2}) {
    position->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
  }
  line->setPen(QPen(kNext, 1.5, Qt::DashLine));
  line->setVisible(false);
  return line;
}

}  // namespace

BoSearchPlot::BoSearchPlot(QWidget* parent) : QCustomPlot(parent) {
  setObjectName("boSearchPlot");
  setMinimumSize(520, 380);
  search_rect_ = axisRect();
  acquisition_rect_ = new QCPAxisRect(this);
  plotLayout()->addElement(1, 0, acquisition_rect_);
  plotLayout()->setRowStretchFactor(0, 2.2);
  plotLayout()->setRowStretchFactor(1, 1.0);
  // The two plots share their x axis and their left margin, so that x lines up.
  auto* margins = new QCPMarginGroup(this);
  search_rect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
  acquisition_rect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
  for (auto* rect : {search_rect_, acquisition_rect_})
    rect->axis(QCPAxis::atBottom)->setRange(kLow, kHigh);
  connect(xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged),
          acquisition_rect_->axis(QCPAxis::atBottom),
          qOverload<const QCPRange&>(&QCPAxis::setRange));
  yAxis->setLabel(tr("f(x)"));
  acquisition_rect_->axis(QCPAxis::atBottom)->setLabel(tr("x"));

  truth_ = addGraph();
  truth_->setName(tr("hidden function f"));
  truth_->setPen(QPen(QColor(128, 128, 128, 150), 2.0));
  upper_ = addGraph();
  upper_->setPen(Qt::NoPen);
  upper_->removeFromLegend();
  lower_ = addGraph();
  lower_->setName(tr("mean ± 2σ"));
  lower_->setPen(Qt::NoPen);
  lower_->setBrush(QColor(kMean.red(), kMean.green(), kMean.blue(), 55));
  lower_->setChannelFillGraph(upper_);
  mean_ = addGraph();
  mean_->setName(tr("surrogate mean"));
  mean_->setPen(QPen(kMean, 2.0));
  starts_ = points_graph(
      *this, tr("starting points"),
      QCPScatterStyle(QCPScatterStyle::ssSquare, QColor(90, 90, 90), QColor(160, 160, 160), 8));
  steps_ = points_graph(*this, tr("steps"), QCPScatterStyle(QCPScatterStyle::ssDisc, kStep, 8));
  hand_ = points_graph(*this, tr("by hand"),
                       QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(kHand, 2), kHand, 9));
  latest_ =
      points_graph(*this, tr("latest"),
                   QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(kNext, 2), Qt::NoBrush, 14));
  latest_->removeFromLegend();
  optimum_ = points_graph(
      *this, tr("optimum f*"),
      QCPScatterStyle(QCPScatterStyle::ssStar, QPen(QColor(200, 160, 0), 2.5), Qt::NoBrush, 16));
  next_line_ = vertical_line(*this, search_rect_);
  next_line_below_ = vertical_line(*this, acquisition_rect_);

  auto* below_x = acquisition_rect_->axis(QCPAxis::atBottom);
  auto* below_y = acquisition_rect_->axis(QCPAxis::atLeft);
  acquisition_ = addGraph(below_x, below_y);
  acquisition_->setPen(QPen(kAcquisition, 2.0));
  acquisition_->setBrush(QColor(kAcquisition.red(), kAcquisition.green(), kAcquisition.blue(), 40));
  acquisition_->removeFromLegend();
  maximiser_ = addGraph(below_x, below_y);
  maximiser_->setLineStyle(QCPGraph::lsNone);
  maximiser_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssTriangleInverted, kNext, kNext, 11));
  maximiser_->removeFromLegend();
  no_acquisition_ = new QCPItemText(this);
  no_acquisition_->setClipToAxisRect(false);
  no_acquisition_->position->setType(QCPItemPosition::ptAxisRectRatio);
  no_acquisition_->position->setAxisRect(acquisition_rect_);
  no_acquisition_->position->setCoords(0.5, 0.5);
  no_acquisition_->setText(tr("random search: no acquisition function"));
  no_acquisition_->setVisible(false);

  legend->setVisible(true);
  legend->setFont(QFont(font().family(), 8));
  // setFillOrder rearranges the items already added; the wrap must be set first.
  legend->setWrap(3);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  search_rect_->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  style_plot(*this);
}

double BoSearchPlot::x_at_pixel(double pixel) const {
  return xAxis->pixelToCoord(pixel);
}
double BoSearchPlot::pixel_at_x(double x) const {
  return xAxis->coordToPixel(x);
}

void BoSearchPlot::set_truth_shown(bool shown) {
  truth_shown_ = shown;
  truth_->setVisible(shown);
  optimum_->setVisible(shown);
  if (shown) {
    truth_->addToLegend();
    optimum_->addToLegend();
  } else {
    truth_->removeFromLegend();
    optimum_->removeFromLegend();
  }
  fit_y();
  replot(QCustomPlot::rpQueuedReplot);
}

void BoSearchPlot::clear_frame() {
  for (auto* graph : {truth_, upper_, lower_, mean_, starts_, steps_, hand_, latest_, optimum_,
                      acquisition_, maximiser_}) {
    graph->data()->clear();
  }
  next_line_->setVisible(false);
  next_line_below_->setVisible(false);
  replot(QCustomPlot::rpQueuedReplot);
}

void BoSearchPlot::set_frame(const facade::BoFrame& frame, const std::vector<bool>& by_hand,
                             const QString& acquisition_name) {
  const auto grid = as_vector(frame.grid);
  truth_->setData(grid, as_vector(frame.truth), true);
  mean_->setData(grid, as_vector(frame.mean), true);
  QVector<double> upper, lower;
  for (std::size_t i = 0; i < frame.mean.size() && i < frame.stddev.size(); ++i) {
    upper.append(frame.mean[i] + 2 * frame.stddev[i]);
    lower.append(frame.mean[i] - 2 * frame.stddev[i]);
  }
  upper_->setData(grid.mid(0, upper.size()), upper, true);
  lower_->setData(grid.mid(0, lower.size()), lower, true);
  for (auto* graph : {starts_, steps_, hand_, latest_, optimum_}) graph->data()->clear();
  for (std::size_t i = 0; i < frame.query_x.size(); ++i) {
    const auto step = static_cast<std::ptrdiff_t>(i) - frame.starting_points;
    auto* graph = step < 0                                                              ? starts_
                  : step < static_cast<std::ptrdiff_t>(by_hand.size()) && by_hand[step] ? hand_
                                                                                        : steps_;
    graph->addData(frame.query_x[i], frame.query_y[i]);
  }
  if (static_cast<int>(frame.query_x.size()) > frame.starting_points) {
    latest_->addData(frame.query_x.back(), frame.query_y.back());
  }
  optimum_->addData(frame.optimum_x, frame.optimum);
  next_x_ = frame.next_x;
  for (auto* line : {next_line_, next_line_below_}) {
    line->point1->setCoords(frame.next_x, 0);
    line->point2->setCoords(frame.next_x, 1);
    line->setVisible(true);
  }
  acquisition_->setData(grid.mid(0, static_cast<qsizetype>(frame.acquisition.size())),
                        as_vector(frame.acquisition), true);
  maximiser_->data()->clear();
  const auto best = std::max_element(frame.acquisition.begin(), frame.acquisition.end());
  if (best != frame.acquisition.end()) {
    maximiser_->addData(frame.grid[static_cast<std::size_t>(best - frame.acquisition.begin())],
                        *best);
  }
  no_acquisition_->setVisible(frame.acquisition.empty());
  no_acquisition_->setColor(plot_colours().muted_text);
  acquisition_rect_->axis(QCPAxis::atLeft)
      ->setLabel(frame.acquisition.empty() ? QString() : tr("%1(x)").arg(acquisition_name));
  bool found = false;
  const auto range = acquisition_->data()->valueRange(found);
  if (found) {
    const double pad = std::max(1e-9, 0.08 * range.size());
    acquisition_rect_->axis(QCPAxis::atLeft)->setRange(range.lower - pad, range.upper + pad);
  }
  fit_y();
  replot(QCustomPlot::rpQueuedReplot);
}

void BoSearchPlot::fit_y() {
  QCPRange range;
  bool any = false;
  const auto extend = [&](QCPGraph* graph) {
    bool found = false;
    const auto values = graph->data()->valueRange(found);
    if (!found) return;
    range = any ? QCPRange(std::min(range.lower, values.lower), std::max(range.upper, values.upper))
                : values;
    any = true;
  };
  for (auto* graph : {upper_, lower_, mean_, starts_, steps_, hand_}) extend(graph);
  if (truth_shown_) extend(truth_);
  if (!any) return;
  const double pad = std::max(0.1, 0.08 * range.size());
  yAxis->setRange(range.lower - pad, range.upper + pad);
}

int BoSearchPlot::drawn_queries() const {
  return starts_->dataCount() + steps_->dataCount() + hand_->dataCount();
}
bool BoSearchPlot::next_query_marked() const {
  return next_line_->visible();
}
double BoSearchPlot::next_query_x() const {
  return next_x_;
}
bool BoSearchPlot::truth_drawn() const {
  return truth_->visible() && truth_->dataCount() > 0;
}
bool BoSearchPlot::acquisition_drawn() const {
  return acquisition_->dataCount() > 0;
}

BoRegretPlot::BoRegretPlot(QWidget* parent) : QCustomPlot(parent) {
  setObjectName("boRegretPlot");
  setMinimumSize(300, 220);
  xAxis->setLabel(tr("step"));
  yAxis->setLabel(tr("simple regret f* − best f (0 drawn at 10⁻⁵)"));
  yAxis->setScaleType(QCPAxis::stLogarithmic);
  yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  yAxis->setNumberFormat("eb");
  yAxis->setNumberPrecision(0);
  const auto curve = [this](const QColor& colour, Qt::PenStyle style) {
    auto* graph = addGraph();
    graph->setPen(QPen(colour, 2.0, style));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, 4));
    return graph;
  };
  surrogate_ = curve(kMean, Qt::SolidLine);
  oracle_ = curve(QColor(60, 60, 60), Qt::DashLine);
  oracle_->setName(tr("oracle GP"));
  random_ = curve(kStep, Qt::DotLine);
  random_->setName(tr("random search"));
  legend->setVisible(true);
  legend->setFont(QFont(font().family(), 8));
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  xAxis->setRange(0, 10);
  yAxis->setRange(1e-4, 10);
  style_plot(*this);
}

void BoRegretPlot::set_regrets(const QString& surrogate_label, const std::vector<double>& surrogate,
                               const std::vector<double>& oracle,
                               const std::vector<double>& random) {
  surrogate_->setName(surrogate_label);
  double top = 1e-3;
  int steps = 1;
  for (const auto& [graph, values] : {std::pair{surrogate_, &surrogate},
                                      std::pair{oracle_, &oracle}, std::pair{random_, &random}}) {
    QVector<double> x, y;
    for (std::size_t i = 0; i < values->size(); ++i) {
      x.append(static_cast<double>(i));
      y.append(std::max((*values)[i], kFloor));
      top = std::max(top, y.back());
    }
    graph->setData(x, y, true);
    steps = std::max(steps, static_cast<int>(values->size()) - 1);
  }
  xAxis->setRange(0, std::max(steps, 5));
  yAxis->setRange(kFloor * 0.5, top * 2.0);
  replot(QCustomPlot::rpQueuedReplot);
}

int BoRegretPlot::points_of(int curve) const {
  const QCPGraph* graphs[] = {surrogate_, oracle_, random_};
  return curve >= 0 && curve < 3 ? graphs[curve]->dataCount() : 0;
}

}  // namespace nplab::ui
