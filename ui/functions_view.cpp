#include "functions_view.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "busy_indicator.h"
#include "function_plot.h"
#include "theme.h"
#include "truth_panel.h"
#include "view_controls.h"

namespace nplab::ui {
namespace {

std::vector<double> linspace(double from, double to, int count) {
  std::vector<double> values(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) values[i] = from + (to - from) * i / (count - 1);
  return values;
}

}  // namespace

FunctionsView::FunctionsView(ExplorerWorker& worker, QStringList model_dirs, QWidget* parent)
    : QWidget(parent), worker_(worker), grid_(linspace(kMinX, kMaxX, kGridSize)) {
  setObjectName("functionsView");
  plot_ = new FunctionPlot(kMinX, kMaxX, this);
  compare_plot_ = new FunctionPlot(kMinX, kMaxX, this);
  compare_plot_->setObjectName("comparePlot");
  build_controls(available_models(model_dirs.isEmpty() ? default_model_dirs() : model_dirs));
  applied_truth_ = truth();
  for (auto* source : {plot_, compare_plot_}) {
    connect(source, &QCustomPlot::mousePress, this,
            [this, source](QMouseEvent* event) { on_mouse_press(source, event); });
    connect(source, &QCustomPlot::mouseMove, this, &FunctionsView::on_mouse_move);
    connect(source, &QCustomPlot::mouseRelease, this, &FunctionsView::on_mouse_release);
    source->installEventFilter(this);
  }

  busy_ = new BusyIndicator(*plot_);
  connect(busy_, &BusyIndicator::changed, this, &FunctionsView::update_readout);
  connect(&worker_, &ExplorerWorker::finished, this, &FunctionsView::show_result);
  // The readout's colours are the theme's.
  connect(&ThemeSignals::instance(), &ThemeSignals::changed, this, [this] {
    update_readout();
    update_captions();
  });
  update_actions();
  update_readout();
  select_model(preferred_model(models()));
}

void FunctionsView::build_controls(QList<ModelChoice> choices) {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  layout->addLayout(controls);

  model_picker_ = new ModelPicker(
      std::move(choices), "modelPicker", 20,
      {tr("⚠ untrained: random weights"),
       tr("This model has not been trained, so its curves are not a fit to anything yet. "
          "Train one with nplab-cli train; checkpoints in models/ appear first in the list.")},
      this);
  connect(model_picker_, &ModelPicker::chosen, this, [this] {
    request_prediction();
    update_captions();
  });
  controls->addWidget(model_picker_);
  controls->addSpacing(12);
  controls->addWidget(new QLabel(tr("Compare with:"), this));
  compare_picker_ = make_compare_picker(
      *model_picker_, "compareModelPicker", 14,
      tr("Show a second model's prediction beside the first, on the same context points"),
      [this](int index) { set_compare_model(index); }, this);
  controls->addWidget(compare_picker_);
  controls->addStretch(1);

  edit_buttons_ = new EditButtons(
      *this, *this, tr("Start afresh: a new hidden function and no points (Undo brings them back)"),
      tr("Remove every context point (undoable)"));
  controls->addWidget(edit_buttons_);
  delete_ = new QAction(tr("Delete point"), this);
  delete_->setObjectName("deleteAction");
  addAction(delete_);
  delete_->setShortcuts({QKeySequence::Delete, Qt::Key_Backspace});
  // Window-wide, but only while this view is visible (a hidden tab's shortcuts do not fire).
  delete_->setShortcutContext(Qt::WindowShortcut);
  connect(delete_, &QAction::triggered, this, [this] {
    if (selected_ >= 0) remove_point(static_cast<std::size_t>(selected_));
  });
  auto* fit = new QAction(tr("Fit"), this);
  fit->setObjectName("fitAction");
  fit->setToolTip(tr("Fit the y axis to what is drawn (Ctrl+0); while you click, it only grows"));
  fit->setShortcut(QKeySequence(QStringLiteral("Ctrl+0")));
  fit->setShortcutContext(Qt::WindowShortcut);  // only while this view is on screen
  addAction(fit);
  connect(fit, &QAction::triggered, this, &FunctionsView::fit_axes);
  auto* fit_button = new QToolButton(this);
  fit_button->setDefaultAction(fit);
  controls->addWidget(fit_button);
  auto* stream_button = new QPushButton(tr("Stream…"), this);
  stream_button->setObjectName("streamButton");
  stream_button->setToolTip(
      tr("Stream a million noisy samples of this hidden function into the "
         "model and watch its memory stay flat (the Stream view)"));
  connect(stream_button, &QPushButton::clicked, this, &FunctionsView::stream_requested);
  controls->addWidget(stream_button);
  truth_panel_ = new TruthPanel(this);
  auto* centre = new QHBoxLayout;
  // Each plot under its caption, in a column of its own; the second column is hidden (and then
  // takes no room) unless two models are compared.
  for (auto [caption, plot] :
       {std::pair{&main_caption_, plot_}, {&compare_caption_, compare_plot_}}) {
    auto* column = new QWidget(this);
    auto* column_layout = new QVBoxLayout(column);
    column_layout->setContentsMargins(0, 0, 0, 0);
    *caption = new QLabel(column);
    (*caption)->setObjectName(plot == plot_ ? "mainCaption" : "compareCaption");
    (*caption)->setTextFormat(Qt::RichText);
    // A long caption is cut at the column's edge rather than widening the window.
    (*caption)->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    (*caption)->hide();
    plot->setParent(column);
    column_layout->addWidget(*caption);
    column_layout->addWidget(plot, 1);
    centre->addWidget(column, 1);
    if (plot == compare_plot_) compare_column_ = column;
  }
  compare_plot_->show();  // shown and hidden with its column
  compare_column_->hide();
  centre->addWidget(truth_panel_);
  layout->addLayout(centre, 1);
  connect(truth_panel_, &TruthPanel::spec_changed, this,
          [this] { set_truth(truth_panel_->spec()); });
  connect(truth_panel_, &TruthPanel::overlays_changed, this, [this] {
    draw_overlays();
    fit_y_ranges();
    request_prediction();  // the oracle is computed only while it is shown
  });
  connect(truth_panel_, &TruthPanel::new_function_requested, this, &FunctionsView::new_session);
  connect(truth_panel_, &TruthPanel::reveal_random_requested, this, [this] { reveal_random(); });
  connect(truth_panel_, &TruthPanel::reveal_uncertain_requested, this,
          &FunctionsView::reveal_uncertain);

  readout_ = add_readout_footer(
      *layout, *this,
      tr("Left click: add a point · drag: move it · right click or Delete: remove it · "
         "Ctrl+Z / Ctrl+Shift+Z: undo / redo · F1: all keys"));
}

QCustomPlot* FunctionsView::plot() const {
  return plot_;
}

int FunctionsView::current_model() const {
  return model_picker_->current();
}

bool FunctionsView::shows_busy() const {
  return busy_->shown();
}

bool FunctionsView::is_settled() const {
  const bool second_settled =
      !comparing() || (compare_shown_ && compare_shown_->generation == generation_);
  return shown_ && shown_->generation == generation_ && second_settled && pending_reveals_.empty();
}

// --- Edits -------------------------------------------------------------------------------------

facade::ContextPoint FunctionsView::visible_point(double x, double y) const {
  const QCPRange visible = plot_->yAxis->range();
  return facade::point_1d(std::clamp(x, kMinX, kMaxX), std::clamp(y, visible.lower, visible.upper));
}

void FunctionsView::add_point(double x, double y) {
  auto next = points_;
  next.push_back(visible_point(x, y));
  selected_ = static_cast<int>(next.size()) - 1;
  commit(std::move(next));
}

void FunctionsView::move_point(std::size_t index, double x, double y) {
  if (index >= points_.size()) return;
  auto next = points_;
  next[index] = visible_point(x, y);
  commit(std::move(next));
}

void FunctionsView::remove_point(std::size_t index) {
  if (index >= points_.size()) return;
  auto next = points_;
  next.erase(next.begin() + static_cast<std::ptrdiff_t>(index));
  selected_ = -1;
  commit(std::move(next));
}

void FunctionsView::set_points(std::vector<facade::ContextPoint> points) {
  selected_ = -1;
  commit(std::move(points));
}

void FunctionsView::clear_points() {
  if (points_.empty()) return;
  set_points({});
}

void FunctionsView::new_session() {
  history_.record(snapshot());
  auto spec = truth();
  spec.seed = random_() >> 1;  // fits a JSON integer of any reader
  selected_ = -1;
  pending_reveals_.clear();
  apply_truth(spec);
  commit({}, /*record_undo=*/false);
}

void FunctionsView::undo() {
  if (auto previous = history_.undo(snapshot())) restore_snapshot(std::move(*previous));
}

void FunctionsView::redo() {
  if (auto next = history_.redo(snapshot())) restore_snapshot(std::move(*next));
}

void FunctionsView::restore_snapshot(FunctionsSnapshot snapshot) {
  selected_ = -1;
  pending_reveals_.clear();
  if (snapshot.truth != applied_truth_) apply_truth(snapshot.truth);
  commit(std::move(snapshot.points), /*record_undo=*/false);
}

void FunctionsView::commit(std::vector<facade::ContextPoint> next, bool record_undo) {
  if (record_undo) history_.record(snapshot());
  points_ = std::move(next);
  if (selected_ >= static_cast<int>(points_.size())) selected_ = -1;
  request_prediction();  // first: the worker computes while this thread redraws the points
  draw_points();
  update_actions();
}

void FunctionsView::select_model(int index) {
  model_picker_->select(index);
}

int FunctionsView::add_model_choice(const ModelChoice& choice) {
  return model_picker_->add(choice);
}

const QList<ModelChoice>& FunctionsView::models() const {
  return model_picker_->choices();
}

void FunctionsView::restore(int model_index, std::vector<facade::ContextPoint> points,
                            const facade::TruthSpec& truth, bool show_truth, bool show_oracle,
                            int compare_index) {
  pending_reveals_.clear();
  selected_ = -1;
  truth_panel_->set_overlays(show_truth, show_oracle);
  apply_truth(truth);
  model_picker_->select_quietly(model_index);  // one request below, not one per change
  set_compare_pane(compare_index);             // the commit below requests for both models
  history_.reset();
  commit(std::move(points), /*record_undo=*/false);
}

void FunctionsView::request_prediction() {
  const int model = current_model();
  if (model < 0) return;
  PredictionRequest request;
  request.channel = Channel::Functions;
  request.generation = ++generation_;
  request.model = models()[model].source;
  request.points = points_;
  request.targets = grid_;
  request.truth = truth();
  request.oracle = oracle_shown();
  if (comparing()) {
    // The same context for the second model; the truth and the oracle come with the first.
    PredictionRequest second;
    second.channel = Channel::FunctionsCompare;
    second.generation = generation_;
    second.model = models()[compare_model()].source;
    second.points = points_;
    second.targets = grid_;
    worker_.post(std::move(second));
  }
  worker_.post(std::move(request));
  busy_->start();
}

// --- The hidden function -----------------------------------------------------------------------

const facade::TruthSpec& FunctionsView::truth() const {
  return truth_panel_->spec();
}

void FunctionsView::set_truth(const facade::TruthSpec& spec) {
  if (spec == applied_truth_) return;
  history_.record(snapshot());
  apply_truth(spec);
  request_prediction();
  update_actions();
}

void FunctionsView::apply_truth(const facade::TruthSpec& spec) {
  if (spec != truth()) truth_panel_->set_spec(spec);
  applied_truth_ = spec;
  truth_values_.clear();  // they were for the old spec; the next result brings the new ones
  oracle_.reset();
  draw_overlays();
}

bool FunctionsView::truth_shown() const {
  return truth_panel_->truth_shown();
}
bool FunctionsView::oracle_shown() const {
  return truth_panel_->oracle_shown();
}

void FunctionsView::set_overlays(bool truth, bool oracle) {
  truth_panel_->set_overlays(truth, oracle);
  draw_overlays();
  fit_y_ranges();
  request_prediction();
}

void FunctionsView::reveal_random(int count) {
  for (int i = 0; i < count; ++i) pending_reveals_.push_back(Reveal::Random);
  run_pending_reveals();
}

void FunctionsView::reveal_uncertain() {
  pending_reveals_.push_back(Reveal::Uncertain);
  run_pending_reveals();
}

facade::ContextPoint FunctionsView::observe(std::size_t index) {
  std::normal_distribution<double> noise(0.0, facade::kRevealNoiseStd);
  return facade::point_1d(grid_[index], truth_values_[index] + noise(random_));
}

void FunctionsView::run_pending_reveals() {
  while (!pending_reveals_.empty() && truth_values_.size() == grid_.size()) {
    std::size_t index = 0;
    if (pending_reveals_.front() == Reveal::Random) {
      std::uniform_int_distribution<std::size_t> anywhere(0, grid_.size() - 1);
      index = anywhere(random_);
    } else {
      // Needs the model's std for exactly the current points.
      if (!shown_ || shown_->generation != generation_ || !shown_->ok()) return;
      const auto& stddev = shown_->prediction.stddev;
      index =
          static_cast<std::size_t>(std::max_element(stddev.begin(), stddev.end()) - stddev.begin());
    }
    pending_reveals_.pop_front();
    auto next = points_;
    next.push_back(observe(index));
    commit(std::move(next));
  }
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
  plot_->set_points(xs, ys, selected_);
  if (comparing()) compare_plot_->set_points(xs, ys, selected_);
}

void FunctionsView::draw_overlays() {
  for (auto* target : {plot_, compare_plot_}) {
    if (target == compare_plot_ && !comparing()) continue;  // drawn when it is shown
    target->set_truth(grid_, truth_values_);
    if (oracle_) {
      target->set_oracle(grid_, oracle_->mean, oracle_->stddev);
    } else {
      target->set_oracle({}, {}, {});
    }
    target->show_overlays(truth_shown(), oracle_shown());
  }
}

void FunctionsView::show_result(const PredictionResult& result) {
  if (result.channel == Channel::FunctionsCompare) {
    show_compare_result(result);
    return;
  }
  if (result.channel != Channel::Functions) return;
  if (shown_ && result.generation < shown_->generation) return;  // never step back in time
  const bool latest = result.generation == generation_;
  shown_ = result;
  if (!result.ok()) {
    error_ = QString::fromStdString(result.error);
    plot_->clear_prediction();
  } else {
    error_.clear();
    plot_->set_prediction(grid_, result.prediction.mean, result.prediction.stddev);
  }
  truth_error_ = QString::fromStdString(result.truth_error);
  if (result.truth_spec == truth()) {
    if (!result.truth.empty()) truth_values_ = result.truth;
    oracle_ = result.oracle;
  }
  draw_overlays();
  if (!dragging_) fit_y_ranges();
  if (latest) {
    plot_->replot_now();  // the final picture: draw it now rather than a frame later
  } else {
    plot_->schedule_replot();
  }
  if (latest && (!comparing() || (compare_shown_ && compare_shown_->generation == generation_))) {
    busy_->finish();
  }
  update_readout();
  update_captions();
  run_pending_reveals();
  if (is_settled()) emit settled();
}

void FunctionsView::update_readout() {
  const auto colours = plot_colours();
  if (!error_.isEmpty()) {
    readout_->setText(QStringLiteral("<span style='color:%1'><b>Error:</b> %2</span>")
                          .arg(css(colours.error_text), error_.toHtmlEscaped()));
    return;
  }
  if (!shown_) {
    readout_->setText(QStringLiteral("<b>N = %1</b>").arg(points_.size()) +
                      tr(" · waiting for the model…"));
    return;
  }
  const auto& update = shown_->update;
  const QString count = QStringLiteral("<b>N = %1</b>").arg(update.count);
  const QString mode = update_mode_readout(update, colours);
  const QLocale locale(QLocale::English);
  const auto& training = shown_->model.training;
  const bool x_outside =
      training && std::any_of(points_.begin(), points_.end(), [&](const facade::ContextPoint& p) {
        return std::any_of(p.x.begin(), p.x.end(),
                           [&](double x) { return x < training->x_low || x > training->x_high; });
      });
  QString text =
      count + training_readout(training, update.count, x_outside, /*show_x=*/true, colours) +
      device_readout(*readout_, shown_->model.device, shown_->device_notice) +
      QStringLiteral(" · last update: <b>%1 µs</b> (%2) · state: %3")
          .arg(locale.toString(update.micros, 'f', 0), mode, format_bytes(update.state_bytes));
  text += tr(" · predicting %1 targets: %2 ms")
              .arg(shown_->prediction.mean.size())
              .arg(locale.toString(shown_->prediction.micros / 1000.0, 'f', 1));
  if (!update.note.empty()) {
    text += QStringLiteral(" <i>(%1)</i>").arg(QString::fromStdString(update.note).toHtmlEscaped());
  }
  if (!truth_error_.isEmpty()) {
    text += QStringLiteral(" · <span style='color:%1'>%2</span>")
                .arg(css(colours.error_text), truth_error_.toHtmlEscaped());
  }
  if (busy_->shown()) text = busy_readout(points_.size(), colours) + text;
  readout_->setText(text);
}

void FunctionsView::update_actions() {
  edit_buttons_->refresh();
  emit history_changed();
}

}  // namespace nplab::ui
