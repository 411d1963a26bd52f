#pragma once
// The BO view: Bayesian optimisation of a hidden 1D function, one query at a time. Above, the
// hidden function (shown dimmed, or hidden), the surrogate's mean ±2σ, the queries so far and the
// next one marked; beneath, the acquisition function with its maximiser; beside, the simple
// regret against the step next to the oracle GP's and random search's on the same function and
// seed. "Step" queries the proposed point, "Run to N" steps until N steps are done, "Reset" goes
// back to the starting points, and a click on the plot queries f there by hand. Every step, hand
// query, reset and change of setting is undoable. The searches run on the shared JobThread
// (BoWorker, latest wins); the GUI thread only draws.

#include <QWidget>
#include <cstdint>
#include <optional>
#include <vector>

#include "bo_worker.h"
#include "edit_history.h"
#include "editable_view.h"
#include "model_catalog.h"
#include "nplab/facade/session.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QMouseEvent;
class QSpinBox;

namespace nplab::ui {

class BoRegretPlot;
class BoSearchPlot;
class EditButtons;

/// One undo step of the BO view: its settings and its queries after the starting points.
struct BoSnapshot {
  facade::BoSettings settings;
  std::vector<BoOp> ops;
  friend bool operator==(const BoSnapshot&, const BoSnapshot&) = default;
};

class BoView : public QWidget, public EditableView {
  Q_OBJECT

 public:
  static constexpr int kDefaultRunTo = 20;
  static constexpr int kMaxSteps = 200;

  /// `worker` must outlive the view's requests; `model_dirs` are searched for 1D checkpoints
  /// (default_model_dirs() when empty), each offered as a surrogate.
  explicit BoView(BoWorker& worker, QStringList model_dirs = {}, QWidget* parent = nullptr);

  /// The surrogates offered: "oracle GP", "random search", then every trained 1D checkpoint.
  /// Their `source.name_or_path` is BoSettings::surrogate ("oracle", "random" or the path).
  const QList<ModelChoice>& surrogates() const { return surrogates_; }
  int current_surrogate() const;
  /// Each of these is an undoable edit that keeps the queries (steps are proposed afresh).
  void select_surrogate(int index);
  void set_function(const std::string& name);
  void set_acquisition(const std::string& name);
  void set_seed(std::uint64_t seed);
  /// Offers one more surrogate (a checkpoint from a session); returns its index.
  int add_surrogate(const ModelChoice& choice);
  const facade::BoSettings& settings() const { return state_.settings; }
  const std::vector<BoOp>& ops() const { return state_.ops; }
  /// Steps so far (queries after the starting points), hand queries included.
  int steps() const { return static_cast<int>(state_.ops.size()); }
  bool truth_shown() const;
  void set_truth_shown(bool shown);

  // Edits (each undoable).
  void step();
  /// Adds steps until `count` queries follow the starting points (none when there are).
  void run_to(int count);
  /// Queries f at `x` (the nearest grid point in [-2, 2]).
  void query_at(double x);
  void reset();
  void clear_points() override { reset(); }
  /// The next seed (another hidden function for the GP objectives) and no queries.
  void new_session() override;
  void undo() override;
  void redo() override;
  bool can_undo() const override { return history_.can_undo(); }
  bool can_redo() const override { return history_.can_redo(); }
  bool can_clear() const override { return !state_.ops.empty(); }
  const SnapshotHistory<BoSnapshot>& history() const { return history_; }

  /// What a session keeps: the settings, every query's x (from the latest answer; a step not yet
  /// answered is left out) and the overlay.
  facade::BoSession session() const;
  /// Replaces the view's state (no undo history). The surrogate must be offered (add_surrogate);
  /// the queries are made where the session says, steps included.
  void restore(const facade::BoSession& session);

  const std::optional<BoResult>& shown() const { return shown_; }
  bool is_settled() const;
  BoSearchPlot* search_plot() const { return search_plot_; }
  BoRegretPlot* regret_plot() const { return regret_plot_; }
  QString readout_text() const;

 signals:
  void settled();
  void history_changed();

 private:
  void build_controls();
  void commit(BoSnapshot next, bool record_undo = true);
  /// A settings edit: the steps' pinned places are dropped (the new surrogate proposes them).
  void change_settings(facade::BoSettings settings);
  void request();
  void show_result(const BoResult& result);
  void show_controls();
  void update_readout();
  void update_actions();
  void on_mouse_press(QMouseEvent* event);

  BoWorker& worker_;
  QList<ModelChoice> surrogates_;
  BoSnapshot state_;
  SnapshotHistory<BoSnapshot> history_;
  std::uint64_t generation_ = 0;
  std::optional<BoResult> shown_;

  QComboBox* function_picker_ = nullptr;
  QComboBox* surrogate_picker_ = nullptr;
  QComboBox* acquisition_picker_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QSpinBox* run_to_ = nullptr;
  QCheckBox* show_truth_ = nullptr;
  EditButtons* edit_buttons_ = nullptr;
  BoSearchPlot* search_plot_ = nullptr;
  BoRegretPlot* regret_plot_ = nullptr;
  QLabel* readout_ = nullptr;
};

}  // namespace nplab::ui
