#include "function_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "theme.h"

namespace nplab::ui {
namespace {

// The curves' colours, for a light and a dark background; both read well on a projector.
struct CurveColours {
  QColor mean, band, point, selection, truth, oracle;
  int one_sigma_alpha, two_sigma_alpha;
};

CurveColours curve_colours(bool dark) {
  if (dark) {
    return {QColor(120, 175, 255), QColor(70, 140, 230), QColor(255, 95, 95),
            QColor(255, 170, 60),  QColor(235, 235, 235), QColor(255, 160, 50),
            /*one_sigma_alpha=*/110, /*two_sigma_alpha=*/55};
  }
  return {QColor(31, 78, 153), QColor(31, 119, 180), QColor(214, 39, 40),
          QColor(255, 127, 14), QColor(30, 30, 30),   QColor(204, 102, 0),
          /*one_sigma_alpha=*/95, /*two_sigma_alpha=*/40};
}
constexpr int kFrameMs = 30;
constexpr qsizetype kDensePoints = 1000;  // more context points than this are drawn plainly
constexpr double kDenseDotSize = 3;
// The y axis always shows at least this much around 0, so a flat prior is not blown up.
constexpr double kMinHalfHeight = 1.5;
constexpr double kPadding = 0.08;       // of the height, above and below
constexpr double kShrinkFactor = 1.6;   // shrink only when this much taller than needed

QColor with_alpha(QColor colour, int alpha) {
  colour.setAlpha(alpha);
  return colour;
}

/// Lowest and highest value of a graph's data (an empty range when it has none).
struct Extent {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();

  void include(const QCPGraph* graph) {
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
      if (std::isfinite(it->value)) {
        low = std::min(low, it->value);
        high = std::max(high, it->value);
      }
    }
  }
  void include(const Extent& other) {
    low = std::min(low, other.low);
    high = std::max(high, other.high);
  }
  bool empty() const { return low > high; }
};

}  // namespace

FunctionPlot::FunctionPlot(double min_x, double max_x, QWidget* parent) : QCustomPlot(parent) {
  setObjectName("functionsPlot");
  setMinimumSize(240, 200);  // two of them side by side still fit a 1200 px window
  // Antialiased translucent band fills were 40% of a replot (5.0 -> 3.1 ms per click in
  // `nplab --bench-latency`); their edges are soft already, so plain fills look the same.
  setNotAntialiasedElements(QCP::aeFills);
  replot_timer_ = new QTimer(this);
  replot_timer_->setSingleShot(true);
  replot_timer_->setInterval(kFrameMs);
  connect(replot_timer_, &QTimer::timeout, this, [this] { replot(rpQueuedReplot); });

  QFont label_font = font();
  label_font.setPointSizeF(label_font.pointSizeF() * 1.3);
  QFont tick_font = font();
  tick_font.setPointSizeF(tick_font.pointSizeF() * 1.1);
  xAxis->setLabel(tr("x"));
  yAxis->setLabel(tr("y"));
  xAxis->setRange(min_x, max_x);
  yAxis->setRange(-3, 3);
  for (auto* axis : {xAxis, yAxis}) {
    axis->setLabelFont(label_font);
    axis->setTickLabelFont(tick_font);
    // Solid lines (the colours follow the theme: restyle()).
    axis->grid()->setPen(QPen(Qt::lightGray, 1));
    axis->grid()->setZeroLinePen(QPen(Qt::gray, 1));
  }

  std::tie(band2_upper_, band2_lower_) = add_band(tr("±2σ"), tr("−2σ"));
  std::tie(band1_upper_, band1_lower_) = add_band(tr("±1σ"), tr("−1σ"));
  mean_ = add_curve(tr("predictive mean"));
  oracle_upper_ = add_curve(tr("oracle GP ±2σ"));
  oracle_lower_ = add_curve(tr("oracle GP −2σ"));
  oracle_mean_ = add_curve(tr("oracle GP mean"));
  truth_ = add_curve(tr("hidden function"));
  context_ = add_curve(tr("context points"));
  context_->setLineStyle(QCPGraph::lsNone);
  selection_ = add_curve(tr("selected"));
  selection_->setLineStyle(QCPGraph::lsNone);

  // The legend sits in a row above the plot, in columns: inside, it would hide curves.
  legend->setVisible(true);
  axisRect()->insetLayout()->take(legend);
  auto* header = new QCPLayoutGrid;  // the legend at its natural width, then empty space
  plotLayout()->insertRow(0);
  plotLayout()->addElement(0, 0, header);
  plotLayout()->setRowStretchFactor(0, 0.001);
  header->addElement(0, 0, legend);
  header->addElement(0, 1, new QCPLayoutElement(this));
  header->setColumnStretchFactor(0, 0.001);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setBorderPen(Qt::NoPen);
  legend->setMargins(QMargins(0, 4, 0, 0));
  QFont legend_font = font();
  legend_font.setPointSizeF(legend_font.pointSizeF() * 1.1);
  legend->setFont(legend_font);
  empty_note_ = add_plot_note(*this, tr("Click anywhere to add a context point:\nthe model's "
                                         "mean and ±σ bands follow at once"));
  restyle();
  connect(&ThemeSignals::instance(), &ThemeSignals::changed, this, &FunctionPlot::restyle);
  show_overlays(false, false);
}

QCPItemText* add_plot_note(QCustomPlot& plot, const QString& text) {
  auto* note = new QCPItemText(&plot);
  note->setObjectName("plotNote");
  note->setClipToAxisRect(true);
  note->position->setType(QCPItemPosition::ptAxisRectRatio);
  note->position->setCoords(0.5, 0.18);
  note->setPositionAlignment(Qt::AlignHCenter | Qt::AlignTop);
  note->setTextAlignment(Qt::AlignHCenter);
  note->setText(text);
  QFont font = plot.font();
  font.setPointSizeF(font.pointSizeF() * 1.25);
  note->setFont(font);
  note->setLayer("overlay");
  style_note(*note);
  return note;
}

void style_note(QCPItemText& note) {
  note.setColor(plot_colours().muted_text);
}

bool FunctionPlot::shows_empty_note() const {
  return empty_note_->visible();
}

void FunctionPlot::restyle() {
  style_plot(*this);
  const auto frame = plot_colours();
  const auto colours = curve_colours(frame.dark);
  for (auto* band : {band2_upper_, band2_lower_, band1_upper_, band1_lower_}) {
    band->setPen(Qt::NoPen);
  }
  band2_upper_->setBrush(with_alpha(colours.band, colours.two_sigma_alpha));
  band1_upper_->setBrush(with_alpha(colours.band, colours.one_sigma_alpha));
  mean_->setPen(QPen(colours.mean, 2.5));
  const QPen oracle_edge(colours.oracle, 1.6, Qt::DashLine);
  oracle_upper_->setPen(oracle_edge);
  oracle_lower_->setPen(oracle_edge);
  oracle_mean_->setPen(QPen(colours.oracle, 2.0, Qt::DashDotLine));
  truth_->setPen(QPen(colours.truth, 2.0));
  context_->setPen(Qt::NoPen);
  if (empty_note_) style_note(*empty_note_);
  style_points();
  selection_->setPen(Qt::NoPen);
  selection_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle,
                                              QPen(colours.selection, 2.5), Qt::NoBrush, 19));
}

QCPGraph* FunctionPlot::add_curve(const QString& name) {
  auto* curve = addGraph();
  curve->setName(name);
  return curve;
}

std::pair<QCPGraph*, QCPGraph*> FunctionPlot::add_band(const QString& upper_name,
                                                       const QString& lower_name) {
  auto* upper = add_curve(upper_name);
  auto* lower = add_curve(lower_name);
  upper->setChannelFillGraph(lower);
  return {upper, lower};
}

void FunctionPlot::show_overlays(bool truth, bool oracle) {
  // Called with every prediction; measuring the legend's texts again costs a frame's share.
  if (overlays_ == std::pair{truth, oracle}) return;
  overlays_ = std::pair{truth, oracle};
  // Rebuild the legend in drawing order, with only what is shown.
  legend->clearItems();
  for (auto* curve : {band2_upper_, band1_upper_, mean_}) curve->addToLegend();
  truth_->setVisible(truth);
  if (truth) truth_->addToLegend();
  for (auto* curve : {oracle_mean_, oracle_upper_, oracle_lower_}) curve->setVisible(oracle);
  if (oracle) {
    oracle_mean_->addToLegend();
    oracle_upper_->addToLegend();
  }
  context_->addToLegend();
  wrap_legend();
  schedule_replot();
}

void FunctionPlot::wrap_legend() {
  // One row when the items fit side by side, else as many columns of the widest item as do.
  int widest = 1;
  int total = 0;
  int items = 0;
  for (int i = 0; i < legend->itemCount(); ++i) {
    if (const auto* item = legend->item(i)) {  // a wrapped grid may have empty cells
      const int item_width = item->minimumOuterSizeHint().width() + legend->columnSpacing();
      widest = std::max(widest, item_width);
      total += item_width;
      ++items;
    }
  }
  const int columns = total <= width() ? std::max(items, 1)
                                       : std::clamp(width() / widest, 1, std::max(items, 1));
  if (columns != legend->wrap()) {
    legend->setWrap(columns);
    // setWrap() alone leaves the items where they are: lay them out again in the new grid.
    legend->setFillOrder(legend->fillOrder(), /*rearrange=*/true);
  }
}

void FunctionPlot::resizeEvent(QResizeEvent* event) {
  QCustomPlot::resizeEvent(event);
  wrap_legend();
}

void FunctionPlot::style_points() {
  const auto frame = plot_colours();
  const QColor point = curve_colours(frame.dark).point;
  if (dense_) {
    // Thousands of ringed, antialiased circles take tens of milliseconds per replot, and even
    // plain discs are painted as Bézier paths (measured with perf: the largest GUI cost at
    // 10,000 points); small filled squares are plain rectangles.
    context_->setAntialiasedScatters(false);
    context_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(point, 1), QBrush(point), kDenseDotSize));
  } else {
    // A ring in the background's colour keeps overlapping points apart.
    context_->setAntialiasedScatters(true);
    context_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(frame.background, 1.5), point, 11));
  }
}

void FunctionPlot::set_points(const QVector<double>& xs, const QVector<double>& ys,
                              int selected) {
  if (const bool dense = xs.size() > kDensePoints; dense != dense_) {
    dense_ = dense;
    style_points();
  }
  context_->setData(xs, ys);
  empty_note_->setVisible(xs.isEmpty());
  if (selected >= 0 && selected < xs.size()) {
    selection_->setData({xs[selected]}, {ys[selected]});
  } else {
    selection_->data()->clear();
  }
  schedule_replot();
}

void FunctionPlot::set_prediction(const std::vector<double>& grid, const std::vector<double>& mean,
                                  const std::vector<double>& stddev) {
  const auto count = static_cast<qsizetype>(std::min({grid.size(), mean.size(), stddev.size()}));
  QVector<double> keys(grid.begin(), grid.begin() + count);
  QVector<double> centre(count), up1(count), down1(count), up2(count), down2(count);
  for (qsizetype i = 0; i < count; ++i) {
    centre[i] = mean[i];
    up1[i] = mean[i] + stddev[i];
    down1[i] = mean[i] - stddev[i];
    up2[i] = mean[i] + 2 * stddev[i];
    down2[i] = mean[i] - 2 * stddev[i];
  }
  mean_->setData(keys, centre, true);
  band1_upper_->setData(keys, up1, true);
  band1_lower_->setData(keys, down1, true);
  band2_upper_->setData(keys, up2, true);
  band2_lower_->setData(keys, down2, true);
}

void FunctionPlot::clear_prediction() {
  for (auto* curve : {band2_upper_, band2_lower_, band1_upper_, band1_lower_, mean_}) {
    curve->data()->clear();
  }
}

void FunctionPlot::set_truth(const std::vector<double>& grid, const std::vector<double>& values) {
  const auto count = static_cast<qsizetype>(std::min(grid.size(), values.size()));
  truth_->setData(QVector<double>(grid.begin(), grid.begin() + count),
                  QVector<double>(values.begin(), values.begin() + count), true);
}

void FunctionPlot::set_oracle(const std::vector<double>& grid, const std::vector<double>& mean,
                              const std::vector<double>& stddev) {
  const auto count = static_cast<qsizetype>(std::min({grid.size(), mean.size(), stddev.size()}));
  QVector<double> keys(grid.begin(), grid.begin() + count), centre(count), up(count), down(count);
  for (qsizetype i = 0; i < count; ++i) {
    centre[i] = mean[i];
    up[i] = mean[i] + 2 * stddev[i];
    down[i] = mean[i] - 2 * stddev[i];
  }
  oracle_mean_->setData(keys, centre, true);
  oracle_upper_->setData(keys, up, true);
  oracle_lower_->setData(keys, down, true);
}

void FunctionPlot::fit_y_range(YFit mode) {
  Extent content;
  content.low = -kMinHalfHeight;
  content.high = kMinHalfHeight;
  Extent bands;
  for (auto* curve : {mean_, truth_, oracle_mean_, context_}) {
    if (curve->visible()) content.include(curve);
  }
  for (auto* curve : {band2_upper_, band2_lower_, oracle_upper_, oracle_lower_}) {
    if (curve->visible()) bands.include(curve);
  }
  Extent needed = content;
  if (!bands.empty()) {
    // A band may add at most half the content's height on either side.
    const double reach = 0.5 * (content.high - content.low);
    needed.include(Extent{std::max(bands.low, content.low - reach),
                          std::min(bands.high, content.high + reach)});
  }
  const double pad = kPadding * (needed.high - needed.low);
  const QCPRange wanted(needed.low - pad, needed.high + pad);
  const QCPRange current = yAxis->range();
  const bool outside = wanted.lower < current.lower || wanted.upper > current.upper;
  const bool far_too_tall = current.size() > kShrinkFactor * wanted.size();
  switch (mode) {
    case YFit::Grow:
      if (outside) {
        yAxis->setRange(std::min(wanted.lower, current.lower), std::max(wanted.upper, current.upper));
      }
      break;
    case YFit::Settle:
      if (outside || far_too_tall) yAxis->setRange(wanted);
      break;
    case YFit::Tight:
      yAxis->setRange(wanted);
      break;
  }
}

void FunctionPlot::schedule_replot() {
  if (!replot_timer_->isActive()) replot_timer_->start();
}

void FunctionPlot::replot_now() {
  replot_timer_->stop();
  replot(rpQueuedReplot);
}

}  // namespace nplab::ui
