#pragma once
// The Events view: a timeline of marked events and a temporal point-process model's prediction of
// the next one. Left click adds an event at that time with the selected mark, dragging an event
// moves it, right click removes it; every edit is undoable. Right of the last event: the model's
// density of the next event time with its mean ±σ, and beside the plot the next mark's
// probabilities. A hidden process (Hawkes, self-correcting or Poisson) can reveal events; its true
// intensity and the oracle's next-event density are overlaid. The model runs on the shared
// JobThread (EventsWorker, latest wins); the GUI thread only draws.

#include <QWidget>
#include <cstdint>
#include <optional>
#include <vector>

#include "edit_history.h"
#include "editable_view.h"
#include "events_worker.h"
#include "model_catalog.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QMouseEvent;
class QPushButton;

namespace nplab::ui {

class EditButtons;
class EventsPlot;
class MarkBars;
class ModelPicker;

class EventsView : public QWidget, public EditableView {
  Q_OBJECT

 public:
  static constexpr int kMarks = 3;
  static constexpr double kInitialSpan = 10.0;
  static constexpr int kGridSize = 300;

  /// `worker` must outlive the view's requests; `model_dirs` are searched for checkpoints
  /// (default_model_dirs() when empty).
  explicit EventsView(EventsWorker& worker, QStringList model_dirs = {}, QWidget* parent = nullptr);

  const std::vector<facade::MarkedEvent>& events() const { return events_; }
  const QList<ModelChoice>& models() const;
  int current_model() const;
  void select_model(int index);
  int add_model_choice(const ModelChoice& choice);
  /// Whether a trained point-process model is offered (else the view says so).
  bool has_trained_model() const;
  int selected_mark() const;
  void set_selected_mark(int mark);
  const std::optional<EventsResult>& shown() const { return shown_; }
  bool is_settled() const;
  EventsPlot* plot() const { return plot_; }
  MarkBars* mark_bars() const { return bars_; }
  const facade::EventProcessSpec& process_spec() const { return process_spec_; }
  bool truth_shown() const;

  // Edits (each undoable).
  void add_event(double time, int mark);
  void move_event(std::size_t index, double time);
  void remove_event(std::size_t index);
  void set_events(std::vector<facade::MarkedEvent> events);
  /// Adds the hidden process's next `count` events after the last one, as one edit.
  void reveal(int count = 1);
  void clear_points() override;
  /// A new hidden process (another seed) and no events, undoable for the events.
  void new_session() override;
  void undo() override;
  void redo() override;
  bool can_undo() const override { return history_.can_undo(); }
  bool can_redo() const override { return history_.can_redo(); }
  bool can_clear() const override { return !events_.empty(); }

  /// Replaces the view's state from a session (no undo history).
  void restore(int model_index, std::vector<facade::MarkedEvent> events,
               const facade::EventProcessSpec& process, bool show_truth);
  void set_process(const facade::EventProcessSpec& spec);

 signals:
  void settled();
  void history_changed();

 private:
  void build_controls(QList<ModelChoice> choices);
  void on_mouse_press(QMouseEvent* event);
  void on_mouse_move(QMouseEvent* event);
  void on_mouse_release(QMouseEvent* event);
  /// The event drawn within a few pixels of `x_pixel`, or -1.
  int event_near(double x_pixel) const;
  void commit(std::vector<facade::MarkedEvent> next, bool record_undo = true);
  void request_prediction();
  void show_result(const EventsResult& result);
  void grow_span();
  void update_readout();
  void update_actions();
  void open_checkpoint();

  EventsWorker& worker_;
  SnapshotHistory<std::vector<facade::MarkedEvent>> history_;
  std::vector<facade::MarkedEvent> events_;
  std::uint64_t generation_ = 0;
  std::optional<EventsResult> shown_;
  facade::EventProcessSpec process_spec_;
  std::optional<facade::HiddenEventProcess> process_;
  QString error_;

  int selected_ = -1;
  bool dragging_ = false;
  std::optional<std::vector<facade::MarkedEvent>> drag_start_;

  ModelPicker* model_picker_ = nullptr;
  QComboBox* mark_picker_ = nullptr;
  QComboBox* process_picker_ = nullptr;
  QCheckBox* show_truth_ = nullptr;
  QLabel* no_model_ = nullptr;
  EditButtons* edit_buttons_ = nullptr;
  EventsPlot* plot_ = nullptr;
  MarkBars* bars_ = nullptr;
  QLabel* readout_ = nullptr;
};

}  // namespace nplab::ui
