#pragma once
// The BO view's plots. BoSearchPlot: above, the hidden function (dimmed, or hidden), the
// surrogate's mean ±2σ, the starting points, the steps' and the hand-placed queries, the next
// query and the optimum; beneath, on the same x axis, the acquisition function with its
// maximiser. BoRegretPlot: the simple regret against the step (log y) of the surrogate beside the
// oracle GP and random search.

#include <qcustomplot.h>

#include <vector>

#include "nplab/facade/bo_explorer.h"

namespace nplab::ui {

class BoSearchPlot : public QCustomPlot {
  Q_OBJECT

 public:
  explicit BoSearchPlot(QWidget* parent = nullptr);

  /// Draws `frame`; `by_hand[i]` says whether the i-th query after the starting points was
  /// placed by hand. `acquisition_name` labels the lower plot ("EI", "UCB", "Thompson").
  void set_frame(const facade::BoFrame& frame, const std::vector<bool>& by_hand,
                 const QString& acquisition_name);
  void clear_frame();
  void set_truth_shown(bool shown);

  /// The upper axis rect, where a click places a query.
  QCPAxisRect* search_rect() const { return search_rect_; }
  QCPAxisRect* acquisition_rect() const { return acquisition_rect_; }
  /// The x of a pixel column (the axes share their range).
  double x_at_pixel(double pixel) const;
  double pixel_at_x(double x) const;

  /// What is drawn, for tests.
  int drawn_queries() const;
  bool next_query_marked() const;
  double next_query_x() const;
  bool truth_drawn() const;
  bool acquisition_drawn() const;

 private:
  void fit_y();

  QCPAxisRect* search_rect_ = nullptr;
  QCPAxisRect* acquisition_rect_ = nullptr;
  QCPGraph* truth_ = nullptr;
  QCPGraph* upper_ = nullptr;
  QCPGraph* lower_ = nullptr;
  QCPGraph* mean_ = nullptr;
  QCPGraph* starts_ = nullptr;
  QCPGraph* steps_ = nullptr;
  QCPGraph* hand_ = nullptr;
  QCPGraph* latest_ = nullptr;
  QCPGraph* optimum_ = nullptr;
  QCPGraph* acquisition_ = nullptr;
  QCPGraph* maximiser_ = nullptr;
  QCPItemStraightLine* next_line_ = nullptr;
  QCPItemStraightLine* next_line_below_ = nullptr;
  QCPItemText* no_acquisition_ = nullptr;
  bool truth_shown_ = true;
  double next_x_ = 0.0;
};

class BoRegretPlot : public QCustomPlot {
  Q_OBJECT

 public:
  /// Regrets of zero (the optimum found) are drawn at this floor, on a log axis.
  static constexpr double kFloor = 1e-5;

  explicit BoRegretPlot(QWidget* parent = nullptr);

  /// Empty vectors draw nothing for that curve.
  void set_regrets(const QString& surrogate_label, const std::vector<double>& surrogate,
                   const std::vector<double>& oracle, const std::vector<double>& random);
  /// Points drawn per curve: the surrogate's, the oracle's, random search's.
  int points_of(int curve) const;

 private:
  QCPGraph* surrogate_ = nullptr;
  QCPGraph* oracle_ = nullptr;
  QCPGraph* random_ = nullptr;
};

}  // namespace nplab::ui
