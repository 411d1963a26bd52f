#pragma once
// The Functions view: click context points onto x in [-2, 2] and watch the model's predictive
// mean and ±1σ/±2σ bands follow. Left click adds a point (and drags it while held), dragging a
// point moves it, right click or Delete removes it. Every edit is undoable (Ctrl+Z,
// Ctrl+Shift+Z). The view keeps the point list itself, so points appear at once; predictions
// come from the worker thread (latest request wins) and are drawn when they arrive.

#include <QKeySequence>
#include <QList>
#include <QWidget>

#include <cstdint>
#include <optional>
#include <vector>

#include "edit_history.h"
#include "explorer_worker.h"
#include "model_catalog.h"

class QAction;
class QComboBox;
class QCPGraph;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QTimer;

namespace nplab::ui {

class FunctionsView : public QWidget {
  Q_OBJECT

 public:
  static constexpr double kMinX = -2.0;
  static constexpr double kMaxX = 2.0;
  static constexpr double kMinY = -3.0;
  static constexpr double kMaxY = 3.0;
  static constexpr int kGridSize = 400;

  /// `worker` must outlive the view's requests (it is owned by the window's ExplorerThread).
  /// `model_dirs` are searched for checkpoints (default_model_dirs() when empty).
  explicit FunctionsView(ExplorerWorker& worker, QStringList model_dirs = {},
                         QWidget* parent = nullptr);

  const std::vector<ContextPoint>& points() const { return points_; }
  /// The dense grid of targets the curves are drawn on.
  const std::vector<double>& grid() const { return grid_; }
  const QList<ModelChoice>& models() const { return models_; }
  int current_model() const;
  /// The last prediction drawn, if any.
  const std::optional<PredictionResult>& shown() const { return shown_; }
  /// Whether what is drawn answers the latest request (no prediction still on its way).
  bool is_settled() const;
  QCustomPlot* plot() const { return plot_; }
  int selected_point() const { return selected_; }

  // Edits, as the mouse and the buttons make them; each one is undoable.
  void add_point(double x, double y);
  void move_point(std::size_t index, double x, double y);
  void remove_point(std::size_t index);
  void set_points(std::vector<ContextPoint> points);
  void clear_points();
  /// A fresh start: no points and no undo history.
  void new_session();
  void undo();
  void redo();
  bool can_undo() const { return history_.can_undo(); }
  bool can_redo() const { return history_.can_redo(); }
  void select_model(int index);

 signals:
  /// The drawn prediction now answers the latest request.
  void settled();

 private:
  void build_controls();
  void build_plot();
  QAction* make_action(const QString& text, const QList<QKeySequence>& keys, const char* name);

  void on_mouse_press(QMouseEvent* event);
  void on_mouse_move(QMouseEvent* event);
  void on_mouse_release(QMouseEvent* event);
  /// Index of the point drawn within a few pixels of `pixel`, or -1.
  int point_near(const QPointF& pixel) const;
  QPointF to_data(const QPointF& pixel) const;

  /// Makes `next` the context; records `before` for undo unless told not to.
  void commit(std::vector<ContextPoint> next, bool record_undo = true);
  void request_prediction();
  void show_result(const PredictionResult& result);
  void draw_points();
  void clear_curves();
  /// Replots at most once per frame however many edits and results arrive (PlotJuggler's way).
  void schedule_replot();
  void update_readout();
  void update_actions();

  ExplorerWorker& worker_;
  EditHistory history_;
  std::vector<ContextPoint> points_;
  std::vector<double> grid_;
  QList<ModelChoice> models_;
  std::uint64_t generation_ = 0;
  std::optional<PredictionResult> shown_;
  QString error_;

  int selected_ = -1;
  bool dragging_ = false;
  std::optional<std::vector<ContextPoint>> drag_start_;  // points before a drag, until it moves

  QComboBox* model_picker_ = nullptr;
  QLabel* untrained_warning_ = nullptr;
  QLabel* readout_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QTimer* replot_timer_ = nullptr;
  QCPGraph* band2_upper_ = nullptr;
  QCPGraph* band2_lower_ = nullptr;
  QCPGraph* band1_upper_ = nullptr;
  QCPGraph* band1_lower_ = nullptr;
  QCPGraph* mean_ = nullptr;
  QCPGraph* context_ = nullptr;
  QCPGraph* selection_ = nullptr;
  QAction* undo_ = nullptr;
  QAction* redo_ = nullptr;
  QAction* clear_ = nullptr;
  QAction* delete_ = nullptr;
};

}  // namespace nplab::ui
