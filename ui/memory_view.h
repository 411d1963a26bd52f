#pragma once
// The Memory view: why CMANP can update in constant memory. For the chosen models and context
// sizes N it measures (in a child process, `nplab-cli bench sweep`) the peak memory of one
// condition + predict, the time of one update and the bytes of the model's state, and plots the
// three against N on log–log axes, one curve per model, with the N where CMANP passes each
// baseline marked. Sizes predicted past the memory cap or the run-time limit are not run; they
// are drawn dashed at their prediction. When the sweep ends, the status line says what it shows.
// Its second choice, point processes, measures CMHP and THP over history length instead: N is
// events of history, and each point is one new event (update + next-event prediction).

#include <QElapsedTimer>
#include <QStringList>
#include <QWidget>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sweep_process.h"

class QCheckBox;
class QComboBox;
class QCPGraph;
class QCPItemText;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace nplab::ui {

class BenchChart;

class MemoryView : public QWidget {
  Q_OBJECT

 public:
  /// The models offered, in this order; the first four (the paper's comparison) are ticked.
  static const QStringList& offered_models();
  /// From small contexts to where CMANP passes every baseline.
  static std::vector<std::int64_t> default_sizes() {
    return {64, 256, 1024, 4096, 16384, 65536, 262144};
  }

  /// The point-process models offered (both ticked) and their history lengths, in events.
  static const QStringList& offered_point_process_models();
  static std::vector<std::int64_t> default_history_lengths() {
    return {100, 1'000, 10'000, 100'000};
  }

  explicit MemoryView(QWidget* parent = nullptr);
  ~MemoryView() override;

  /// Point processes over history length (true) or neural processes over context size: the
  /// models offered, the N grid and the axes change with it, and the plot starts afresh.
  /// Ignored while a sweep runs.
  void set_point_processes(bool point_processes);
  bool point_processes() const { return point_processes_; }

  /// The ticked models of the current choice (neural or point processes).
  QStringList selected_models() const;
  /// Ticks exactly `models` among the current choice's (unknown names are ignored).
  void set_selected_models(const QStringList& models);
  /// The N grid as typed; throws nothing: an unreadable grid gives an empty list.
  std::vector<std::int64_t> sizes() const;
  void set_sizes(const std::vector<std::int64_t>& sizes);
  /// Why the typed N grid cannot be used, or "".
  QString sizes_problem() const;
  /// Options the next sweep will use, beside the models and sizes (targets, repeats, cap,
  /// run-time limit).
  facade::BenchSweepOptions& sweep_options() { return options_; }

  /// Starts a sweep of the selected models over sizes(); false (and a message) when they are
  /// unusable or a sweep is already running.
  bool start();
  void cancel();
  bool is_running() const { return running_; }
  /// Every point measured in the last sweep, in the order they came.
  const std::vector<facade::BenchPoint>& results() const { return results_; }
  QCustomPlot* plot() const { return plot_; }
  /// The measured curves (memory, update time) of `model`, or nullptr before it has data.
  QCPGraph* memory_curve(const QString& model) const;
  QCPGraph* update_curve(const QString& model) const;
  QCPGraph* state_curve(const QString& model) const;
  /// The texts drawn on the plots: crossover markers and predictions' notes.
  QStringList annotations() const;

  /// Writes results() as a sweep CSV (nplab/bench/bench_csv.h), which `nplab --plot` draws.
  /// Returns why not, or "".
  QString export_csv(const QString& path) const;

 signals:
  void sweep_finished(bool cancelled);

 private:
  void build_controls();
  void build_plot();
  void add_point(const facade::BenchPoint& point);
  void on_finished(bool cancelled, const QString& error);
  void annotate();
  void set_status(const QString& text, bool error = false);
  QString reference() const { return point_processes_ ? "cmhp" : "cmanp"; }
  QString introduction() const;

  SweepProcess sweep_;
  QElapsedTimer clock_;
  facade::BenchSweepOptions options_;
  std::vector<facade::BenchPoint> results_;
  bool running_ = false;
  int expected_points_ = 0;
  QString measured_device_;         ///< where the sweep in progress (or the last) measures
  QString device_fallback_reason_;  ///< why that is the CPU, when another device was asked for

  bool point_processes_ = false;
  std::vector<QCheckBox*> model_boxes_;
  std::vector<QCheckBox*> point_process_boxes_;
  QComboBox* family_ = nullptr;
  QLabel* sizes_label_ = nullptr;
  QString other_sizes_;  ///< the N grid of the other choice, restored when it comes back
  QLineEdit* sizes_edit_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  bool status_is_error_ = false;
  QCustomPlot* plot_ = nullptr;
  QCPItemText* empty_note_ = nullptr;  // what Run does, until the first sweep
  std::unique_ptr<BenchChart> chart_;  // draws into plot_
};

}  // namespace nplab::ui
