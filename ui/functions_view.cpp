#include "functions_view.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace nplab::ui {
namespace {

// A light theme that reads well on a projector.
const QColor kMeanColour(31, 78, 153);
const QColor kBandColour(31, 119, 180);
const QColor kPointColour(214, 39, 40);
const QColor kSelectionColour(255, 127, 14);
const QColor kGridColour(225, 225, 225);
constexpr int kOneSigmaAlpha = 95;
constexpr int kTwoSigmaAlpha = 40;
constexpr double kHitRadiusPixels = 10.0;
constexpr int kFrameMs = 30;

std::vector<double> linspace(double from, double to, int count) {
  std::vector<double> values(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) values[i] = from + (to - from) * i / (count - 1);
  return values;
}

QString format_bytes(std::int64_t bytes) {
  const QLocale locale(QLocale::English);
  if (bytes < 1024) return QStringLiteral("%1 bytes").arg(bytes);
  return QStringLiteral("%1 bytes (%2)")
      .arg(locale.toString(static_cast<qlonglong>(bytes)),
           locale.formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat));
}

QCPGraph* add_band_edge(QCustomPlot* plot, const QString& name) {
  auto* graph = plot->addGraph();
  graph->setName(name);
  graph->setPen(Qt::NoPen);
  return graph;
}

}  // namespace

FunctionsView::FunctionsView(ExplorerWorker& worker, QStringList model_dirs, QWidget* parent)
    : QWidget(parent),
      worker_(worker),
      grid_(linspace(kMinX, kMaxX, kGridSize)),
      models_(available_models(model_dirs.isEmpty() ? default_model_dirs() : model_dirs)) {
  setObjectName("functionsView");
  build_controls();
  build_plot();
  auto* layout = qobject_cast<QVBoxLayout*>(this->layout());
  layout->insertWidget(1, plot_, 1);

  connect(&worker_, &ExplorerWorker::finished, this, &FunctionsView::show_result);
  update_actions();
  update_readout();
  select_model(preferred_model(models_));
}

QAction* FunctionsView::make_action(const QString& text, const QList<QKeySequence>& keys,
                                    const char* name) {
  auto* action = new QAction(text, this);
  action->setObjectName(name);
  action->setShortcuts(keys);
  // Window-wide, but only while this view is visible (a hidden tab's shortcuts do not fire).
  action->setShortcutContext(Qt::WindowShortcut);
  addAction(action);
  return action;
}

void FunctionsView::build_controls() {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  layout->addLayout(controls);

  controls->addWidget(new QLabel(tr("Model:"), this));
  model_picker_ = new QComboBox(this);
  model_picker_->setObjectName("modelPicker");
  model_picker_->setMinimumContentsLength(24);
  for (const auto& choice : models_) model_picker_->addItem(choice.label);
  connect(model_picker_, &QComboBox::currentIndexChanged, this, &FunctionsView::select_model);
  controls->addWidget(model_picker_);

  untrained_warning_ = new QLabel(
      tr("⚠ untrained: random weights, so the curves are not a fit to anything yet"), this);
  untrained_warning_->setObjectName("untrainedWarning");
  untrained_warning_->setStyleSheet(
      "QLabel { background: #fff3cd; color: #7a4f01; border: 1px solid #f0c36d;"
      " border-radius: 3px; padding: 2px 6px; }");
  untrained_warning_->hide();
  controls->addWidget(untrained_warning_);
  controls->addStretch(1);

  auto* new_session = make_action(tr("New"), {QKeySequence::New}, "newAction");
  new_session->setToolTip(tr("Start afresh: no points, no undo history"));
  connect(new_session, &QAction::triggered, this, &FunctionsView::new_session);
  clear_ = make_action(tr("Clear"), {}, "clearAction");
  clear_->setToolTip(tr("Remove every context point (undoable)"));
  connect(clear_, &QAction::triggered, this, &FunctionsView::clear_points);
  undo_ = make_action(tr("Undo"), {QKeySequence::Undo}, "undoAction");
  connect(undo_, &QAction::triggered, this, &FunctionsView::undo);
  redo_ = make_action(tr("Redo"), {QKeySequence(QStringLiteral("Ctrl+Shift+Z")),
                                   QKeySequence::Redo}, "redoAction");
  connect(redo_, &QAction::triggered, this, &FunctionsView::redo);
  delete_ = make_action(tr("Delete point"), {QKeySequence::Delete, Qt::Key_Backspace},
                        "deleteAction");
  connect(delete_, &QAction::triggered, this, [this] {
    if (selected_ >= 0) remove_point(static_cast<std::size_t>(selected_));
  });
  for (auto* action : {new_session, clear_, undo_, redo_}) {
    auto* button = new QToolButton(this);
    button->setDefaultAction(action);
    controls->addWidget(button);
  }

  readout_ = new QLabel(this);
  readout_->setObjectName("readout");
  readout_->setTextFormat(Qt::RichText);
  QFont readout_font = readout_->font();
  readout_font.setPointSizeF(readout_font.pointSizeF() * 1.15);
  readout_->setFont(readout_font);
  // The text changes on every prediction; the layout must not (nor the window's size hints).
  readout_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
  readout_->setMinimumHeight(readout_->fontMetrics().height() + 6);
  auto* hint = new QLabel(tr("Left click: add a point · drag: move it · right click or Delete: "
                             "remove it · Ctrl+Z / Ctrl+Shift+Z: undo / redo"),
                          this);
  hint->setStyleSheet("color: #666;");
  auto* footer = new QVBoxLayout;
  footer->setSpacing(2);
  footer->addWidget(readout_);
  footer->addWidget(hint);
  layout->addLayout(footer);
}

void FunctionsView::build_plot() {
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("functionsPlot");
  plot_->setMinimumSize(480, 320);
  plot_->setBackground(Qt::white);
  replot_timer_ = new QTimer(this);
  replot_timer_->setSingleShot(true);
  replot_timer_->setInterval(kFrameMs);
  connect(replot_timer_, &QTimer::timeout, this,
          [this] { plot_->replot(QCustomPlot::rpQueuedReplot); });

  QFont label_font = font();
  label_font.setPointSizeF(label_font.pointSizeF() * 1.3);
  QFont tick_font = font();
  tick_font.setPointSizeF(tick_font.pointSizeF() * 1.1);
  plot_->xAxis->setLabel(tr("x"));
  plot_->yAxis->setLabel(tr("y"));
  plot_->xAxis->setRange(kMinX, kMaxX);
  plot_->yAxis->setRange(kMinY, kMaxY);
  for (auto* axis : {plot_->xAxis, plot_->yAxis}) {
    axis->setLabelFont(label_font);
    axis->setTickLabelFont(tick_font);
    axis->grid()->setPen(QPen(kGridColour, 1));
    axis->grid()->setZeroLinePen(QPen(QColor(190, 190, 190), 1));
  }

  band2_upper_ = add_band_edge(plot_, tr("±2σ"));
  band2_lower_ = add_band_edge(plot_, tr("−2σ"));
  band2_upper_->setBrush(QColor(kBandColour.red(), kBandColour.green(), kBandColour.blue(),
                                kTwoSigmaAlpha));
  band2_upper_->setChannelFillGraph(band2_lower_);
  band1_upper_ = add_band_edge(plot_, tr("±1σ"));
  band1_lower_ = add_band_edge(plot_, tr("−1σ"));
  band1_upper_->setBrush(QColor(kBandColour.red(), kBandColour.green(), kBandColour.blue(),
                                kOneSigmaAlpha));
  band1_upper_->setChannelFillGraph(band1_lower_);

  mean_ = plot_->addGraph();
  mean_->setName(tr("predictive mean"));
  mean_->setPen(QPen(kMeanColour, 2.5));

  context_ = plot_->addGraph();
  context_->setName(tr("context points"));
  context_->setLineStyle(QCPGraph::lsNone);
  context_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, 1.5), kPointColour, 11));

  selection_ = plot_->addGraph();
  selection_->setName(tr("selected"));
  selection_->setLineStyle(QCPGraph::lsNone);
  selection_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(kSelectionColour, 2.5), Qt::NoBrush, 19));

  plot_->legend->setVisible(true);
  for (auto* hidden : {band2_lower_, band1_lower_, selection_}) hidden->removeFromLegend();
  plot_->legend->setBrush(QColor(255, 255, 255, 220));
  plot_->legend->setBorderPen(QPen(QColor(200, 200, 200)));
  QFont legend_font = font();
  legend_font.setPointSizeF(legend_font.pointSizeF() * 1.1);
  plot_->legend->setFont(legend_font);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);

  connect(plot_, &QCustomPlot::mousePress, this, &FunctionsView::on_mouse_press);
  connect(plot_, &QCustomPlot::mouseMove, this, &FunctionsView::on_mouse_move);
  connect(plot_, &QCustomPlot::mouseRelease, this, &FunctionsView::on_mouse_release);
}

int FunctionsView::current_model() const { return model_picker_->currentIndex(); }

bool FunctionsView::is_settled() const { return shown_ && shown_->generation == generation_; }

// --- Edits -------------------------------------------------------------------------------------

void FunctionsView::add_point(double x, double y) {
  auto next = points_;
  next.push_back(point_1d(std::clamp(x, kMinX, kMaxX), std::clamp(y, kMinY, kMaxY)));
  selected_ = static_cast<int>(next.size()) - 1;
  commit(std::move(next));
}

void FunctionsView::move_point(std::size_t index, double x, double y) {
  if (index >= points_.size()) return;
  auto next = points_;
  next[index] = point_1d(std::clamp(x, kMinX, kMaxX), std::clamp(y, kMinY, kMaxY));
  commit(std::move(next));
}

void FunctionsView::remove_point(std::size_t index) {
  if (index >= points_.size()) return;
  auto next = points_;
  next.erase(next.begin() + static_cast<std::ptrdiff_t>(index));
  selected_ = -1;
  commit(std::move(next));
}

void FunctionsView::set_points(std::vector<ContextPoint> points) {
  selected_ = -1;
  commit(std::move(points));
}

void FunctionsView::clear_points() {
  if (points_.empty()) return;
  set_points({});
}

void FunctionsView::new_session() {
  selected_ = -1;
  commit({}, /*record_undo=*/false);
  history_.reset();
  update_actions();
  // TODO(gp-truth): draw a hidden ground-truth function from nplab/data/gp.h once it is on main.
}

void FunctionsView::undo() {
  if (auto previous = history_.undo(points_)) {
    selected_ = -1;
    commit(std::move(*previous), /*record_undo=*/false);
  }
}

void FunctionsView::redo() {
  if (auto next = history_.redo(points_)) {
    selected_ = -1;
    commit(std::move(*next), /*record_undo=*/false);
  }
}

void FunctionsView::commit(std::vector<ContextPoint> next, bool record_undo) {
  if (record_undo) history_.record(points_);
  points_ = std::move(next);
  if (selected_ >= static_cast<int>(points_.size())) selected_ = -1;
  draw_points();
  update_actions();
  request_prediction();
}

void FunctionsView::select_model(int index) {
  if (index < 0 || index >= models_.size()) return;
  if (model_picker_->currentIndex() != index) {
    model_picker_->setCurrentIndex(index);  // re-enters through currentIndexChanged
    return;
  }
  untrained_warning_->setVisible(models_[index].untrained);
  request_prediction();
}

void FunctionsView::request_prediction() {
  const int model = current_model();
  if (model < 0) return;
  worker_.post({++generation_, models_[model].source, points_, grid_});
}

// --- Mouse -------------------------------------------------------------------------------------

QPointF FunctionsView::to_data(const QPointF& pixel) const {
  return {plot_->xAxis->pixelToCoord(pixel.x()), plot_->yAxis->pixelToCoord(pixel.y())};
}

int FunctionsView::point_near(const QPointF& pixel) const {
  int nearest = -1;
  double nearest_distance = kHitRadiusPixels;
  for (size_t i = 0; i < points_.size(); ++i) {
    const QPointF drawn(plot_->xAxis->coordToPixel(points_[i].x[0]),
                        plot_->yAxis->coordToPixel(points_[i].y[0]));
    const double distance = std::hypot(drawn.x() - pixel.x(), drawn.y() - pixel.y());
    if (distance <= nearest_distance) {
      nearest = static_cast<int>(i);
      nearest_distance = distance;
    }
  }
  return nearest;
}

void FunctionsView::on_mouse_press(QMouseEvent* event) {
  const QPointF pixel = event->position();
  if (!plot_->axisRect()->rect().contains(pixel.toPoint())) return;
  const int hit = point_near(pixel);
  if (event->button() == Qt::RightButton) {
    if (hit >= 0) remove_point(static_cast<std::size_t>(hit));
    return;
  }
  if (event->button() != Qt::LeftButton) return;
  if (hit >= 0) {
    selected_ = hit;
    drag_start_ = points_;  // recorded for undo only once the point actually moves
    draw_points();
  } else {
    const QPointF data = to_data(pixel);
    add_point(data.x(), data.y());  // holding the button drags the new point: one undo step
    drag_start_.reset();
  }
  dragging_ = true;
}

void FunctionsView::on_mouse_move(QMouseEvent* event) {
  if (!dragging_ || selected_ < 0 || !(event->buttons() & Qt::LeftButton)) return;
  if (drag_start_) {
    history_.record(std::move(*drag_start_));
    drag_start_.reset();
  }
  const QPointF data = to_data(event->position());
  auto next = points_;
  next[static_cast<size_t>(selected_)] =
      point_1d(std::clamp(data.x(), kMinX, kMaxX), std::clamp(data.y(), kMinY, kMaxY));
  commit(std::move(next), /*record_undo=*/false);
}

void FunctionsView::on_mouse_release(QMouseEvent* /*event*/) {
  dragging_ = false;
  drag_start_.reset();
}

// --- Drawing -----------------------------------------------------------------------------------

void FunctionsView::draw_points() {
  QVector<double> xs, ys;
  xs.reserve(static_cast<qsizetype>(points_.size()));
  ys.reserve(static_cast<qsizetype>(points_.size()));
  for (const auto& point : points_) {
    xs.append(point.x[0]);
    ys.append(point.y[0]);
  }
  context_->setData(xs, ys);
  if (selected_ >= 0) {
    selection_->setData({xs[selected_]}, {ys[selected_]});
  } else {
    selection_->data()->clear();
  }
  schedule_replot();
}

void FunctionsView::schedule_replot() {
  if (!replot_timer_->isActive()) replot_timer_->start();
}

void FunctionsView::clear_curves() {
  for (auto* graph : {band2_upper_, band2_lower_, band1_upper_, band1_lower_, mean_}) {
    graph->data()->clear();
  }
}

void FunctionsView::show_result(const PredictionResult& result) {
  if (shown_ && result.generation < shown_->generation) return;  // never step back in time
  const bool latest = result.generation == generation_;
  if (!result.ok()) {
    error_ = QString::fromStdString(result.error);
    shown_ = result;
    clear_curves();
  } else {
    error_.clear();
    shown_ = result;
    const auto& mean = result.prediction.mean;
    const auto& stddev = result.prediction.stddev;
    const auto count = static_cast<qsizetype>(std::min(mean.size(), grid_.size()));
    QVector<double> keys(grid_.begin(), grid_.begin() + count);
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
  if (latest) {
    replot_timer_->stop();  // the final picture: draw it now rather than a frame later
    plot_->replot(QCustomPlot::rpQueuedReplot);
  } else {
    schedule_replot();
  }
  update_readout();
  if (latest) emit settled();
}

void FunctionsView::update_readout() {
  if (!error_.isEmpty()) {
    readout_->setText(QStringLiteral("<span style='color:#b00020'><b>Error:</b> %1</span>")
                          .arg(error_.toHtmlEscaped()));
    return;
  }
  if (!shown_) {
    readout_->setText(QStringLiteral("<b>N = %1</b>").arg(points_.size()) +
                      tr(" · waiting for the model…"));
    return;
  }
  const auto& update = shown_->update;
  const QString count = QStringLiteral("<b>N = %1</b>").arg(update.count);
  const bool constant = update.mode == UpdateMode::ConstantTime;
  const QString mode = QStringLiteral("<span style='color:%1'><b>%2</b></span>")
                           .arg(QLatin1String(constant ? "#1b7f3b" : "#a15c00"),
                                QString::fromUtf8(to_string(update.mode)));
  const QLocale locale(QLocale::English);
  QString text = count + QStringLiteral(" · last update: <b>%1 µs</b> (%2) · state: %3")
                             .arg(locale.toString(update.micros, 'f', 0), mode,
                                  format_bytes(update.state_bytes));
  text += tr(" · predicting %1 targets: %2 ms")
              .arg(shown_->prediction.mean.size())
              .arg(locale.toString(shown_->prediction.micros / 1000.0, 'f', 1));
  if (!update.note.empty()) {
    text += QStringLiteral(" <i>(%1)</i>").arg(QString::fromStdString(update.note).toHtmlEscaped());
  }
  readout_->setText(text);
}

void FunctionsView::update_actions() {
  undo_->setEnabled(history_.can_undo());
  redo_->setEnabled(history_.can_redo());
  clear_->setEnabled(!points_.empty());
}

}  // namespace nplab::ui
