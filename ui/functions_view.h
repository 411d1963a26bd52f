#pragma once
// The Functions view: click context points onto x in [-2, 2] and watch the model's predictive
// mean and ±1σ/±2σ bands follow. Left click adds a point (and drags it while held), dragging a
// point moves it, right click or Delete removes it. Every edit is undoable (the window's Edit
// menu: Ctrl+Z, Ctrl+Shift+Z). The view keeps the point list itself, so points appear at once;
// predictions come from the worker thread (latest request wins) and are drawn when they arrive.
//
// A hidden function drawn from a GP (the truth panel) can be revealed point by point, at random
// or where the model is least certain, and overlaid with the oracle GP's prediction.

#include <QKeySequence>
#include <QList>
#include <QWidget>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <vector>

#include "edit_history.h"
#include "editable_view.h"
#include "explorer_worker.h"
#include "function_plot.h"
#include "model_catalog.h"

class QAction;
class QComboBox;
class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace nplab::ui {

class BusyIndicator;
class EditButtons;
class ModelPicker;
class TruthPanel;

class FunctionsView : public QWidget, public EditableView {
  Q_OBJECT

 public:
  static constexpr double kMinX = -2.0;
  static constexpr double kMaxX = 2.0;
  static constexpr int kGridSize = 400;

  /// `worker` must outlive the view's requests (the window owns it, beside its JobThread).
  /// `model_dirs` are searched for checkpoints (default_model_dirs() when empty).
  explicit FunctionsView(ExplorerWorker& worker, QStringList model_dirs = {},
                         QWidget* parent = nullptr);

  const std::vector<facade::ContextPoint>& points() const { return points_; }
  /// The dense grid of targets the curves are drawn on.
  const std::vector<double>& grid() const { return grid_; }
  const QList<ModelChoice>& models() const;
  int current_model() const;
  /// The last prediction drawn, if any.
  const std::optional<PredictionResult>& shown() const { return shown_; }
  /// Whether the view says it is computing (a request unanswered for BusyIndicator::kDelayMs).
  bool shows_busy() const;
  /// Whether what is drawn answers the latest request and no reveal is waiting to happen.
  bool is_settled() const;
  QCustomPlot* plot() const;
  int selected_point() const { return selected_; }

  // Edits, as the mouse and the buttons make them; each one is undoable.
  void add_point(double x, double y);
  void move_point(std::size_t index, double x, double y);
  void remove_point(std::size_t index);
  void set_points(std::vector<facade::ContextPoint> points);
  void clear_points() override;
  /// A fresh start: a new hidden function and no points, as one undoable edit.
  void new_session() override;
  void undo() override;
  void redo() override;
  bool can_undo() const override { return history_.can_undo(); }
  bool can_redo() const override { return history_.can_redo(); }
  bool can_clear() const override { return !points_.empty(); }
  /// The undo and redo stacks, read-only (what undo() and redo() will bring back).
  const SnapshotHistory<FunctionsSnapshot>& history() const { return history_; }
  void select_model(int index);
  /// Offers one more model (a checkpoint outside the searched folders); returns its index.
  int add_model_choice(const ModelChoice& choice);

  // Comparing two models side by side on the same context: a second plot shows the prediction
  // of another model of models(); edits on either plot change the one shared point list.
  /// An index into models(), or -1 to stop comparing.
  void set_compare_model(int index);
  /// The compared model's index into models(), -1 when not comparing.
  int compare_model() const;
  QCustomPlot* compare_plot() const;
  /// The last prediction of the compared model drawn, if any.
  const std::optional<PredictionResult>& compare_shown() const { return compare_shown_; }

  // The hidden function.
  const facade::TruthSpec& truth() const;
  /// Another kernel, hyperparameters or seed; the points stay.
  void set_truth(const facade::TruthSpec& spec);
  /// f on grid() for truth(), once the worker has computed it (empty before).
  const std::vector<double>& truth_values() const { return truth_values_; }
  bool truth_shown() const;
  bool oracle_shown() const;
  void set_overlays(bool truth, bool oracle);
  /// Adds `count` points (x, f(x) + noise) at random grid x (each one undoable), as soon as
  /// f is known.
  void reveal_random(int count = 1);
  /// Adds (x, f(x) + noise) where the model's predicted std is largest, once the prediction for
  /// the current points is in (active learning).
  void reveal_uncertain();
  /// Makes reveals (positions and noise) and new seeds reproducible.
  void set_random_seed(std::uint64_t seed) { random_.seed(seed); }

  /// Replaces everything a session holds at once, without undo history (opening a session).
  /// An out-of-range `model_index` keeps the current model; `compare_index` -1 compares nothing.
  void restore(int model_index, std::vector<facade::ContextPoint> points,
               const facade::TruthSpec& truth, bool show_truth, bool show_oracle,
               int compare_index = -1);

  /// Fits the y axis to what is drawn now, shrinking it too (the Fit button, Ctrl+0).
  void fit_axes();

 signals:
  /// The drawn prediction now answers the latest request.
  void settled();
  /// can_undo(), can_redo() or can_clear() may have changed.
  void history_changed();
  /// "Stream…": stream this model and hidden function, a million points (the Stream view).
  void stream_requested();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  enum class Reveal { Random, Uncertain };

  void build_controls(QList<ModelChoice> choices);

  // The mouse works on either plot; `source` is the plot the event came from.
  void on_mouse_press(FunctionPlot* source, QMouseEvent* event);
  void on_mouse_move(QMouseEvent* event);
  void on_mouse_release(QMouseEvent* event);
  /// Index of the point drawn within a few pixels of `pixel` on `source`, or -1.
  int point_near(const FunctionPlot& source, const QPointF& pixel) const;
  QPointF to_data(const FunctionPlot& source, const QPointF& pixel) const;
  /// A point at data coordinates, kept inside the visible plot (both plots show the same range).
  facade::ContextPoint visible_point(double x, double y) const;
  bool comparing() const { return compare_model() >= 0; }
  /// Shows or hides the second plot for `index` (-1: none) without requesting a prediction.
  void set_compare_pane(int index);
  /// Fits each plot's y axis, then gives both the union, so side by side they read alike. By
  /// default only growing while the pointer is over a plot, else settling (FunctionPlot::YFit).
  void fit_y_ranges(std::optional<FunctionPlot::YFit> mode = std::nullopt);
  void show_compare_result(const PredictionResult& result);
  /// "model · N · update µs (mode) · state", or the error, for one plot's caption.
  QString caption_for(int model, const std::optional<PredictionResult>& shown) const;
  void update_captions();

  /// Makes `next` the context; records the current list for undo unless told not to.
  void commit(std::vector<facade::ContextPoint> next, bool record_undo = true);
  /// What undo would come back to now.
  FunctionsSnapshot snapshot() const { return {points_, applied_truth_}; }
  /// Shows `spec` as the hidden function (not an edit: no undo record, points unchanged).
  void apply_truth(const facade::TruthSpec& spec);
  /// Undo and redo: the snapshot's function, then its points.
  void restore_snapshot(FunctionsSnapshot snapshot);
  void request_prediction();
  void show_result(const PredictionResult& result);
  /// Runs the reveals that can run now, in order; stops at one that must wait.
  void run_pending_reveals();
  /// f(grid[index]) plus observation noise.
  facade::ContextPoint observe(std::size_t index);
  void draw_points();
  void draw_overlays();
  void update_readout();
  void update_actions();

  ExplorerWorker& worker_;
  SnapshotHistory<FunctionsSnapshot> history_;
  std::vector<facade::ContextPoint> points_;
  std::vector<double> grid_;
  std::uint64_t generation_ = 0;
  std::optional<PredictionResult> shown_;
  std::optional<PredictionResult> compare_shown_;
  QString error_;

  facade::TruthSpec
      applied_truth_;  // truth() as last applied: the panel's spec is new by the time it says
  std::vector<double> truth_values_;  // for truth(); cleared when it changes
  std::optional<facade::GridPrediction> oracle_;
  QString truth_error_;
  std::deque<Reveal> pending_reveals_;
  std::mt19937_64 random_{std::random_device{}()};

  int selected_ = -1;
  bool dragging_ = false;
  bool pointer_in_plot_ = false;  // the y axis then only grows (fit_y_ranges)
  FunctionPlot* drag_plot_ = nullptr;                    // the plot a drag started on
  std::optional<std::vector<facade::ContextPoint>>
      drag_start_;  // points before a drag, until it moves

  BusyIndicator* busy_ = nullptr;  // "computing…" over the plot while a request is slow
  ModelPicker* model_picker_ = nullptr;
  EditButtons* edit_buttons_ = nullptr;
  QLabel* readout_ = nullptr;
  TruthPanel* truth_panel_ = nullptr;
  FunctionPlot* plot_ = nullptr;
  QComboBox* compare_picker_ = nullptr;  // "none", then models() in order
  FunctionPlot* compare_plot_ = nullptr;
  QWidget* compare_column_ = nullptr;  // the second plot and its caption
  QLabel* main_caption_ = nullptr;     // shown while comparing
  QLabel* compare_caption_ = nullptr;
  QAction* delete_ = nullptr;
};

}  // namespace nplab::ui
