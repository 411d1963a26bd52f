#include "events_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "events_plot.h"
#include "theme.h"
#include "view_controls.h"

namespace nplab::ui {
namespace {

constexpr double kHitRadiusPixels = 8.0;
constexpr double kSmallestTime = 1e-6;
constexpr int kRunCount = 100;

std::vector<facade::MarkedEvent> sorted(std::vector<facade::MarkedEvent> events) {
  std::stable_sort(
      events.begin(), events.end(),
      [](const facade::MarkedEvent& a, const facade::MarkedEvent& b) { return a.time < b.time; });
  // Two events at one time (a drag onto another): the later one moves just past it.
  for (std::size_t i = 1; i < events.size(); ++i) {
    if (!(events[i].time > events[i - 1].time)) {
      events[i].time = std::nextafter(events[i - 1].time, INFINITY) * (1 + 1e-12);
    }
  }
  return events;
}

}  // namespace

EventsView::EventsView(EventsWorker& worker, QStringList model_dirs, QWidget* parent)
    : QWidget(parent), worker_(worker) {
  setObjectName("eventsView");
  build_controls(available_event_models(model_dirs.isEmpty() ? default_model_dirs() : model_dirs));
  connect(&worker_, &EventsWorker::finished, this, &EventsView::show_result);
  connect(&ThemeSignals::instance(), &ThemeSignals::changed, this, &EventsView::update_readout);
  set_process(process_spec_);
  update_actions();
  update_readout();
  select_model(preferred_model(models()));
}

void EventsView::build_controls(QList<ModelChoice> choices) {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  layout->addLayout(controls);
  model_picker_ = new ModelPicker(
      std::move(choices), "eventsModelPicker", 16,
      {tr("⚠ untrained: random weights"),
       tr("This model has not been trained. Train one with nplab-cli train --model cmhp --data "
          "tpp-hawkes, or open a checkpoint.")},
      this);
  connect(model_picker_, &ModelPicker::chosen, this, [this] {
    shown_.reset();
    update_labels();
    request_prediction();
  });
  controls->addWidget(model_picker_);
  auto* open = new QPushButton(tr("Open checkpoint…"), this);
  open->setObjectName("openEventCheckpoint");
  open->setToolTip(tr("Load a CMHP or THP checkpoint (nplab-cli train --model cmhp|thp)"));
  connect(open, &QPushButton::clicked, this, &EventsView::open_checkpoint);
  controls->addWidget(open);
  controls->addSpacing(12);
  controls->addWidget(new QLabel(tr("Compare with:"), this));
  compare_picker_ = make_compare_picker(
      *model_picker_, "eventsComparePicker", 12,
      tr("Show a second model's next-event density and mark probabilities beside the first's, on "
         "the same events (THP beside CMHP: recompute beside constant-time)"),
      [this](int index) { set_compare_model(index); }, this);
  controls->addWidget(compare_picker_);
  controls->addSpacing(12);
  controls->addWidget(new QLabel(tr("Mark:"), this));
  mark_picker_ = new QComboBox(this);
  mark_picker_->setObjectName("markPicker");
  mark_picker_->setToolTip(tr("The mark a click adds (one colour per mark)"));
  for (int k = 0; k < kMarks; ++k) {
    QPixmap swatch(12, 12);
    swatch.fill(mark_colour(k));
    mark_picker_->addItem(QIcon(swatch), tr("mark %1").arg(k));
  }
  controls->addWidget(mark_picker_);
  controls->addStretch(1);
  controls = new QHBoxLayout;  // the hidden process's row
  layout->addLayout(controls);
  controls->addWidget(new QLabel(tr("Hidden process:"), this));
  process_picker_ = new QComboBox(this);
  process_picker_->setObjectName("processPicker");
  process_picker_->setToolTip(
      tr("The synthetic process that reveals events; its intensity is "
         "known exactly, so the oracle is the ceiling"));
  for (const auto kind :
       {facade::EventProcessKind::Hawkes, facade::EventProcessKind::SelfCorrecting,
        facade::EventProcessKind::Poisson}) {
    process_picker_->addItem(QString::fromStdString(facade::event_process_name(kind)),
                             static_cast<int>(kind));
  }
  connect(process_picker_, &QComboBox::currentIndexChanged, this, [this](int item) {
    auto spec = process_spec_;
    spec.kind = static_cast<facade::EventProcessKind>(process_picker_->itemData(item).toInt());
    set_process(spec);
  });
  controls->addWidget(process_picker_);
  auto* reveal_one = new QPushButton(tr("Reveal next event"), this);
  reveal_one->setObjectName("revealNextButton");
  reveal_one->setToolTip(tr("Add the hidden process's next event after the last one"));
  connect(reveal_one, &QPushButton::clicked, this, [this] { reveal(1); });
  controls->addWidget(reveal_one);
  auto* run = new QPushButton(tr("Run %1 events").arg(kRunCount), this);
  run->setObjectName("runEventsButton");
  run->setToolTip(
      tr("Add the hidden process's next %1 events, as one undoable edit").arg(kRunCount));
  connect(run, &QPushButton::clicked, this, [this] { reveal(kRunCount); });
  controls->addWidget(run);
  show_truth_ = new QCheckBox(tr("Truth"), this);
  show_truth_->setObjectName("showEventTruth");
  show_truth_->setToolTip(
      tr("Overlay the hidden process's true intensity and the oracle's "
         "next-event density"));
  show_truth_->setChecked(true);
  connect(show_truth_, &QCheckBox::toggled, this, [this] { request_prediction(); });
  controls->addWidget(show_truth_);
  controls->addStretch(1);
  edit_buttons_ =
      new EditButtons(*this, *this, tr("Start afresh: a new hidden process and no events"),
                      tr("Remove every event (undoable)"));
  controls->addWidget(edit_buttons_);

  no_model_ = new QLabel(this);
  no_model_->setObjectName("noEventModel");
  no_model_->setWordWrap(true);
  no_model_->setText(
      tr("No trained point-process model was found in models/ (cmhp.pt, thp.pt): the view shows "
         "an untrained model with random weights. Use “Open checkpoint…” to load one, or train "
         "one with <code>nplab-cli train --model cmhp --data tpp-hawkes</code>."));
  layout->addWidget(no_model_);

  auto* centre = new QHBoxLayout;
  plot_ = new EventsPlot(kMarks, this);
  bars_ = new MarkBars(kMarks, this);
  bars_->setMaximumWidth(240);
  centre->addWidget(plot_, 1);
  centre->addWidget(bars_);
  layout->addLayout(centre, 1);
  connect(plot_, &QCustomPlot::mousePress, this, &EventsView::on_mouse_press);
  connect(plot_, &QCustomPlot::mouseMove, this, &EventsView::on_mouse_move);
  connect(plot_, &QCustomPlot::mouseRelease, this, &EventsView::on_mouse_release);
  readout_ = add_readout_footer(
      *layout, *this,
      tr("Left click: add an event with the selected mark · drag: move it · right click: remove "
         "it · Ctrl+Z / Ctrl+Shift+Z: undo / redo"));
  no_model_->setVisible(!has_trained_model());
}

const QList<ModelChoice>& EventsView::models() const {
  return model_picker_->choices();
}
int EventsView::current_model() const {
  return model_picker_->current();
}
void EventsView::select_model(int index) {
  model_picker_->select(index);
}
int EventsView::add_model_choice(const ModelChoice& choice) {
  const int index = model_picker_->add(choice);
  no_model_->setVisible(!has_trained_model());
  return index;
}
bool EventsView::has_trained_model() const {
  return std::any_of(models().begin(), models().end(),
                     [](const ModelChoice& choice) { return !choice.untrained; });
}
int EventsView::selected_mark() const {
  return mark_picker_->currentIndex();
}
void EventsView::set_selected_mark(int mark) {
  mark_picker_->setCurrentIndex(mark);
}
bool EventsView::truth_shown() const {
  return show_truth_->isChecked();
}
bool EventsView::is_settled() const {
  return shown_ && shown_->generation == generation_;
}

void EventsView::open_checkpoint() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open a point-process checkpoint"), {},
                                                    tr("Checkpoint (*.pt)"));
  if (path.isEmpty()) return;
  const int index = add_model_choice({QFileInfo(path).fileName(),
                                      {ModelSource::Kind::Checkpoint, path.toStdString(), 1, 1},
                                      false});
  select_model(index);
}

// --- Edits -------------------------------------------------------------------------------------

void EventsView::add_event(double time, int mark) {
  auto next = events_;
  next.push_back({std::max(time, kSmallestTime), std::clamp(mark, 0, kMarks - 1)});
  commit(sorted(std::move(next)));
}

void EventsView::move_event(std::size_t index, double time) {
  if (index >= events_.size()) return;
  auto next = events_;
  next[index].time = std::max(time, kSmallestTime);
  commit(sorted(std::move(next)));
}

void EventsView::remove_event(std::size_t index) {
  if (index >= events_.size()) return;
  auto next = events_;
  next.erase(next.begin() + static_cast<std::ptrdiff_t>(index));
  end_drag();
  commit(std::move(next));
}

void EventsView::set_events(std::vector<facade::MarkedEvent> events) {
  end_drag();
  commit(sorted(std::move(events)));
}

void EventsView::reveal(int count) {
  if (!process_) return;
  const auto revealed = process_->reveal(events_, count);
  if (!revealed.ok()) {
    error_ = QString::fromStdString(revealed.error());
    update_readout();
    return;
  }
  auto next = events_;
  next.insert(next.end(), revealed.value().begin(), revealed.value().end());
  commit(std::move(next));
}

void EventsView::clear_points() {
  if (!events_.empty()) set_events({});
}

void EventsView::new_session() {
  end_drag();
  history_.record(events_);
  auto spec = process_spec_;
  ++spec.seed;
  set_process(spec);
  plot_->set_time_span(kInitialSpan);
  commit({}, /*record_undo=*/false);
}

void EventsView::undo() {
  if (auto previous = history_.undo(events_)) {
    end_drag();
    commit(std::move(*previous), false);
  }
}

void EventsView::redo() {
  if (auto next = history_.redo(events_)) {
    end_drag();
    commit(std::move(*next), false);
  }
}

void EventsView::end_drag() {
  selected_ = -1;
  dragging_ = false;
  drag_start_.reset();
}

void EventsView::set_process(const facade::EventProcessSpec& spec) {
  auto made = facade::HiddenEventProcess::make(spec);
  if (!made.ok()) {
    error_ = QString::fromStdString(made.error());
    return;
  }
  process_spec_ = spec;
  process_.reset();
  process_.emplace(std::move(const_cast<facade::HiddenEventProcess&>(made.value())));
  process_picker_->setToolTip(QString::fromStdString(process_->description()));
  const int item = process_picker_->findData(static_cast<int>(spec.kind));
  if (item != process_picker_->currentIndex()) {
    const QSignalBlocker quiet(process_picker_);
    process_picker_->setCurrentIndex(item);
  }
  request_prediction();
}

void EventsView::restore(int model_index, std::vector<facade::MarkedEvent> events,
                         const facade::EventProcessSpec& process, bool show_truth,
                         int compare_index) {
  {
    const QSignalBlocker quiet(show_truth_);
    show_truth_->setChecked(show_truth);
  }
  model_picker_->select_quietly(model_index);
  shown_.reset();
  set_compare_pane(compare_index);  // the commit below requests for both models
  set_process(process);
  history_.reset();
  end_drag();
  plot_->set_time_span(kInitialSpan);
  commit(sorted(std::move(events)), /*record_undo=*/false);
}

void EventsView::commit(std::vector<facade::MarkedEvent> next, bool record_undo) {
  if (record_undo) {
    history_.record(events_);
    end_drag();  // an edit other than the drag itself: the drag's record would be stale
  }
  events_ = std::move(next);
  if (selected_ >= static_cast<int>(events_.size())) selected_ = -1;
  error_.clear();
  grow_span();
  request_prediction();
  plot_->set_events(events_, selected_);
  update_actions();
}

void EventsView::grow_span() {
  const double last = events_.empty() ? 0.0 : events_.back().time;
  const double wanted = std::max(kInitialSpan, last * 1.2 + 3.0);
  if (wanted > plot_->time_span()) plot_->set_time_span(wanted);
}

void EventsView::request_prediction() {
  const int model = current_model();
  if (model < 0 || !plot_) return;
  EventsRequest request;
  request.generation = ++generation_;
  request.model = models()[model].source;
  if (comparing()) request.compare = models()[compare_model()].source;
  request.events = events_;
  const double last = events_.empty() ? 0.0 : events_.back().time;
  const double span = std::max(plot_->time_span() - last, 1.0);
  for (int i = 1; i <= kGridSize; ++i) request.taus.push_back(span * i / kGridSize);
  if (truth_shown()) {
    request.process = process_spec_;
    for (int i = 0; i <= kGridSize; ++i) {
      request.times.push_back(std::min(last, plot_->time_span()) * i / kGridSize);
    }
  }
  worker_.post(std::move(request));
  update_readout();
}

void EventsView::show_result(const EventsResult& result) {
  if (shown_ && result.generation < shown_->generation) return;
  shown_ = result;
  error_ = QString::fromStdString(result.error);
  const double last = result.prediction.last_time;
  const bool compared = comparing() && result.compare && result.compare->ok();
  plot_->set_prediction(result.ok() ? std::optional(result.prediction) : std::nullopt);
  plot_->set_compare_prediction(compared ? std::optional(result.compare->prediction)
                                         : std::nullopt);
  plot_->set_truth(result.truth, last, truth_shown());
  bars_->set_probabilities(
      result.ok() ? result.prediction.mark_probabilities : std::vector<double>{},
      result.truth && truth_shown() ? result.truth->mark_probabilities : std::vector<double>{},
      compared ? result.compare->prediction.mark_probabilities : std::vector<double>{});
  update_readout();
  if (is_settled()) {
    plot_->replot();
    bars_->replot();
    emit settled();
  }
}

void EventsView::update_actions() {
  edit_buttons_->refresh();
  emit history_changed();
}

// --- Mouse -------------------------------------------------------------------------------------

int EventsView::event_near(double x_pixel) const {
  int nearest = -1;
  double nearest_distance = kHitRadiusPixels;
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const double distance = std::abs(plot_->xAxis->coordToPixel(events_[i].time) - x_pixel);
    if (distance <= nearest_distance) {
      nearest = static_cast<int>(i);
      nearest_distance = distance;
    }
  }
  return nearest;
}

void EventsView::on_mouse_press(QMouseEvent* event) {
  const QPointF pixel = event->position();
  if (!plot_->axisRect()->rect().contains(pixel.toPoint())) return;
  const int hit = event_near(pixel.x());
  if (event->button() == Qt::RightButton) {
    if (hit >= 0) remove_event(static_cast<std::size_t>(hit));
    return;
  }
  if (event->button() != Qt::LeftButton) return;
  if (hit >= 0) {
    selected_ = hit;
    drag_start_ = events_;  // recorded for undo once the event actually moves
    dragging_ = true;
    return;
  }
  add_event(plot_->xAxis->pixelToCoord(pixel.x()), selected_mark());
}

void EventsView::on_mouse_move(QMouseEvent* event) {
  if (!dragging_ || selected_ < 0 || !(event->buttons() & Qt::LeftButton)) return;
  if (drag_start_) {
    history_.record(std::move(*drag_start_));
    drag_start_.reset();
  }
  // The dragged event keeps the selection as it passes others.
  auto next = events_;
  auto moving = next[static_cast<std::size_t>(selected_)];
  next.erase(next.begin() + selected_);
  moving.time = std::max(plot_->xAxis->pixelToCoord(event->position().x()), kSmallestTime);
  const auto at = std::upper_bound(
      next.begin(), next.end(), moving,
      [](const facade::MarkedEvent& a, const facade::MarkedEvent& b) { return a.time < b.time; });
  selected_ = static_cast<int>(at - next.begin());
  next.insert(at, moving);
  next = sorted(std::move(next));
  commit(std::move(next), /*record_undo=*/false);
}

void EventsView::on_mouse_release(QMouseEvent* /*event*/) {
  dragging_ = false;
  drag_start_.reset();
}

}  // namespace nplab::ui
